"""Payslip PDFs: one page, every component grouped, gross, net, payment days, YTD; hostile names harmless."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from tandem.payroll.adapters.pdf import Employer, printable, render_payslip
from tandem.payroll.domain.demo import demo_structure
from tandem.payroll.domain.payslip import Payslip, YearToDate, compute_payslip
from tandem.payroll.domain.work_calendar import PayPeriod

from tests.unit.billing.pdf_text import lines
from tests.unit.payroll.builders import employee

EMPLOYER = Employer("Tandem GmbH", "Friedrichstraße 1, 10117 Berlin, DE")
DECEMBER = PayPeriod(2026, 12)


def slip(**kwargs: object) -> Payslip:
    computed = compute_payslip(demo_structure(), employee(**kwargs), DECEMBER)  # type: ignore[arg-type]
    assert isinstance(computed, Payslip)
    return computed


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_a_normal_slip_is_one_page_with_every_figure_the_employee_needs():
    full = slip(salary="4000.00")
    pdf = render_payslip(full, EMPLOYER, "Jürgen Müller")
    assert pdf.startswith(b"%PDF")
    assert pages(pdf) == 1
    text = lines(pdf)
    assert text[0] == "Tandem GmbH" and "Payslip December 2026" in text
    assert "Employee | Jürgen Müller" in text
    assert "Payment days | 22 of 22 working days" in text
    assert "Earnings" in text and "Deductions" in text
    assert "Basic salary | 4000.00 EUR | 4000.00 EUR" in text
    assert "Gross pay | 4000.00 EUR | 4000.00 EUR" in text
    assert "Social security employee | 372.00 EUR | 372.00 EUR" in text
    assert "Income tax | 550.00 EUR | 550.00 EUR" in text
    assert "Total deductions | 922.00 EUR | 922.00 EUR" in text
    assert "Social security employer | 420.00 EUR | 420.00 EUR" in text
    assert "Net pay | 3078.00 EUR | 3078.00 EUR" in text


def test_a_mid_month_hire_shows_its_payment_days_and_the_prorated_salary():
    late = slip(salary="4000.00", hired=date(2026, 12, 16))
    text = lines(render_payslip(late, EMPLOYER, "Ada Example"))
    assert "Payment days | 11 of 22 working days" in text
    assert "Basic salary | 2000.00 EUR | 2000.00 EUR" in text


def test_half_days_print_as_such():
    from tandem.payroll.domain.work_calendar import UnpaidLeaveDay

    half = slip(unpaid=(UnpaidLeaveDay(date(2026, 12, 8), Decimal("0.5")),))
    assert "Payment days | 21.5 of 22 working days" in lines(render_payslip(half, EMPLOYER, "Ada"))


def test_year_to_date_adds_the_earlier_slips_of_the_year():
    november = slip()
    before = YearToDate().plus(november).plus(november)
    december = compute_payslip(demo_structure(), employee(), DECEMBER, before)
    assert isinstance(december, Payslip)
    text = lines(render_payslip(december, EMPLOYER, "Ada"))
    assert "Net pay | 3078.00 EUR | 9234.00 EUR" in text
    assert "Income tax | 550.00 EUR | 1650.00 EUR" in text


@pytest.mark.parametrize(
    "name",
    [
        "Mallory \u202eten 00.0\u202c",  # an RTL override that would show the line reversed
        "Zoë\u200b\u200dŁukasiewicz\x00\x07",  # zero-width and control characters
        "Bartholomew-Maximilian " * 40,  # far wider than the page
        "王秀英",  # needs the fallback font
    ],
)
def test_hostile_or_unusual_names_neither_break_the_pdf_nor_move_the_amounts(name: str):
    pdf = render_payslip(slip(), EMPLOYER, name)
    assert pdf.startswith(b"%PDF") and pages(pdf) == 1
    text = lines(pdf)
    employee_row = next(row for row in text if row.startswith("Employee | "))
    assert "\u202e" not in employee_row and "\x00" not in employee_row
    assert len(employee_row) <= len("Employee | ") + 70
    assert "Net pay | 3078.00 EUR | 3078.00 EUR" in text


def test_printable_drops_format_characters_and_cuts_long_text():
    assert printable("a\u202eb\u200bc\nd") == "abc d"
    assert printable("x" * 100, 10) == "x" * 9 + "\u2026"
