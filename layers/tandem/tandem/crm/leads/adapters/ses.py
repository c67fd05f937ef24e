"""Outgoing leads mail through SES (v2 API, matching the template's AWS::SES::EmailIdentity)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from tandem.crm.leads.domain.model import Acknowledgement
from tandem.shared.aws.bootstrap import client as shared_client
from tandem.shared.mail import UnsafeMail, checked_address, simple_content


class MailNotSent(Exception):
    """SES refused or failed; not a domain error: the invocation should be retried."""


class SesMailer:
    """Sends from ``sender``; only the functions that mail have one (``SENDER_EMAIL``), the others pass ''."""

    def __init__(self, sender: str, client: Any | None = None) -> None:
        self.sender = sender
        self._client = client

    def send(self, message: Acknowledgement) -> str:
        """Send a plain-text email (no HTML part, so nothing the lead typed can become markup; the subject and
        the recipient checked by ``tandem.shared.mail``, so nothing can become a header)."""
        if not self.sender:
            raise MailNotSent("no sender address: SENDER_EMAIL is not set for this function")
        # The injected client, else the shared cached one of the moment (a fresh moto gets a fresh client).
        client = self._client or shared_client("sesv2")
        try:
            to, content = checked_address(message.to), simple_content(message.subject, message.text)
        except UnsafeMail as exc:
            raise MailNotSent(str(exc)) from exc
        try:
            response = client.send_email(
                FromEmailAddress=self.sender, Destination={"ToAddresses": [to]}, Content=content
            )
        except ClientError as exc:
            raise MailNotSent(exc.response.get("Error", {}).get("Code", "SES error")) from exc
        return str(response["MessageId"])
