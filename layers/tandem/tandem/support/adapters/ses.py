"""Support mail out through SES v2 as raw MIME: our Message-ID, In-Reply-To and References (RFC 5322 3.6.4),
the plus-addressed Reply-To and, on acknowledgements and surveys, ``Auto-Submitted`` (RFC 3834).

The text is the domain's; the HTML alternative is that text escaped (``tandem.shared.mail.html_part``); the
subject and the recipient pass ``tandem.shared.mail``'s checks, so no text can add a header.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from typing import Any

from botocore.exceptions import ClientError

from tandem.shared.aws.bootstrap import client as cached_client
from tandem.shared.aws.dynamo import TRANSIENT_TRANSPORT_ERRORS
from tandem.shared.aws.transient import is_transient, unavailable
from tandem.shared.mail import UnsafeMail, checked_address, checked_subject, html_part
from tandem.support.domain.mailbox import OutboundMail


class MailNotSent(Exception):
    """SES refused the message for good, or it could not be composed safely; a logged failure."""


def compose(mail: OutboundMail) -> bytes:
    """The raw message: headers through ``policy.default`` (CR/LF refused), text and escaped HTML."""
    message = EmailMessage(policy=policy.default)
    try:
        message["From"] = checked_address(mail.sender)
        message["To"] = checked_address(mail.to)
        message["Reply-To"] = checked_address(mail.reply_to)
        message["Subject"] = checked_subject(mail.subject)
        message["Message-ID"] = mail.message_id
        if mail.in_reply_to:
            message["In-Reply-To"] = mail.in_reply_to
        if mail.references:
            message["References"] = " ".join(mail.references)
        if mail.auto_submitted:
            message["Auto-Submitted"] = mail.auto_submitted
            message["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office back to an acknowledgement
    except ValueError as exc:
        raise UnsafeMail(str(exc)) from exc
    message.set_content(mail.text, charset="utf-8")
    message.add_alternative(html_part(mail.text), subtype="html", charset="utf-8")
    return message.as_bytes()


class SesMailer:
    def __init__(self, client: object = None) -> None:
        """``client``: an ``sesv2`` client; None: the function's cached one, looked up at each send."""
        self.client: Any = client

    def send(self, mail: OutboundMail) -> str:
        client = self.client if self.client is not None else cached_client("sesv2")
        try:
            raw = compose(mail)
        except UnsafeMail as exc:
            raise MailNotSent(str(exc)) from exc
        try:
            response = client.send_email(
                FromEmailAddress=mail.sender, Destination={"ToAddresses": [mail.to]}, Content={"Raw": {"Data": raw}}
            )
        except ClientError as exc:
            if is_transient(exc):
                raise unavailable("ses", exc) from exc
            raise MailNotSent(exc.response.get("Error", {}).get("Code", "SES error")) from exc
        except TRANSIENT_TRANSPORT_ERRORS as exc:
            raise unavailable("ses", exc) from exc
        return str(response["MessageId"])
