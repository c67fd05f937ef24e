"""Outgoing leads mail through SES (v2 API, matching the template's AWS::SES::EmailIdentity)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from tandem.crm.leads.domain.model import Acknowledgement
from tandem.shared.aws.bootstrap import client as shared_client


class MailNotSent(Exception):
    """SES refused or failed; not a domain error: the invocation should be retried."""


class SesMailer:
    """Sends from ``sender``; only the functions that mail have one (``SENDER_EMAIL``), the others pass ''."""

    def __init__(self, sender: str, client: Any | None = None) -> None:
        self.sender = sender
        self._client = client

    def send(self, message: Acknowledgement) -> str:
        """Send a plain-text email (no HTML part, so nothing the lead typed can become markup)."""
        if not self.sender:
            raise MailNotSent("no sender address: SENDER_EMAIL is not set for this function")
        # The injected client, else the shared cached one of the moment (a fresh moto gets a fresh client).
        client = self._client or shared_client("sesv2")
        try:
            response = client.send_email(
                FromEmailAddress=self.sender,
                Destination={"ToAddresses": [message.to]},
                Content={
                    "Simple": {
                        "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                        "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
                    }
                },
            )
        except ClientError as exc:
            raise MailNotSent(exc.response.get("Error", {}).get("Code", "SES error")) from exc
        return str(response["MessageId"])
