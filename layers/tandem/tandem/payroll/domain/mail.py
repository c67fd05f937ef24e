"""The payslip email: one per employee, composed as plain text, the payslip PDF attached.

The body names the period and says where the slip is; it shows NO amount. Mail previews sit on lock
screens and in shared inboxes, and forwarded mail travels far: the figures are in the attached PDF and at
``GET /me/payslips``, behind the employee's login. The employee's name comes from HR (typed by a person)
and is shown on one printable line (``tandem.shared.text.one_line``); the raw message is built by
``tandem.shared.mail.mime``, whose subject and recipient checks refuse a header injection and whose HTML
part is the text with every character escaped. Pure: the payslip step renders the PDF and sends ``raw``
through SES (``ses:SendEmail`` with ``Raw`` content).
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.payroll.domain.payslip import Payslip
from tandem.shared.mail import mime
from tandem.shared.text import one_line

_MONTHS = ("January February March April May June July August September October November December").split()


@dataclass(frozen=True, slots=True)
class PayslipMail:
    to: str
    subject: str
    text: str
    filename: str
    pdf: bytes

    def raw(self, sender: str) -> bytes:
        """The MIME message: text, its escaped HTML alternative, the PDF. ``UnsafeMail`` if the recipient
        or subject could add a header (the step then records the employee as not mailed, and goes on)."""
        return mime(sender, self.to, self.subject, self.text, [(self.filename, "application/pdf", self.pdf)])


def period_name(slip: Payslip) -> str:
    return f"{_MONTHS[slip.period.month - 1]} {slip.period.year}"


def payslip_mail(slip: Payslip, *, employee_name: str, email: str, employer_name: str, pdf: bytes) -> PayslipMail:
    """The mail that brings ``slip`` (its PDF ``pdf``) to the employee at ``email``."""
    month = period_name(slip)
    employer = one_line(employer_name)
    text = (
        f"Hello {one_line(employee_name)},\n\n"
        f"your payslip for {month} is attached as a PDF.\n"
        "You can also find it, with your earlier payslips, in your employee account (My payslips).\n\n"
        "If anything on it looks wrong, please reply to your HR contact; a corrected payslip is issued by a "
        "correction run, the original is never changed.\n\n"
        f"Kind regards,\n{employer} payroll\n"
    )
    return PayslipMail(
        to=email,
        subject=f"Your payslip for {month}",
        text=text,
        filename=f"payslip-{slip.period}.pdf",
        pdf=pdf,
    )
