"""Requests and responses of payroll's HTTP API (structures, runs, payslips); the domain does not know HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tandem.payroll.domain import codec
from tandem.payroll.domain.commands import CreateStructure
from tandem.payroll.domain.events import RunTotals
from tandem.payroll.domain.model import RunKind, RunStatus
from tandem.payroll.domain.payslip import FailureReason, Payslip, PayslipFailure
from tandem.payroll.domain.stored import RunRecord, StoredPayslip, StoredStructure
from tandem.payroll.domain.structure import ComponentKind, Withholding
from tandem.shared.openapi import Currency, ItemsPage, Money
from tandem.shared.paging import Page
from tandem.shared.text import MultiLine, SingleLine

ComponentName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="a-z, 0-9 and _, 1-40")]
BaseName = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="`gross`, `base_salary` or another component's name"),
]
Percent = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,4})?$", description="0 to 100", examples=["9.3"])]
Amount = Annotated[
    str, Field(pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$", description="not negative", examples=["7550.00"])
]
Period = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$", description="A month, YYYY-MM", examples=["2026-12"])]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FixedRule(_Request):
    type: Literal["fixed"]
    amount: Amount


class PercentRule(_Request):
    type: Literal["percent"]
    base: BaseName
    percent: Percent
    ceiling: Amount | None = Field(default=None, description="Caps the BASE (a contribution ceiling)")


class BracketRequest(_Request):
    up_to: Amount | None = Field(description="The bracket's upper bound; null for the last, open one")
    percent: Percent


class ProgressiveRule(_Request):
    type: Literal["progressive"]
    base: BaseName
    brackets: list[BracketRequest] = Field(min_length=1, max_length=20)


Rule = Annotated[FixedRule | PercentRule | ProgressiveRule, Field(discriminator="type")]


class ComponentRequest(_Request):
    name: ComponentName
    kind: ComponentKind
    rule: Rule
    prorated: bool = Field(default=False, description="Multiplied by payment days / working days")
    withholding: Withholding = Field(default=Withholding.SOCIAL, description="Which liability a deduction is owed on")


class StructureRequest(_Request):
    """A declarative salary structure (no expressions): validated, cycles between components refused (422)."""

    name: Annotated[str, SingleLine(80)]
    currency: Currency
    components: list[ComponentRequest] = Field(min_length=1, max_length=50)
    default: bool = Field(default=False, description="Runs use it from now on (the first structure always is)")

    def to_command(self) -> CreateStructure:
        document = {
            "name": self.name,
            "currency": self.currency,
            "components": [c.model_dump() for c in self.components],
        }
        return CreateStructure(codec.structure_of(document), self.default)


class ComponentView(BaseModel):
    name: str
    kind: ComponentKind
    rule: Rule
    prorated: bool
    withholding: Withholding


class StructureView(BaseModel):
    id: str
    name: str
    currency: Currency
    components: list[ComponentView]
    is_default: bool
    created_at: datetime

    @classmethod
    def of(cls, stored: StoredStructure) -> StructureView:
        document = codec.structure_document(stored.structure)
        return cls(
            id=stored.structure_id,
            name=document["name"],
            currency=document["currency"],
            components=[ComponentView.model_validate(c) for c in document["components"]],
            is_default=stored.is_default,
            created_at=stored.created_at,
        )


class StructureList(ItemsPage[StructureView]):
    @classmethod
    def of(cls, page: Page[StoredStructure]) -> StructureList:
        return cls(items=[StructureView.of(s) for s in page.items], next_token=page.cursor)


class StartRunRequest(_Request):
    period: Period


class RejectRunRequest(_Request):
    reason: Annotated[str, MultiLine(1000)]


class ReverseRunRequest(_Request):
    reason: Annotated[str, MultiLine(1000)] | None = Field(
        default=None, description="Why the run is corrected (shown on the reversal run; not on the bus)"
    )


class ComponentTotalView(BaseModel):
    name: str
    amount: Money


class RunTotalsView(BaseModel):
    employees: int
    gross: Money
    deductions: Money
    employer_contributions: Money
    net: Money
    components: list[ComponentTotalView]

    @classmethod
    def of(cls, totals: RunTotals) -> RunTotalsView:
        return cls(
            employees=totals.employees,
            gross=str(totals.gross),
            deductions=str(totals.deductions),
            employer_contributions=str(totals.employer_contributions),
            net=str(totals.net),
            components=[ComponentTotalView(name=c.name, amount=str(c.amount)) for c in totals.components],
        )


class PayslipFailureView(BaseModel):
    employee_id: str
    reason: FailureReason
    message: str

    @classmethod
    def of(cls, failure: PayslipFailure) -> PayslipFailureView:
        return cls(employee_id=failure.employee_id, reason=failure.reason, message=failure.message)


class RunView(BaseModel):
    id: str
    period: Period
    kind: RunKind
    status: RunStatus
    currency: Currency
    started_by: str
    started_at: datetime
    approved_by: str | None
    employees: int = Field(description="Employees the run pays (a slip or a failure each)")
    skipped_employee_ids: list[str] = Field(description="Active in the period but paid by another run")
    totals: RunTotalsView | None = Field(description="Σ of the slips; from `calculated` on")
    failure_count: int
    failures: list[PayslipFailureView] = Field(description="Employees without a slip and why (GET of one run)")
    reverses_run_id: str | None = Field(default=None, description="A reversal run: the run it undoes")
    reversed_by_run_id: str | None = Field(default=None, description="A `reversed` run: the reversal that undid it")
    pending_reversal_run_id: str | None = Field(
        default=None, description="A reversal of this run waiting for approval (no payment is recorded meanwhile)"
    )
    reason: str | None = Field(default=None, description="A reversal run: why it was asked for")

    @classmethod
    def of(cls, record: RunRecord, failures: list[PayslipFailure] | None = None) -> RunView:
        run = record.run
        return cls(
            id=run.run_id,
            period=str(run.period),
            kind=run.kind,
            status=run.status,
            currency=run.currency,
            started_by=run.started_by,
            started_at=run.started_at,
            approved_by=run.approved_by,
            employees=len(run.employee_ids) or record.employee_count,
            skipped_employee_ids=list(run.skipped_employee_ids),
            totals=None if record.totals is None else RunTotalsView.of(record.totals),
            failure_count=record.failure_count,
            failures=[PayslipFailureView.of(f) for f in failures or []],
            reverses_run_id=run.reverses_run_id,
            reversed_by_run_id=run.reversed_by_run_id,
            pending_reversal_run_id=run.pending_reversal_run_id,
            reason=run.reason,
        )


class RunList(ItemsPage[RunView]):
    @classmethod
    def of(cls, page: Page[RunRecord]) -> RunList:
        return cls(items=[RunView.of(r) for r in page.items], next_token=page.cursor)


class PayslipLineView(BaseModel):
    name: str
    kind: ComponentKind
    amount: Money


class YearToDateView(BaseModel):
    gross: Money
    deductions: Money
    employer_contributions: Money
    net: Money
    components: dict[str, Money]


class PayslipView(BaseModel):
    employee_id: str
    period: Period
    currency: Currency
    base_salary: Money
    working_days: int
    payment_days: Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", description="Decimal: half days exist")]
    components: list[PayslipLineView]
    gross: Money
    deductions: Money
    employer_contributions: Money
    net: Money
    year_to_date: YearToDateView

    @classmethod
    def of(cls, slip: Payslip) -> PayslipView:
        ytd = slip.year_to_date
        return cls(
            employee_id=slip.employee_id,
            period=str(slip.period),
            currency=slip.currency,
            base_salary=str(slip.base_salary),
            working_days=slip.working_days,
            payment_days=_days(slip.payment_days),
            components=[PayslipLineView(name=ln.name, kind=ln.kind, amount=str(ln.amount)) for ln in slip.lines],
            gross=str(slip.gross),
            deductions=str(slip.deductions),
            employer_contributions=str(slip.employer_contributions),
            net=str(slip.net),
            year_to_date=YearToDateView(
                gross=str(ytd.gross),
                deductions=str(ytd.deductions),
                employer_contributions=str(ytd.employer_contributions),
                net=str(ytd.net),
                components={name: str(amount) for name, amount in ytd.components.items()},
            ),
        )


def _days(value: Decimal) -> str:
    return format(value.normalize(), "f")


class PayslipList(ItemsPage[PayslipView]):
    @classmethod
    def of(cls, page: Page[Payslip]) -> PayslipList:
        return cls(items=[PayslipView.of(s) for s in page.items], next_token=page.cursor)


class MyPayslipView(PayslipView):
    run_id: str
    reversed: bool = Field(
        default=False, description="Its run was reversed (a correction): kept for the record, paid again by a later run"
    )

    @classmethod
    def mine(cls, stored: StoredPayslip) -> MyPayslipView:
        return cls(**PayslipView.of(stored.slip).model_dump(), run_id=stored.run_id, reversed=stored.reversed)


class MyPayslipList(ItemsPage[MyPayslipView]):
    @classmethod
    def of(cls, page: Page[StoredPayslip]) -> MyPayslipList:
        return cls(items=[MyPayslipView.mine(s) for s in page.items], next_token=page.cursor)
