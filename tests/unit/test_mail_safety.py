"""Outgoing mail (tandem.shared.mail and every context's SES adapter): text anyone typed is escaped in the
HTML part and can never add a header."""

from __future__ import annotations

import email
from dataclasses import replace
from email import policy
from types import SimpleNamespace

import pytest
from tandem.billing.adapters.ses import SesMailer as BillingMailer
from tandem.billing.adapters.ses import mime
from tandem.billing.domain.errors import MailNotSent as BillingMailNotSent
from tandem.billing.domain.mail import Mail, order_confirmation
from tandem.crm.leads.adapters.ses import MailNotSent as LeadsMailNotSent
from tandem.crm.leads.adapters.ses import SesMailer as LeadsMailer
from tandem.sales.adapters.ses import MailNotSent as SalesMailNotSent
from tandem.sales.adapters.ses import SesMailer as SalesMailer
from tandem.sales.domain.events import OrderCancelled
from tandem.sales.domain.notices import ClosureNotice
from tandem.shared.mail import UnsafeMail, checked_address, checked_subject, html_part, simple_content

from tests.unit.billing.builders import invoice
from tests.unit.sales.builders import order

SCRIPT = "<script>alert(1)</script>"
INJECTED = "Ab\r\nBcc: evil@example.com"


class Recorder:
    def __init__(self) -> None:
        self.sent: list[dict] = []

    def send_email(self, **request):
        self.sent.append(request)
        return {"MessageId": "m-1"}


def _parts(raw: bytes) -> dict[str, str]:
    message = email.message_from_bytes(raw, policy=policy.default)
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    }


def test_a_legacy_script_name_is_escaped_in_the_html_part_of_the_order_confirmation():
    issued = invoice()
    issued = replace(issued, customer=replace(issued.customer, name=SCRIPT))
    parts = _parts(mime("billing@example.com", order_confirmation(issued, b"%PDF-1.4")))
    assert f"Hello {SCRIPT}," in parts["text/plain"]  # plain text is not markup
    assert "<script>" not in parts["text/html"]
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;," in parts["text/html"]


def test_simple_content_is_text_only():
    content = simple_content("Subject", f"Hello {SCRIPT} & co")
    assert content["Simple"]["Body"] == {"Text": {"Data": f"Hello {SCRIPT} & co", "Charset": "UTF-8"}}


def test_html_part_keeps_lines():
    assert "one\ntwo" in html_part("one\ntwo") and "pre-wrap" in html_part("x")


@pytest.mark.parametrize("subject", [INJECTED, "Ab\nBcc: x@example.com", "Ab\rX", "a\x00b", "a\u202eb"])
def test_a_subject_that_could_add_a_header_is_refused(subject):
    with pytest.raises(UnsafeMail):
        checked_subject(subject)
    with pytest.raises(UnsafeMail):
        mime("billing@example.com", Mail(to="ada@example.com", subject=subject, text="x"))


@pytest.mark.parametrize(
    "address", ["ada@example.com\r\nBcc: evil@example.com", "ada@example.com, evil@example.com", "Ada <a@b.co>", ""]
)
def test_a_recipient_that_is_not_exactly_one_address_is_refused(address):
    with pytest.raises(UnsafeMail):
        checked_address(address)


def test_an_ordinary_subject_and_address_pass():
    assert checked_subject("Order confirmed - invoice INV-2026-000001") == "Order confirmed - invoice INV-2026-000001"
    assert checked_address("ada+shop@example.com") == "ada+shop@example.com"


def test_billing_mailer_sends_nothing_when_the_subject_could_add_a_header():
    client = Recorder()
    with pytest.raises(BillingMailNotSent):
        BillingMailer("billing@example.com", client).send(Mail(to="ada@example.com", subject=INJECTED, text="x"))
    assert client.sent == []


def test_billing_mailer_sends_the_confirmation_with_an_escaped_html_part():
    client = Recorder()
    issued = invoice()
    issued = replace(issued, customer=replace(issued.customer, name=SCRIPT))
    BillingMailer("billing@example.com", client).send(order_confirmation(issued, b"%PDF-1.4"))
    [sent] = client.sent
    assert sent["Destination"] == {"ToAddresses": [issued.customer.email]}
    parts = _parts(sent["Content"]["Raw"]["Data"])
    assert "&lt;script&gt;" in parts["text/html"] and "<script>" not in parts["text/html"]


def test_sales_mailer_refuses_a_header_in_the_subject_or_recipient():
    client = Recorder()
    mailer = SalesMailer("shop@example.com", client)
    with pytest.raises(SalesMailNotSent):
        mailer.send(ClosureNotice(to="ada@example.com", subject=INJECTED, text="x"))
    with pytest.raises(SalesMailNotSent):
        mailer.send(ClosureNotice(to="ada@example.com\r\nBcc: evil@example.com", subject="Hi", text="x"))
    assert client.sent == []


def test_a_cancel_reason_with_markup_or_a_line_break_never_reaches_the_customer_mail():
    placed = order(("TEA-001", 1))
    for reason in (INJECTED, SCRIPT, "a\u202eb"):
        event = OrderCancelled(order_id=placed.id, customer_email="ada@example.com", reason=reason, was_confirmed=False)
        notice = ClosureNotice.for_event(event, placed)
        assert reason not in notice.text and "cancelled on request." in notice.text
        client = Recorder()
        SalesMailer("shop@example.com", client).send(notice)
        assert "Html" not in client.sent[0]["Content"]["Simple"]["Body"]  # text only: nothing to inject into


def test_a_plain_cancel_reason_is_quoted():
    placed = order(("TEA-001", 1))
    event = OrderCancelled(
        order_id=placed.id, customer_email="ada@example.com", reason="Wrong size & colour", was_confirmed=False
    )
    client = Recorder()
    SalesMailer("shop@example.com", client).send(ClosureNotice.for_event(event, placed))
    assert "(Wrong size & colour)" in client.sent[0]["Content"]["Simple"]["Body"]["Text"]["Data"]


def test_leads_mailer_refuses_a_forged_recipient_or_subject():
    client = Recorder()
    mailer = LeadsMailer("hello@example.com", client)
    with pytest.raises(LeadsMailNotSent):
        mailer.send(SimpleNamespace(to="a@b.co", subject=INJECTED, text="y"))  # type: ignore[arg-type]
    with pytest.raises(LeadsMailNotSent):
        mailer.send(SimpleNamespace(to="a@b.co\nBcc: c@d.co", subject="x", text="y"))  # type: ignore[arg-type]
    assert client.sent == []


def test_a_raw_message_refuses_a_forged_recipient():
    with pytest.raises(UnsafeMail):
        mime("billing@example.com", Mail(to="ada@example.com\nBcc: x@y.z", subject="Money we owe you back", text="x"))
