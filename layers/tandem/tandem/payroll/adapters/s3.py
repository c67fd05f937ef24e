"""The run's documents in the payroll documents bucket, under deterministic keys.

``runs/<run_id>/bank-file.xml`` (the SEPA ``pain.001.001.03``) and ``payslips/<run_id>/<employee_id>.pdf``:
a retried step writes the same key again (the bucket is versioned, so nothing is ever lost), and a reader
needs no index. The employee's own route builds the key from the employee their login is linked to, so
another employee's slip is simply not there (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from tandem.payroll.adapters.pdf import Employer, render_payslip
from tandem.payroll.adapters.sepa import write_bank_file
from tandem.payroll.domain.bank import PaymentOrder
from tandem.payroll.domain.errors import PayrollOutputFailed
from tandem.payroll.domain.payslip import Payslip
from tandem.shared.aws.transient import is_transient, unavailable

# Without s3:ListBucket, S3 answers a missing key with 403, so that counts as missing too.
MISSING = frozenset({"NoSuchKey", "404", "AccessDenied", "403"})


class S3Client(Protocol):
    """The two calls of the S3 client the store makes (no S3 stubs in the venv)."""

    def put_object(self, *, Bucket: str, Key: str, Body: bytes, ContentType: str) -> Mapping[str, object]: ...  # noqa: N803 - boto3's names
    def get_object(self, *, Bucket: str, Key: str) -> Mapping[str, object]: ...  # noqa: N803


def bank_file_key(run_id: str) -> str:
    return f"runs/{run_id}/bank-file.xml"


def payslip_key(run_id: str, employee_id: str) -> str:
    return f"payslips/{run_id}/{employee_id}.pdf"


def _failure(operation: str, exc: ClientError | BotoCoreError) -> Exception:
    if is_transient(exc):
        return unavailable("s3", exc)
    code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
    return PayrollOutputFailed(f"{operation} failed: {code}")


class S3PayrollDocuments:
    def __init__(self, bucket: str, client: S3Client, employer: Employer) -> None:
        self.bucket = bucket
        self.client = client
        self.employer = employer

    def _put(self, key: str, body: bytes, content_type: str) -> str:
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)
        except (ClientError, BotoCoreError) as exc:
            raise _failure(f"PutObject {key}", exc) from exc
        return key

    def write_bank_file(self, run_id: str, order: PaymentOrder, created_at: datetime) -> str:
        """Writes and validates the file (``InvalidBankDetails`` if the schema refuses it: nothing stored)."""
        return self._put(bank_file_key(run_id), write_bank_file(order, created_at), "application/xml")

    def write_payslip(self, run_id: str, slip: Payslip, employee_name: str) -> tuple[str, bytes]:
        pdf = render_payslip(slip, self.employer, employee_name)
        return self._put(payslip_key(run_id, slip.employee_id), pdf, "application/pdf"), pdf

    def read_payslip(self, run_id: str, employee_id: str) -> bytes | None:
        """The slip's PDF under the key ``write_payslip`` used: nothing to look up first."""
        return self.read(payslip_key(run_id, employee_id))

    def read(self, key: str) -> bytes | None:
        """The stored document, or None when there is none under ``key``."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            return bytes(body.read())  # type: ignore[attr-defined]  # a botocore StreamingBody
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in MISSING:
                return None
            raise _failure("GetObject", exc) from exc
        except BotoCoreError as exc:
            raise _failure("GetObject", exc) from exc
