"""Outgoing billing mail through SES v2: raw MIME when there are attachments, simple content otherwise.

Raw content is authorized as ``ses:SendRawEmail`` on the sender identity, simple content as
``ses:SendEmail`` (template.yaml grants each function what it sends).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tandem.billing.domain.errors import MailNotSent
from tandem.billing.domain.mail import Mail
from tandem.shared.aws.transient import is_transient, unavailable
from tandem.shared.mail import UnsafeMail, checked_address, simple_content
from tandem.shared.mail import mime as shared_mime


def mime(sender: str, mail: Mail) -> bytes:
    """The raw message: text and escaped HTML alternatives, then one part per attachment
    (``tandem.shared.mail.mime``: no header can be added through the subject or the recipient)."""
    attachments = ((a.filename, a.content_type, a.data) for a in mail.attachments)
    return shared_mime(sender, mail.to, mail.subject, mail.text, attachments)


class SesMailer:
    def __init__(self, sender: str, client: Any) -> None:
        self.sender = sender
        self.client = client

    def send(self, mail: Mail) -> str:
        """The SES message id; ``ServiceUnavailable`` (transient) or ``MailNotSent`` (permanent)."""
        try:
            to = checked_address(mail.to)
            if mail.attachments:
                content: dict[str, Any] = {"Raw": {"Data": mime(self.sender, mail)}}
            else:
                content = simple_content(mail.subject, mail.text)
        except UnsafeMail as exc:
            raise MailNotSent(str(exc)) from exc
        try:
            response = self.client.send_email(
                FromEmailAddress=self.sender, Destination={"ToAddresses": [to]}, Content=content
            )
        except (ClientError, BotoCoreError) as exc:
            if is_transient(exc):
                raise unavailable("ses", exc) from exc
            code = (
                exc.response.get("Error", {}).get("Code", "SES error")
                if isinstance(exc, ClientError)
                else type(exc).__name__
            )
            raise MailNotSent(code) from exc
        return str(response["MessageId"])
