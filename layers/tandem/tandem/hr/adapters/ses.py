"""The candidate's acknowledgement through SES (v2), composed by ``tandem.shared.mail.mime``: the subject and the
recipient checked (nothing the candidate typed can add a header), the HTML part the escaped text. It is marked
``Auto-Submitted: auto-generated`` (RFC 3834), so an out-of-office answer does not bounce back and forth."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from tandem.hr.domain.recruitment import Acknowledgement
from tandem.shared.aws.bootstrap import client as shared_client
from tandem.shared.mail import UnsafeMail, mime

AUTO_SUBMITTED = b"Auto-Submitted: auto-generated\n"  # a constant header line, before the composed ones


class MailNotSent(Exception):
    """SES refused or failed, or the mail was unsafe: the caller logs it (the application is stored)."""


class SesApplicantMailer:
    def __init__(self, sender: str, client: object = None) -> None:
        self.sender = sender
        self._client = client

    def send(self, message: Acknowledgement) -> None:
        if not self.sender:
            raise MailNotSent("no sender address: SENDER_EMAIL is not set for this function")
        try:
            raw = AUTO_SUBMITTED + mime(self.sender, message.to, message.subject, message.text)
        except UnsafeMail as exc:
            raise MailNotSent(str(exc)) from exc
        try:
            ses: Any = self._client or shared_client("sesv2")
            ses.send_email(
                FromEmailAddress=self.sender, Destination={"ToAddresses": [message.to]}, Content={"Raw": {"Data": raw}}
            )
        except ClientError as exc:
            raise MailNotSent(exc.response.get("Error", {}).get("Code", "SES error")) from exc
