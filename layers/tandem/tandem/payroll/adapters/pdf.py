"""Payslip PDFs with fpdf2, in the bundled Unicode fonts of ``tandem.shared.pdf`` (shared with invoices).

What a payslip shows (issue 11; ERPNext's Salary Slip, Odoo's payslip): the employer, the employee, the
period, payment days out of working days, every component with its amount and the year-to-date amount,
grouped as earnings (summing to gross), employee deductions (summing to the deductions) and the employer's
contributions (shown for information: not part of net), then gross, net, and the year-to-date headline
totals. Amounts with the currency's minor units (``tandem.shared.money.amount_text``).

Names come from HR, typed by people: control and bidi format characters (an RTL override would flip the
rest of the line, "txet" for "text") are dropped, and a long name is cut to fit its cell, so a hostile
name can neither reorder the amounts nor push them off the page.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from tandem.payroll.domain.mail import period_name
from tandem.payroll.domain.payslip import Payslip, PayslipLine
from tandem.payroll.domain.structure import ComponentKind
from tandem.shared.money import amount_text
from tandem.shared.pdf import UnicodeDocument

# Placeholders so `make run` works; a deployment passes the employer from its template parameters.
DEFAULT_EMPLOYER_NAME = "Tandem Ltd"
DEFAULT_EMPLOYER_ADDRESS = "1 Market Street, 10115 Berlin, DE"
_NAME_LIMIT = 70
_GROUPS = (
    (ComponentKind.EARNING, "Earnings", "Gross pay"),
    (ComponentKind.EMPLOYEE_DEDUCTION, "Deductions", "Total deductions"),
    (ComponentKind.EMPLOYER_CONTRIBUTION, "Employer contributions (not deducted from your pay)", "Total"),
)
_WIDTHS = (100, 45, 45)


@dataclass(frozen=True, slots=True)
class Employer:
    name: str = DEFAULT_EMPLOYER_NAME
    address: str = DEFAULT_EMPLOYER_ADDRESS


def printable(text: str, limit: int = _NAME_LIMIT) -> str:
    """``text`` without control or format characters (bidi overrides, zero-width joiners), on one line,
    cut to ``limit`` characters with an ellipsis."""
    kept = "".join(
        " " if c in "\r\n\t" else c for c in text if unicodedata.category(c) not in {"Cc", "Cf"} or c in "\r\n\t"
    )
    single = " ".join(kept.split())
    return single if len(single) <= limit else single[: limit - 1] + "\u2026"


def component_label(name: str) -> str:
    """``social_security_employee`` -> ``Social security employee``."""
    return name.replace("_", " ").capitalize()


def _days(days: Decimal) -> str:
    return f"{days.normalize():f}"


class _Payslip(UnicodeDocument):
    def __init__(self, slip: Payslip) -> None:
        super().__init__()
        self.slip = slip

    def money(self, amount: Decimal) -> str:
        return f"{amount_text(amount, self.slip.currency)} {self.slip.currency}"

    def heading(self, employer: Employer, employee_name: str) -> None:
        slip, pdf = self.slip, self.pdf
        self.font(14, "B")
        self.cell(0, 8, printable(employer.name), new_x="LMARGIN", new_y="NEXT")
        self.font(9)
        self.cell(0, 5, printable(employer.address, 120), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        self.font(16, "B")
        self.cell(0, 10, f"Payslip {period_name(slip)}", new_x="LMARGIN", new_y="NEXT")
        self.font(10)
        facts = (
            ("Employee", printable(employee_name)),
            ("Employee ID", printable(slip.employee_id)),
            ("Period", str(slip.period)),
            ("Payment days", f"{_days(slip.payment_days)} of {slip.working_days} working days"),
            ("Base salary", self.money(slip.base_salary)),
        )
        for label, value in facts:
            self.cell(40, 6, label)
            self.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    def components(self) -> None:
        slip, pdf = self.slip, self.pdf
        self.font(9, "B")
        for label, width in zip(("Component", "This period", "Year to date"), _WIDTHS, strict=True):
            self.cell(width, 7, label, border="B", align="L" if label == "Component" else "R")
        pdf.ln()
        totals = {
            ComponentKind.EARNING: slip.gross,
            ComponentKind.EMPLOYEE_DEDUCTION: slip.deductions,
            ComponentKind.EMPLOYER_CONTRIBUTION: slip.employer_contributions,
        }
        ytd_totals = {
            ComponentKind.EARNING: slip.year_to_date.gross,
            ComponentKind.EMPLOYEE_DEDUCTION: slip.year_to_date.deductions,
            ComponentKind.EMPLOYER_CONTRIBUTION: slip.year_to_date.employer_contributions,
        }
        for kind, title, total_label in _GROUPS:
            lines = [line for line in slip.lines if line.kind is kind]
            if not lines:
                continue
            pdf.ln(2)
            self.font(10, "B")
            self.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
            self.font(9)
            for line in lines:
                self.row(component_label(line.name), line.amount, self._ytd(line))
            self.font(9, "B")
            self.row(total_label, totals[kind], ytd_totals[kind], border="T")

    def _ytd(self, line: PayslipLine) -> Decimal:
        return self.slip.year_to_date.components.get(line.name, line.amount)

    def row(self, label: str, amount: Decimal, ytd: Decimal, border: str | int = 0) -> None:
        self.cell(_WIDTHS[0], 6, label, border=border)
        self.cell(_WIDTHS[1], 6, self.money(amount), align="R", border=border)
        self.cell(_WIDTHS[2], 6, self.money(ytd), align="R", border=border, new_x="LMARGIN", new_y="NEXT")

    def net(self) -> None:
        self.pdf.ln(4)
        self.font(12, "B")
        self.row("Net pay", self.slip.net, self.slip.year_to_date.net, border="TB")
        self.pdf.ln(4)
        self.font(8)
        self.paragraph(
            "Net pay = gross pay - deductions. Prorated components are their full monthly amount x payment days "
            "/ working days, rounded half up to the cent once. Year to date: this calendar year's payslips up "
            "to and including this one."
        )


def render_payslip(slip: Payslip, employer: Employer, employee_name: str) -> bytes:
    """The payslip as a PDF (one A4 page for a structure of a dozen components)."""
    document = _Payslip(slip)
    document.heading(employer, employee_name)
    document.components()
    document.net()
    return document.output()
