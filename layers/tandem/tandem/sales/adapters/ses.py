"""Customer mail through SES v2."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from tandem.sales.domain.notices import ClosureNotice
from tandem.shared.aws.bootstrap import client as cached_client
from tandem.shared.aws.dynamo import TRANSIENT_TRANSPORT_ERRORS
from tandem.shared.aws.transient import is_transient, unavailable
from tandem.shared.mail import UnsafeMail, checked_address, simple_content


class MailNotSent(Exception):
    """SES refused the message for good (not throttling: that is ``ServiceUnavailable``), or there is no
    sender to send from; a logged failure."""


class SesMailer:
    def __init__(self, sender: str | None, client: Any = None) -> None:
        """``client``: an ``sesv2`` client; None: the function's cached one, looked up at each send (so the
        client ``tandem.shared.aws.bootstrap`` has now, e.g. after a test's ``reset()``, is the one used)."""
        self.sender = sender
        self.client = client

    def send(self, message: ClosureNotice) -> str:
        """Send a plain-text email (no HTML part: nothing typed by anyone becomes markup; the subject and the
        recipient checked by ``tandem.shared.mail``: nothing becomes a header). SES throttled or failing:
        ``ServiceUnavailable``; refused, or a subject or recipient that could add a header: ``MailNotSent``."""
        if not self.sender:
            raise MailNotSent("SENDER_EMAIL is not set")
        client = self.client if self.client is not None else cached_client("sesv2")
        try:
            to, content = checked_address(message.to), simple_content(message.subject, message.text)
        except UnsafeMail as exc:
            raise MailNotSent(str(exc)) from exc
        try:
            response = client.send_email(
                FromEmailAddress=self.sender, Destination={"ToAddresses": [to]}, Content=content
            )
        except ClientError as exc:
            if is_transient(exc):
                raise unavailable("ses", exc) from exc
            raise MailNotSent(exc.response.get("Error", {}).get("Code", "SES error")) from exc
        except TRANSIENT_TRANSPORT_ERRORS as exc:
            raise unavailable("ses", exc) from exc
        return str(response["MessageId"])
