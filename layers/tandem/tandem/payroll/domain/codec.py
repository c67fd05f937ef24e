"""Payroll's values as plain JSON-able documents and back: one codec for the table, the API and the saga.

Amounts travel as strings ("4000.00"), never floats, so a document read back gives the same ``Decimal``.
A structure document is what ``POST /payroll/structures`` accepts, so the stored form and the API agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tandem.payroll.domain.errors import InvalidSalaryStructure
from tandem.payroll.domain.payslip import FailureReason, Payslip, PayslipFailure, PayslipLine, YearToDate
from tandem.payroll.domain.posting import LedgerRole, PostingLine
from tandem.payroll.domain.structure import (
    AmountRule,
    Bracket,
    Component,
    ComponentKind,
    FixedAmount,
    PercentOf,
    ProgressiveBrackets,
    SalaryStructure,
    Withholding,
)
from tandem.payroll.domain.work_calendar import PayPeriod

Document = dict[str, Any]


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def rule_document(rule: AmountRule) -> Document:
    if isinstance(rule, FixedAmount):
        return {"type": "fixed", "amount": str(rule.amount)}
    if isinstance(rule, PercentOf):
        return {"type": "percent", "base": rule.base, "percent": str(rule.percent), "ceiling": _amount(rule.ceiling)}
    brackets = [{"up_to": _amount(b.up_to), "percent": str(b.percent)} for b in rule.brackets]
    return {"type": "progressive", "base": rule.base, "brackets": brackets}


def rule_of(document: Document) -> AmountRule:
    kind = document["type"]
    if kind == "fixed":
        return FixedAmount(Decimal(document["amount"]))
    if kind == "percent":
        ceiling = document.get("ceiling")
        return PercentOf(document["base"], Decimal(document["percent"]), None if ceiling is None else Decimal(ceiling))
    if kind == "progressive":
        brackets = tuple(
            Bracket(None if b.get("up_to") is None else Decimal(b["up_to"]), Decimal(b["percent"]))
            for b in document["brackets"]
        )
        return ProgressiveBrackets(document["base"], brackets)
    raise InvalidSalaryStructure(details={"field": "rule.type", "problem": f"unknown rule {str(kind)[:20]!r}"})


def structure_document(structure: SalaryStructure) -> Document:
    return {
        "name": structure.name,
        "currency": structure.currency,
        "components": [
            {
                "name": part.name,
                "kind": part.kind.value,
                "rule": rule_document(part.rule),
                "prorated": part.prorated,
                "withholding": part.withholding.value,
            }
            for part in structure.components
        ],
    }


def structure_of(document: Document) -> SalaryStructure:
    """Builds (and so validates, cycles included) the structure a document describes."""
    components = [
        Component(
            part["name"],
            ComponentKind(part["kind"]),
            rule_of(part["rule"]),
            bool(part.get("prorated", False)),
            Withholding(part.get("withholding", Withholding.SOCIAL.value)),
        )
        for part in document["components"]
    ]
    return SalaryStructure.build(document["name"], document["currency"], components)


def payslip_document(slip: Payslip) -> Document:
    ytd = slip.year_to_date
    return {
        "employee_id": slip.employee_id,
        "period": str(slip.period),
        "currency": slip.currency,
        "base_salary": str(slip.base_salary),
        "working_days": slip.working_days,
        "payment_days": str(slip.payment_days),
        "lines": [
            {"name": ln.name, "kind": ln.kind.value, "amount": str(ln.amount), "withholding": ln.withholding.value}
            for ln in slip.lines
        ],
        "gross": str(slip.gross),
        "deductions": str(slip.deductions),
        "employer_contributions": str(slip.employer_contributions),
        "net": str(slip.net),
        "year_to_date": {
            "gross": str(ytd.gross),
            "deductions": str(ytd.deductions),
            "employer_contributions": str(ytd.employer_contributions),
            "net": str(ytd.net),
            "components": {name: str(amount) for name, amount in ytd.components.items()},
        },
    }


def payslip_of(document: Document) -> Payslip:
    year, month = (int(part) for part in document["period"].split("-"))
    ytd = document.get("year_to_date") or {}
    return Payslip(
        document["employee_id"],
        PayPeriod(year, month),
        document["currency"],
        Decimal(document["base_salary"]),
        int(document["working_days"]),
        Decimal(document["payment_days"]),
        tuple(
            PayslipLine(ln["name"], ComponentKind(ln["kind"]), Decimal(ln["amount"]), Withholding(ln["withholding"]))
            for ln in document["lines"]
        ),
        Decimal(document["gross"]),
        Decimal(document["deductions"]),
        Decimal(document["employer_contributions"]),
        Decimal(document["net"]),
        YearToDate(
            Decimal(ytd.get("gross", "0")),
            Decimal(ytd.get("deductions", "0")),
            Decimal(ytd.get("employer_contributions", "0")),
            Decimal(ytd.get("net", "0")),
            {name: Decimal(amount) for name, amount in (ytd.get("components") or {}).items()},
        ),
    )


def failure_document(failure: PayslipFailure) -> Document:
    return {"employee_id": failure.employee_id, "reason": failure.reason.value, "message": failure.message}


def failure_of(document: Document) -> PayslipFailure:
    return PayslipFailure(document["employee_id"], FailureReason(document["reason"]), document["message"])


def lines_document(lines: tuple[PostingLine, ...]) -> list[Document]:
    return [{"role": ln.role.value, "debit": str(ln.debit), "credit": str(ln.credit)} for ln in lines]


def lines_of(documents: list[Document]) -> tuple[PostingLine, ...]:
    return tuple(PostingLine(LedgerRole(d["role"]), Decimal(d["debit"]), Decimal(d["credit"])) for d in documents)
