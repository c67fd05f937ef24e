"""Outgoing billing mail through SES v2: raw MIME when there are attachments, simple text otherwise.

Raw content is authorized as ``ses:SendRawEmail`` on the sender identity, simple content as
``ses:SendEmail`` (template.yaml grants each function what it sends).
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tandem.billing.domain.errors import MailNotSent
from tandem.billing.domain.mail import Mail
from tandem.shared.aws.transient import is_transient, unavailable


def mime(sender: str, mail: Mail) -> bytes:
    """The raw message: a plain-text part and one part per attachment."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.text, charset="utf-8")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message.as_bytes()


class SesMailer:
    def __init__(self, sender: str, client: Any) -> None:
        self.sender = sender
        self.client = client

    def send(self, mail: Mail) -> str:
        """The SES message id; ``ServiceUnavailable`` (transient) or ``MailNotSent`` (permanent)."""
        if mail.attachments:
            content: dict[str, Any] = {"Raw": {"Data": mime(self.sender, mail)}}
        else:
            content = {
                "Simple": {
                    "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": mail.text, "Charset": "UTF-8"}},
                }
            }
        try:
            response = self.client.send_email(
                FromEmailAddress=self.sender, Destination={"ToAddresses": [mail.to]}, Content=content
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
