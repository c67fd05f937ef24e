"""The payslip email: one per employee, PDF attached, no amounts in the body, nothing typed unescaped."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from tandem.payroll.domain.demo import demo_structure
from tandem.payroll.domain.mail import payslip_mail
from tandem.payroll.domain.payslip import Payslip, compute_payslip
from tandem.payroll.domain.work_calendar import PayPeriod
from tandem.shared.mail import UnsafeMail

from tests.unit.payroll.builders import employee

PDF = b"%PDF-1.3 test"


def slip(employee_id: str = "e-1") -> Payslip:
    computed = compute_payslip(demo_structure(), employee(employee_id), PayPeriod(2026, 12))
    assert isinstance(computed, Payslip)
    return computed


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_mail_names_the_period_attaches_the_pdf_and_shows_no_amount():
    mail = payslip_mail(
        slip(), employee_name="Jürgen Müller", email="juergen@example.com", employer_name="Tandem GmbH", pdf=PDF
    )
    message = parsed(mail.raw("payroll@tandem.example"))
    assert message["To"] == "juergen@example.com" and message["From"] == "payroll@tandem.example"
    assert message["Subject"] == "Your payslip for December 2026"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.startswith("Hello Jürgen Müller,") and "payslip for December 2026 is attached" in text
    assert "3078" not in text and "4000" not in text  # the figures stay in the PDF, behind the login
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "payslip-2026-12.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


def test_a_name_with_markup_or_line_breaks_arrives_escaped_on_one_line():
    hostile = "<script>alert(1)</script>\r\nBcc: everyone@example.com"
    mail = payslip_mail(slip(), employee_name=hostile, email="e@example.com", employer_name="<b>Acme</b>", pdf=PDF)
    message = parsed(mail.raw("payroll@tandem.example"))
    assert message["Bcc"] is None
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Acme&lt;/b&gt;" in html
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Hello <script>alert(1)</script> Bcc: everyone@example.com," in text  # one line, shown as typed


@pytest.mark.parametrize("address", ["a@example.com\r\nBcc: x@example.com", "a@example.com, b@example.com", "nobody"])
def test_a_recipient_that_could_add_a_header_or_a_second_address_is_refused(address: str):
    mail = payslip_mail(slip(), employee_name="A", email=address, employer_name="Tandem", pdf=PDF)
    with pytest.raises(UnsafeMail):
        mail.raw("payroll@tandem.example")


def test_one_mail_per_employee_each_with_its_own_slip():
    mails = [
        payslip_mail(slip(eid), employee_name=eid, email=f"{eid}@example.com", employer_name="T", pdf=eid.encode())
        for eid in ("e-1", "e-2", "e-3")
    ]
    assert [m.to for m in mails] == ["e-1@example.com", "e-2@example.com", "e-3@example.com"]
    assert [m.pdf for m in mails] == [b"e-1", b"e-2", b"e-3"]
