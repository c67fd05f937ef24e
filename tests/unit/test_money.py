"""Money: exact Decimal arithmetic, explicit rounding, no mixed currencies, no floats."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.shared.money import CurrencyMismatch, Money, currency_exponents

currencies = st.sampled_from(sorted(currency_exponents()))
amounts = st.decimals(
    min_value=Decimal("-1000000000"), max_value=Decimal("1000000000"), places=6, allow_nan=False, allow_infinity=False
)


@given(amounts, currencies)
def test_rounding_lands_on_the_minor_unit_and_moves_at_most_half_a_unit(amount, currency):
    money = Money(amount, currency)
    rounded = money.rounded()
    assert rounded.is_rounded
    assert rounded.amount.as_tuple().exponent == -currency_exponents()[currency]
    assert abs(rounded.amount - amount) <= money.minor_unit / 2


@given(amounts, currencies)
def test_rounding_twice_changes_nothing(amount, currency):
    once = Money(amount, currency).rounded()
    assert once.rounded() == once


@given(amounts, amounts, currencies)
def test_addition_is_exact_and_commutative(a, b, currency):
    assert Money(a, currency) + Money(b, currency) == Money(b, currency) + Money(a, currency)
    assert (Money(a, currency) + Money(b, currency)).amount == a + b


@given(
    amounts,
    currencies,
    st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=8).filter(lambda ratios: sum(ratios) > 0),
)
def test_allocation_adds_up_to_the_rounded_total(amount, currency, ratios):
    money = Money(amount, currency)
    parts = money.allocate(ratios)
    assert sum((p.amount for p in parts), Decimal(0)) == money.rounded().amount
    assert all(p.is_rounded for p in parts)


def test_half_a_cent_rounds_up_by_default_and_half_even_only_when_asked():
    assert Money(Decimal("0.125"), "EUR").rounded().amount == Decimal("0.13")
    assert Money(Decimal("0.125"), "EUR").rounded(ROUND_HALF_EVEN).amount == Decimal("0.12")
    assert Money(Decimal("-0.125"), "EUR").rounded().amount == Decimal("-0.13")


def test_currencies_without_cents_round_to_whole_units():
    assert Money(Decimal("99.5"), "JPY").rounded().amount == Decimal("100")


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan")])
def test_floats_are_refused(value):
    with pytest.raises(TypeError):
        Money(value, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(Decimal(1), "EUR") * value  # type: ignore[operator]


def test_mixed_currencies_are_refused():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal(1), "EUR") + Money(Decimal(1), "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money(Decimal(1), "EUR") < Money(Decimal(2), "USD")


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError):
        Money(Decimal(1), "XXX")
