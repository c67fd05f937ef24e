"""Document PDFs in S3: ``invoices/<year>/<number>.pdf`` and ``credit-notes/<year>/<number>.pdf``."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tandem.billing.adapters.pdf import Seller, render_credit_note, render_invoice
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.model import Invoice
from tandem.billing.ports import DocumentStoreError

PDF = "application/pdf"


def invoice_key(invoice: Invoice) -> str:
    return f"invoices/{invoice.issue_date.year}/{invoice.number}.pdf"


def credit_note_key(note: CreditNote) -> str:
    return f"credit-notes/{note.issue_date.year}/{note.number}.pdf"


class S3Documents:
    def __init__(self, bucket: str, client: Any, seller: Seller) -> None:
        self.bucket = bucket
        self.client = client
        self.seller = seller

    def _put(self, key: str, body: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=PDF)
        except (ClientError, BotoCoreError) as exc:
            raise DocumentStoreError(f"PutObject {key} failed: {type(exc).__name__}") from exc

    def save_invoice(self, invoice: Invoice) -> None:
        self._put(invoice_key(invoice), render_invoice(invoice, self.seller))

    def save_credit_note(self, note: CreditNote) -> None:
        self._put(credit_note_key(note), render_credit_note(note, self.seller))

    def invoice_pdf(self, invoice: Invoice) -> bytes:
        """The stored PDF; rendered (and stored, best effort) when it is missing.

        Without s3:ListBucket, S3 answers a missing key with 403, so that counts as missing too.
        """
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=invoice_key(invoice))
            return bytes(response["Body"].read())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404", "AccessDenied", "403"):
                raise DocumentStoreError(f"GetObject failed: {exc.response.get('Error', {}).get('Code')}") from exc
        body = render_invoice(invoice, self.seller)
        try:
            self._put(invoice_key(invoice), body)
        except DocumentStoreError:
            pass  # the customer still gets the document; the next request stores it
        return body
