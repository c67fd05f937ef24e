"""Payslip mail through SES v2, raw MIME (the PDF attached): authorized as ``ses:SendRawEmail`` on the sender."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from tandem.payroll.domain.errors import MailNotSent
from tandem.payroll.domain.mail import PayslipMail
from tandem.shared.aws.transient import is_transient, unavailable
from tandem.shared.mail import UnsafeMail, checked_address


class SesV2Client(Protocol):
    """The one call of the SES v2 client the mailer makes (no SES stubs in the venv)."""

    def send_email(
        self, *, FromEmailAddress: str, Destination: dict[str, list[str]], Content: dict[str, object]
    ) -> Mapping[str, object]: ...  # noqa: N803 - boto3's names


class SesPayslipMailer:
    def __init__(self, sender: str, client: SesV2Client) -> None:
        self.sender = sender
        self.client = client

    def send(self, mail: PayslipMail) -> None:
        """``ServiceUnavailable`` when SES is throttling or down (the step retries), ``MailNotSent`` when the
        address or SES refuses this one mail (the employee is listed, the others go on)."""
        try:
            to = checked_address(mail.to)
            raw = mail.raw(self.sender)
        except UnsafeMail as exc:
            raise MailNotSent(f"address refused: {exc}") from exc
        try:
            self.client.send_email(
                FromEmailAddress=self.sender, Destination={"ToAddresses": [to]}, Content={"Raw": {"Data": raw}}
            )
        except (ClientError, BotoCoreError) as exc:
            if is_transient(exc):
                raise unavailable("ses", exc) from exc
            code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
            raise MailNotSent(f"SES refused it: {code}") from exc
