"""Line amounts, VAT breakdown and totals of an order, invoice or credit note (EN 16931).

One calculation for every context that prices documents, so an order's totals and its invoice's
totals can never disagree. All amounts are ``Decimal`` rounded half-up to the document currency's
ISO 4217 minor unit (cents for EUR, whole yen for JPY: ``tandem.shared.money``), explicitly:

* line net = quantity x unit price, rounded;
* per VAT category and rate: taxable amount = sum of its line nets; its VAT depends on the mode:
  ``total`` (the default, EN 16931 BR-CO-17) rounds taxable amount x rate ONCE; ``line`` (opt-in,
  NOT EN 16931: the sum of rounded per-line VAT can miss BR-CO-17 by a few minor units) rounds each
  line's VAT and adds them up;
* net total = sum of line nets (BR-CO-10), VAT total = sum over the breakdown (BR-CO-14),
  gross = net + VAT (BR-CO-15).

3 lines of 10.02 at 20 %: ``total`` gives VAT 6.01 (30.06 x 0.20 = 6.012), ``line`` 6.00 (3 x 2.00).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tandem.shared.money import round_to_minor

DEFAULT_TAX_RATES_PERCENT = {"standard": "20", "reduced": "10", "zero": "0"}


class TaxCategory(StrEnum):
    """The VAT categories a product can be in; each maps to a rate (``DEFAULT_TAX_RATES_PERCENT``)."""

    STANDARD = "standard"
    REDUCED = "reduced"
    ZERO = "zero"


class TaxRounding(StrEnum):
    """How a document's VAT is rounded: ``total`` (default, EN 16931 BR-CO-17: per category, once) or
    ``line`` (opt-in, not EN 16931: per line, then summed)."""

    LINE = "line"
    TOTAL = "total"


@dataclass(frozen=True, slots=True)
class LineInput:
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal  # a fraction: 0.20 for 20 %
    tax_category: str


@dataclass(frozen=True, slots=True)
class LineAmounts:
    net: Decimal
    tax: Decimal  # the line's own VAT, rounded (informative only in ``total`` mode)


@dataclass(frozen=True, slots=True)
class TaxSubtotal:
    tax_category: str
    tax_rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal


@dataclass(frozen=True, slots=True)
class PricedDocument:
    lines: tuple[LineAmounts, ...]
    tax_breakdown: tuple[TaxSubtotal, ...]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal


def price_lines(
    lines: Sequence[LineInput], *, currency: str, rounding: TaxRounding = TaxRounding.TOTAL
) -> PricedDocument:
    """Amounts of ``lines`` in ``currency`` (rounded to its minor unit; ``ValueError`` for a currency
    without one) in the given rounding mode; the breakdown is ordered by category, then rate."""
    zero = round_to_minor(Decimal(0), currency)
    amounts = []
    for line in lines:
        if line.quantity < 0 or line.unit_price < 0 or not Decimal(0) <= line.tax_rate < Decimal(1):
            raise ValueError("quantity and unit price must not be negative; a tax rate is a fraction in [0, 1)")
        net = round_to_minor(line.unit_price * line.quantity, currency)
        amounts.append(LineAmounts(net=net, tax=round_to_minor(net * line.tax_rate, currency)))
    groups: dict[tuple[str, Decimal], list[LineAmounts]] = {}
    for line, amount in zip(lines, amounts, strict=True):
        groups.setdefault((line.tax_category, line.tax_rate.normalize()), []).append(amount)
    breakdown = []
    for (category, rate), members in sorted(groups.items()):
        taxable = sum((m.net for m in members), zero)
        if rounding is TaxRounding.LINE:
            tax = sum((m.tax for m in members), zero)
        else:
            tax = round_to_minor(taxable * rate, currency)
        breakdown.append(TaxSubtotal(category, rate, taxable, tax))
    net_total = sum((a.net for a in amounts), zero)
    tax_total = sum((b.tax_amount for b in breakdown), zero)
    return PricedDocument(tuple(amounts), tuple(breakdown), net_total, tax_total, net_total + tax_total)


def parse_tax_rates(text: str | None) -> dict[str, Decimal]:
    """Tax rates by category from JSON of percentages (``{"standard": "20"}``) as fractions (0.20).

    ``None`` or an empty string gives the defaults. A malformed value raises ``ValueError``: a
    wrong tax configuration must stop the function at start, not price orders wrongly.
    """
    raw = json.loads(text) if text else DEFAULT_TAX_RATES_PERCENT
    if not isinstance(raw, dict) or not raw:
        raise ValueError("TAX_RATES must be a JSON object of category -> percent")
    rates = {}
    for category, percent in raw.items():
        try:
            value = Decimal(str(percent))
        except InvalidOperation:
            raise ValueError(f"tax rate of {category!r} is not a number: {percent!r}") from None
        if not Decimal(0) <= value < Decimal(100):
            raise ValueError(f"tax rate of {category!r} must be in [0, 100): {percent!r}")
        rates[str(category)] = (value / 100).normalize()
    return rates
