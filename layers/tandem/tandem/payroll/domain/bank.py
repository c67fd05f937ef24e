"""What the bank file pays: the company's debtor account and one credit transfer per employee.

Pure data, checked when built, so the SEPA writer (adapters/sepa.py) only formats: an IBAN must pass its
ISO 13616 check digits (mod 97), not just look like one, because the schema's pattern accepts
``DE00...`` and a bank rejects the whole file for one bad account. Amounts are cents of the file's
currency, positive: an employee with a net of 0 gets no transfer (a bank refuses zero transfers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tandem.payroll.domain.errors import InvalidBankDetails

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BIC = re.compile(r"[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?")
# SEPA's Latin character set (EPC guidelines), what MsgId and EndToEndId may use.
_SEPA_ID = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]{1,35}")


def _invalid(message: str, field: str) -> InvalidBankDetails:
    return InvalidBankDetails(message, details={"field": field})


def normalise_iban(iban: str, *, field: str = "iban", label: str | None = None) -> str:
    """``iban`` without spaces, upper case, with valid check digits; otherwise ``InvalidBankDetails``
    (``details.field`` = ``field``; the message names ``label``, e.g. whose IBAN it is)."""
    label = label or field
    compact = re.sub(r"\s+", "", iban).upper()
    if not _IBAN.fullmatch(compact):
        raise _invalid(f"{label} is not an IBAN (two letters, two check digits, the account)", field)
    rearranged = compact[4:] + compact[:4]
    if int("".join(str(int(char, 36)) for char in rearranged)) % 97 != 1:
        raise _invalid(f"{label} has wrong check digits: a typo in the IBAN", field)
    return compact


def normalise_bic(bic: str, *, field: str = "bic", label: str | None = None) -> str:
    label = label or field
    compact = bic.strip().upper()
    if not _BIC.fullmatch(compact):
        raise _invalid(f"{label} is not a BIC (8 or 11 letters and digits)", field)
    return compact


def sepa_reference(text: str, *, field: str) -> str:
    if not _SEPA_ID.fullmatch(text):
        raise _invalid(f"{field} must be 1 to 35 SEPA characters (letters, digits, / - ? : ( ) . , ' +)", field)
    return text


def to_cents(amount: Decimal, *, field: str = "amount") -> int:
    """A positive amount with at most two decimals, as cents."""
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise _invalid(f"{field} must be positive with at most two decimals, not {amount}", field)
    return int(amount * 100)


@dataclass(frozen=True, slots=True)
class DebtorAccount:
    """The company's account the wages leave from (template parameters, given to the bank-file step)."""

    name: str
    iban: str
    bic: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise _invalid("debtor name is empty", "debtor.name")
        object.__setattr__(self, "iban", normalise_iban(self.iban, field="debtor.iban", label="the company's IBAN"))
        object.__setattr__(self, "bic", normalise_bic(self.bic, field="debtor.bic"))


@dataclass(frozen=True, slots=True)
class BankTransfer:
    """One employee's net pay. ``end_to_end_id`` travels to the employee's bank statement's reference
    (the payslip's or employee's id, at most 35 characters); ``remittance`` is the text they read."""

    employee_id: str
    name: str
    iban: str
    bic: str | None
    amount: Decimal
    remittance: str
    end_to_end_id: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise _invalid(f"employee {self.employee_id} has no name", "name")
        object.__setattr__(self, "iban", normalise_iban(self.iban, label=f"the IBAN of employee {self.employee_id}"))
        if self.bic is not None:
            object.__setattr__(self, "bic", normalise_bic(self.bic, label=f"the BIC of employee {self.employee_id}"))
        sepa_reference(self.end_to_end_id, field="end_to_end_id")
        if not self.amount.is_finite() or self.amount < 0:
            raise _invalid(f"employee {self.employee_id}'s net pay must not be negative, not {self.amount}", "amount")

    @property
    def cents(self) -> int:
        return to_cents(self.amount, field="amount")


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    """The whole bank file: who pays, when, under which message id, and the transfers (net > 0 only)."""

    debtor: DebtorAccount
    execution_date: date
    message_id: str
    currency: str
    transfers: tuple[BankTransfer, ...]

    def __post_init__(self) -> None:
        sepa_reference(self.message_id, field="message_id")
        if not self.transfers:
            raise _invalid("a bank file needs at least one transfer with a positive amount", "transfers")
        seen: set[str] = set()
        for transfer in self.transfers:  # one transfer per employee: a second would pay them twice
            if transfer.employee_id in seen:
                raise _invalid(f"employee {transfer.employee_id} has more than one transfer", "transfers")
            seen.add(transfer.employee_id)

    @property
    def control_sum(self) -> Decimal:
        return sum((transfer.amount for transfer in self.transfers), Decimal(0))

    @classmethod
    def of(
        cls,
        debtor: DebtorAccount,
        execution_date: date,
        message_id: str,
        currency: str,
        transfers: tuple[BankTransfer, ...] | list[BankTransfer],
    ) -> PaymentOrder:
        """The order for ``transfers``, leaving out those of 0 (an employee whose deductions took it all)."""
        return cls(debtor, execution_date, message_id, currency, tuple(t for t in transfers if t.amount != 0))
