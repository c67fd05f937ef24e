"""What an employee's record holds on a given day, and a change to it.

The effective-dated part of an employee (docs/hr-payroll.md, "HR"): pay, position, organisation and the
settings payroll computes with. Identity and contact details (name, email, country, bank account) are not
dated: a new address or account applies from now on and is not history payroll prorates.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal
from uuid import UUID

from tandem.hr.domain.errors import InvalidEmployeeField, NothingToChange

TEXT_MAX = 200
DEFAULT_ANNUAL_LEAVE_DAYS = Decimal(25)
CENT = Decimal("0.01")
# Contribution exemptions payroll understands; a salary structure's component names them by this key.
CONTRIBUTION_KINDS = frozenset({"pension", "health", "unemployment", "care"})


def required_text(field: str, value: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidEmployeeField(field, "is required")
    if len(text) > TEXT_MAX:
        raise InvalidEmployeeField(field, f"is longer than {TEXT_MAX} characters")
    return text


def salary(field: str, value: Decimal) -> Decimal:
    """A monthly amount in the company currency: positive, whole cents, a Decimal (never a float)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidEmployeeField(field, "must be a decimal amount such as 4200.00")
    if value <= 0:
        raise InvalidEmployeeField(field, "must be more than 0")
    if value != value.quantize(CENT):  # 4200.000 is whole cents; 4200.001 is not
        raise InvalidEmployeeField(field, "has more than 2 decimal places")
    return value


def fraction(field: str, value: Decimal) -> Decimal:
    """Working time as a share of full time: 0 < x ≤ 1 (0.5 is half time)."""
    if not isinstance(value, Decimal) or not value.is_finite() or not Decimal(0) < value <= 1:
        raise InvalidEmployeeField(field, "must be a fraction above 0 and at most 1, such as 0.5")
    return value


@dataclass(frozen=True)
class TaxSettings:
    """What payroll computes taxes and contributions with: small and declarative on purpose.

    ``tax_code`` picks the bracket table of the salary structure (``standard`` unless a country's class
    system says otherwise); ``contribution_exemptions`` names the contributions this employee does not pay.
    """

    tax_code: str = "standard"
    contribution_exemptions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        required_text("tax.tax_code", self.tax_code)
        unknown = set(self.contribution_exemptions) - CONTRIBUTION_KINDS
        if unknown:
            raise InvalidEmployeeField(
                "tax.contribution_exemptions", f"unknown {sorted(unknown)}; known: {sorted(CONTRIBUTION_KINDS)}"
            )


@dataclass(frozen=True)
class EmployeeRecord:
    """The employee's dated facts on one day; ``Employee.record_as_of`` builds it from the history."""

    base_salary: Decimal
    position: str
    department: str
    cost_centre: str
    working_time: Decimal = Decimal(1)
    manager_id: UUID | None = None
    tax: TaxSettings = TaxSettings()
    annual_leave_days: Decimal = DEFAULT_ANNUAL_LEAVE_DAYS

    def __post_init__(self) -> None:
        salary("base_salary", self.base_salary)
        fraction("working_time", self.working_time)
        for name in ("position", "department", "cost_centre"):
            object.__setattr__(self, name, required_text(name, getattr(self, name)))
        if not isinstance(self.annual_leave_days, Decimal) or not 0 <= self.annual_leave_days <= 366:
            raise InvalidEmployeeField("annual_leave_days", "must be between 0 and 366 days")


@dataclass(frozen=True)
class RecordChange:
    """The fields one change sets; None leaves a field as it was (so a manager is replaced, never cleared)."""

    base_salary: Decimal | None = None
    position: str | None = None
    department: str | None = None
    cost_centre: str | None = None
    working_time: Decimal | None = None
    manager_id: UUID | None = None
    tax: TaxSettings | None = None
    annual_leave_days: Decimal | None = None

    def __post_init__(self) -> None:
        if not self.changed():
            raise NothingToChange()

    def changed(self) -> dict[str, object]:
        """Field name -> new value, for the fields this change sets."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    def applied_to(self, record: EmployeeRecord) -> EmployeeRecord:
        """``record`` with this change's fields; the record's own checks validate the new values."""
        return replace(record, **self.changed())  # type: ignore[arg-type]
