"""Lead rules as small named functions, shared by the domain and the HTTP request model.

Each check returns an error message or None, so the edge can report every bad field at
once (422) and the domain can refuse the same input from any other entry point.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from tandem.shared.text import text_error as shared_text_error

NAME_MAX = 100
EMAIL_MAX = 254
MESSAGE_MAX = 5000
COMPANY_MAX = 200
PHONE_MAX = 40
HONEYPOT_MAX = 500

# The same email + message within this window is one lead (double clicks, resubmits).
DEDUP_WINDOW = timedelta(minutes=10)

# The public form can name any address, so acknowledgements to one address are capped per UTC
# day: otherwise the form is a free way to mail-bomb a stranger from our domain.
ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY = 3

EMAIL_PATTERN = r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$"
PHONE_PATTERN = r"^\+?[0-9 ()./-]{3,40}$"


def text_error(text: str, *, single_line: bool) -> str | None:
    """The one text policy (``tandem.shared.text``): no control, bidi or zero-width characters, no
    markup; single-line fields (everything but the message) no line breaks either (mail headers)."""
    return shared_text_error(text, multi_line=not single_line)


def email_error(email: str) -> str | None:
    if len(email) > EMAIL_MAX or not re.match(EMAIL_PATTERN, email):
        return "must be a valid email address"
    return None


def normalized_message(message: str) -> str:
    """Whitespace and case do not make a different message."""
    return " ".join(message.split()).casefold()


def submission_fingerprint(email: str, message: str) -> str:
    """Key for duplicate detection: hash, so the dedup item holds no personal data."""
    raw = f"{email.strip().lower()}\n{normalized_message(message)}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def quota_address(email: str) -> str:
    """The mailbox an address delivers to, as far as the quota is concerned: lower-cased, with any
    ``+tag`` dropped from the local part (``Ada+1@Example.com`` -> ``ada@example.com``), on every
    domain, so ``victim+1@``, ``victim+2@``, ... share one quota.

    Dots are deliberately NOT removed: only some providers (Gmail) ignore them; elsewhere
    ``a.b@`` and ``ab@`` are different people, who must not share (and exhaust) one quota.
    """
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return email.strip().lower()
    return f"{local.split('+', 1)[0] or local}@{domain}"


def recipient_key(email: str) -> str:
    """Key of an address's daily acknowledgement quota: a hash of ``quota_address``, so the quota item
    holds no address and sub-addresses (``+tag``) of one mailbox share its quota."""
    return hashlib.sha256(quota_address(email).encode("utf-8")).hexdigest()


def is_bot(honeypot: str | None) -> bool:
    """People never see the hidden ``website`` field; anything in it was typed by a bot."""
    return bool(honeypot and honeypot.strip())
