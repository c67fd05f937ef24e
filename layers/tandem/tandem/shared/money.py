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

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from types import MappingProxyType
from typing import Any

DEFAULT_ROUNDING = ROUND_HALF_UP
# Wire formatting only: a currency we do not know is shown with two digits (Money itself refuses it).
_DISPLAY_DIGITS = 2


@cache
def currency_exponents() -> Mapping[str, int]:
    """ISO 4217 minor units (the exponent: EUR 2, JPY 0, KWD 3, CLF 4) of every currency that has one,
    from the maintained table of the ``iso4217`` package. Funds and metals without minor units (XAU, XDR,
    XXX) are left out: they are not money a document can be in. Unknown currencies are refused rather
    than guessed, because a wrong exponent silently mis-prices everything. Loaded on first use (parsing
    the table takes tens of milliseconds; a function that never meets money does not pay it)."""
    from iso4217 import Currency as Iso4217  # deferred to first use: see above

    return MappingProxyType({c.code: c.exponent for c in Iso4217 if c.exponent is not None})


def is_currency(code: str | None) -> bool:
    """``code`` is an ISO 4217 currency with minor units (``EUR``, ``JPY``; not ``XAU`` or ``eur``)."""
    return code is not None and code in currency_exponents()


def minor_digits(currency: str) -> int:
    """How many decimals an amount in ``currency`` has (2 for EUR, 0 for JPY); ``ValueError`` if unknown."""
    try:
        return currency_exponents()[currency]
    except KeyError:
        raise ValueError(f"Unknown or unsupported currency {currency!r}") from None


def minor_unit(currency: str | None) -> Decimal:
    """The smallest coin of ``currency``, e.g. Decimal('0.01') for EUR, Decimal('1') for JPY
    (two digits for an unknown or missing currency: display only, never pricing)."""
    return Decimal(1).scaleb(-currency_exponents().get(currency or "", _DISPLAY_DIGITS))


def round_to_minor(amount: Decimal, currency: str, rounding: str = DEFAULT_ROUNDING) -> Decimal:
    """``amount`` rounded to ``currency``'s minor unit (half up unless named): the one rounding step of
    pricing. ``ValueError`` for a currency without ISO 4217 minor units (never a guessed exponent)."""
    return amount.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=rounding)


def minor_unit_error(amount: Decimal, currency: str) -> str | None:
    """Why ``amount`` cannot be a price in ``currency`` (finer than its minor unit), or None.
    ``"must be a whole number of JPY"``, ``"must have at most 2 decimals in EUR"``."""
    if not is_currency(currency):
        return f"{currency[:8]!r} is not an ISO 4217 currency with minor units"
    digits = minor_digits(currency)
    try:
        if amount.is_finite() and amount == amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN):
            return None
    except InvalidOperation:  # beyond the context's precision: no price either
        return "must be a decimal amount"
    return (
        f"must be a whole number of {currency}" if digits == 0 else f"must have at most {digits} decimals in {currency}"
    )


def amount_text(amount: Decimal, currency: str | None) -> str:
    """An amount as the wire's decimal string with the currency's minor digits (``Decimal("36")`` ->
    ``"36.00"``: DynamoDB drops trailing zeros, clients expect them; ``"1999"`` in JPY), rounded half up."""
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
        if not is_currency(self.currency):
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
