"""Outgoing CRM mail through SES (v2 API, matching the template's AWS::SES::EmailIdentity)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from tandem.crm.domain.model import Acknowledgement


class MailNotSent(Exception):
    """SES refused or failed; not a domain error: the invocation should be retried."""


class SesMailer:
    def __init__(self, sender: str, client: Any) -> None:
        self.sender = sender
        self.client = client

    def send(self, message: Acknowledgement) -> str:
        """Send a plain-text email (no HTML part, so nothing the lead typed can become markup)."""
        try:
            response = self.client.send_email(
                FromEmailAddress=self.sender,
                Destination={"ToAddresses": [message.to]},
                Content={"Simple": {
                    "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
                }},
            )
        except ClientError as exc:
            raise MailNotSent(exc.response.get("Error", {}).get("Code", "SES error")) from exc
        return str(response["MessageId"])
