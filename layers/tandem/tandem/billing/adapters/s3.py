"""Document PDFs in S3: ``invoices/<year>/<number>.pdf`` and ``credit-notes/<year>/<number>.pdf``.

An invoice's PDF is not written at issue: it is rendered and stored the first time it is needed
(the confirmation mail or GET /invoices/{id}/pdf). The client is the shared one (1 s connect,
3 s read, 3 attempts), well inside every billing function's timeout.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tandem.billing.adapters.pdf import Seller, render_credit_note, render_invoice
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.errors import DocumentStoreError
from tandem.billing.domain.model import Invoice
from tandem.shared.aws.transient import is_transient, unavailable
from tandem.shared.errors import ServiceUnavailable

PDF = "application/pdf"
# Without s3:ListBucket, S3 answers a missing key with 403, so that counts as missing too.
MISSING = frozenset({"NoSuchKey", "404", "AccessDenied", "403"})


def invoice_key(invoice: Invoice) -> str:
    return f"invoices/{invoice.issue_date.year}/{invoice.number}.pdf"


def credit_note_key(note: CreditNote) -> str:
    return f"credit-notes/{note.issue_date.year}/{note.number}.pdf"


def _failure(operation: str, exc: ClientError | BotoCoreError) -> Exception:
    if is_transient(exc):
        return unavailable("s3", exc)
    code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
    return DocumentStoreError(f"{operation} failed: {code}")


class S3Documents:
    def __init__(self, bucket: str, client: Any, seller: Seller) -> None:
        self.bucket = bucket
        self.client = client
        self.seller = seller

    def _put(self, key: str, body: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=PDF)
        except (ClientError, BotoCoreError) as exc:
            raise _failure(f"PutObject {key}", exc) from exc

    def save_credit_note(self, note: CreditNote) -> None:
        self._put(credit_note_key(note), render_credit_note(note, self.seller))

    def invoice_pdf(self, invoice: Invoice) -> bytes:
        """The stored PDF; rendered and stored when it is missing (the first request).

        S3 throttled or failing: ``ServiceUnavailable`` (the caller retries). Storing a freshly rendered
        PDF is best effort: the document is returned anyway and the next request stores it.
        """
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=invoice_key(invoice))
            return bytes(response["Body"].read())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in MISSING:
                raise _failure("GetObject", exc) from exc
        except BotoCoreError as exc:
            raise _failure("GetObject", exc) from exc
        body = render_invoice(invoice, self.seller)
        try:
            self._put(invoice_key(invoice), body)
        except (DocumentStoreError, ServiceUnavailable):
            pass  # the caller still gets the document; the next request stores it
        return body
