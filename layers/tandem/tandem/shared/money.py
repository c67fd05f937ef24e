"""Money as an exact ``Decimal`` amount in one ISO 4217 currency.

Amounts keep full precision through arithmetic (a tax computed on a unit price must not be
rounded twice); rounding to the currency's minor unit is an explicit, named step.

The default rounding mode is ROUND_HALF_UP ("commercial rounding": 0.005 -> 0.01) because
that is what customers, accountants and the tax rules of our markets expect on invoices,
payslips and VAT lines, and what a spreadsheet or calculator would show. Python's own
default, ROUND_HALF_EVEN (banker's rounding), is unbiased over many values; pass it by name
where a use case aggregates many roundings (e.g. statistics), never by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

# ISO 4217 minor units of the currencies Tandem trades in. Unknown currencies are refused
# rather than guessed, because a wrong exponent silently mis-prices everything.
MINOR_UNITS: dict[str, int] = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "HUF": 2,
    "RON": 2,
    "CAD": 2,
    "AUD": 2,
    "NZD": 2,
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "BHD": 3,
    "KWD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
}

DEFAULT_ROUNDING = ROUND_HALF_UP
# Wire formatting only: a currency we do not know is shown with two digits (Money itself refuses it).
_DISPLAY_DIGITS = 2


def minor_unit(currency: str | None) -> Decimal:
    """The smallest coin of ``currency``, e.g. Decimal('0.01') for EUR, Decimal('1') for JPY
    (two digits for an unknown or missing currency)."""
    return Decimal(1).scaleb(-MINOR_UNITS.get(currency or "", _DISPLAY_DIGITS))


def amount_text(amount: Decimal, currency: str | None) -> str:
    """An amount as the wire's decimal string with the currency's minor digits (``Decimal("36")`` ->
    ``"36.00"``: DynamoDB drops trailing zeros, clients expect them), rounded half up."""
    return str(amount.quantize(minor_unit(currency), rounding=DEFAULT_ROUNDING))


class CurrencyMismatch(TypeError):
    """Raised when two amounts in different currencies meet in one operation."""


def _exact(value: Any) -> Decimal:
    """Accept Decimal, int or a numeric string; refuse float (binary floats are not money)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"Money needs a Decimal, int or numeric string, not {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        result = Decimal(value)
    else:
        raise TypeError(f"Money needs a Decimal, int or numeric string, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError("Money amounts must be finite")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", _exact(self.amount))
        if self.currency not in MINOR_UNITS:
            raise ValueError(f"Unknown or unsupported currency {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @property
    def minor_unit(self) -> Decimal:
        """The smallest coin, e.g. Decimal('0.01') for EUR, Decimal('1') for JPY."""
        return minor_unit(self.currency)

    def rounded(self, rounding: str = DEFAULT_ROUNDING) -> Money:
        """Quantize to the currency's minor unit with a named ``decimal`` rounding mode."""
        return Money(self.amount.quantize(self.minor_unit, rounding=rounding), self.currency)

    @property
    def is_rounded(self) -> bool:
        return self.amount == self.amount.quantize(self.minor_unit, rounding=ROUND_DOWN)

    def _same_currency(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} with {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same_currency(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same_currency(other).amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money):
            raise TypeError("Money times Money has no meaning")
        return Money(self.amount * _exact(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same_currency(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same_currency(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same_currency(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same_currency(other).amount

    def allocate(self, ratios: list[int]) -> list[Money]:
        """Split a rounded amount by integer ratios so the parts add up to it exactly.

        The remainder goes one minor unit at a time to the first parts with a non-zero ratio
        (deterministic and simple to explain on an invoice).
        """
        if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
            raise ValueError("ratios must be non-negative with a positive sum")
        total = self.rounded()
        units = abs(int(total.amount / self.minor_unit))
        shares = [units * r // sum(ratios) for r in ratios]
        takers = [i for i, r in enumerate(ratios) if r > 0]
        for n in range(units - sum(shares)):
            shares[takers[n % len(takers)]] += 1
        sign = -1 if total.amount < 0 else 1
        return [Money(self.minor_unit * s * sign, self.currency) for s in shares]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
