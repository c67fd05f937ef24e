"""What a payroll run moves in the ledger, as plain lines the run's events carry.

Payroll does not know the ledger's chart (contexts meet only through events): a line names the ROLE of an
account and the ledger maps roles to its codes when it learns the event (proposed: salary expense 6000,
employer contribution expense 6100, net wages payable 2300, tax withholding payable 2400, social
contributions payable 2500, bank 1000 as today).

The accrual, when a run is approved, is balanced by construction, because net = gross - deductions:
    Dr salary expense                 Σ gross
    Dr employer contribution expense  Σ employer contributions
    Cr net wages payable              Σ net
    Cr tax withholding payable        Σ amounts withheld as tax (income tax; employer ones too)
    Cr social contributions payable   Σ amounts withheld as social (employee share + employer share)
Paying the wages: Dr net wages payable / Cr bank, Σ net. A reversal posts every line of the run with
its sides swapped, so the ledger is back where it was before the run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tandem.payroll.domain.payslip import Payslip
from tandem.payroll.domain.structure import ComponentKind, Withholding

ZERO = Decimal(0)


class LedgerRole(StrEnum):
    SALARY_EXPENSE = "salary_expense"
    EMPLOYER_CONTRIBUTION_EXPENSE = "employer_contribution_expense"
    NET_WAGES_PAYABLE = "net_wages_payable"
    TAX_WITHHOLDING_PAYABLE = "tax_withholding_payable"
    SOCIAL_CONTRIBUTIONS_PAYABLE = "social_contributions_payable"
    BANK = "bank"


_PAYABLE = {
    Withholding.TAX: LedgerRole.TAX_WITHHOLDING_PAYABLE,
    Withholding.SOCIAL: LedgerRole.SOCIAL_CONTRIBUTIONS_PAYABLE,
}


@dataclass(frozen=True, slots=True)
class PostingLine:
    """One side of one account, amount > 0."""

    role: LedgerRole
    debit: Decimal = ZERO
    credit: Decimal = ZERO

    def swapped(self) -> PostingLine:
        return PostingLine(self.role, self.credit, self.debit)


def _line(role: LedgerRole, amount: Decimal) -> PostingLine | None:
    """A debit of ``amount``; a negative amount (a reversal's totals) becomes a credit. Zero: no line."""
    if amount == 0:
        return None
    return PostingLine(role, debit=amount) if amount > 0 else PostingLine(role, credit=-amount)


def accrual_lines(slips: Iterable[Payslip]) -> tuple[PostingLine, ...]:
    """The run's accrual from its slips (see the module docstring)."""
    debits = {LedgerRole.SALARY_EXPENSE: ZERO, LedgerRole.EMPLOYER_CONTRIBUTION_EXPENSE: ZERO}
    credits = {LedgerRole.NET_WAGES_PAYABLE: ZERO, **{role: ZERO for role in _PAYABLE.values()}}
    for slip in slips:
        debits[LedgerRole.SALARY_EXPENSE] += slip.gross
        debits[LedgerRole.EMPLOYER_CONTRIBUTION_EXPENSE] += slip.employer_contributions
        credits[LedgerRole.NET_WAGES_PAYABLE] += slip.net
        for line in slip.lines:
            if line.kind is not ComponentKind.EARNING:
                credits[_PAYABLE[line.withholding]] += line.amount
    lines = [_line(role, amount) for role, amount in debits.items()]
    lines += [None if (ln := _line(role, amount)) is None else ln.swapped() for role, amount in credits.items()]
    return tuple(line for line in lines if line is not None)


def payment_lines(net_total: Decimal) -> tuple[PostingLine, ...]:
    """The wages leave the bank: Dr net wages payable / Cr bank."""
    debit, bank = _line(LedgerRole.NET_WAGES_PAYABLE, net_total), _line(LedgerRole.BANK, net_total)
    return () if debit is None or bank is None else (debit, bank.swapped())


def reversal_lines(lines: Iterable[PostingLine]) -> tuple[PostingLine, ...]:
    return tuple(line.swapped() for line in lines)


def is_balanced(lines: Iterable[PostingLine]) -> bool:
    items = list(lines)
    return sum((ln.debit for ln in items), ZERO) == sum((ln.credit for ln in items), ZERO)
