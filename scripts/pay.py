"""Send a signed `payment.succeeded` webhook to a running Tandem, as the payment provider would.

    python3 scripts/pay.py <invoice_id> <amount> [EUR]          pay an invoice
    python3 scripts/pay.py --order <order_id> <amount> [EUR]    pay a card order the saga waits for

The signature is `Tandem-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with
PAYMENT_WEBHOOK_SECRET (default `whsec_local`, what `make run` uses); the API is LOCAL_API_URL (default
http://127.0.0.1:3000). Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid


def main(argv: list[str]) -> int:
    target = "invoice_id"
    if argv[:1] == ["--order"]:
        target, argv = "order_id", argv[1:]
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    payload = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "payment.succeeded",
        target: argv[0],
        "amount": argv[1],
        "currency": argv[2] if len(argv) == 3 else "EUR",
    }
    body = json.dumps(payload).encode()
    secret = os.environ.get("PAYMENT_WEBHOOK_SECRET", "whsec_local").encode()
    moment = int(time.time())
    signature = hmac.new(secret, f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    url = os.environ.get("LOCAL_API_URL", "http://127.0.0.1:3000").rstrip("/") + "/payments/webhook"
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Tandem-Signature": f"t={moment},v1={signature}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            print(response.status, response.read().decode())
            return 0
    except urllib.error.HTTPError as error:
        print(error.code, error.read().decode(), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
