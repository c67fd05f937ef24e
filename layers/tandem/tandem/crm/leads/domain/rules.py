"""Lead rules as small named functions, shared by the domain and the HTTP request model.

Each check returns an error message or None, so the edge can report every bad field at
once (422) and the domain can refuse the same input from any other entry point.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

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
# A "<" directly followed by a letter, "/", "!" or "?" opens a tag, comment or directive.
# "x < y" and "<3" stay allowed; "<b>", "</p>", "<script", "<!--", "<?php" do not.
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")

MARKUP_MESSAGE = "must not contain HTML markup"


def markup_error(text: str) -> str | None:
    return MARKUP_MESSAGE if _MARKUP.search(text) else None


def control_error(text: str, *, single_line: bool) -> str | None:
    """Refuse control characters; single-line fields also refuse line breaks (mail headers)."""
    if _CONTROL.search(text):
        return "must not contain control characters"
    if single_line and _LINE_BREAK.search(text):
        return "must be a single line"
    return None


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
