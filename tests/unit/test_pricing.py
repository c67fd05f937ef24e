"""Document totals obey EN 16931's identities in both rounding modes, whatever the lines and currency;
the default (``total``) rounds each VAT category once (BR-CO-17)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.shared.pricing import LineInput, TaxRounding, parse_tax_rates, price_lines

RATES = {"standard": Decimal("0.20"), "reduced": Decimal("0.055"), "zero": Decimal("0")}

lines_strategy = st.lists(
    st.builds(
        lambda quantity, cents, category: LineInput(quantity, Decimal(cents) / 100, RATES[category], category),
        st.integers(min_value=1, max_value=1000),
        st.integers(min_value=0, max_value=10_000_000),
        st.sampled_from(sorted(RATES)),
    ),
    min_size=1,
    max_size=30,
)


CURRENCIES = {"EUR": Decimal("0.01"), "JPY": Decimal("1"), "KWD": Decimal("0.001")}
currencies = st.sampled_from(sorted(CURRENCIES))


@given(lines_strategy, st.sampled_from(list(TaxRounding)), currencies)
def test_totals_obey_the_en16931_identities(lines, rounding, currency):
    priced = price_lines(lines, currency=currency, rounding=rounding)
    assert priced.net_total == sum(line.net for line in priced.lines)  # BR-CO-10
    assert priced.tax_total == sum(b.tax_amount for b in priced.tax_breakdown)  # BR-CO-14
    assert priced.gross_total == priced.net_total + priced.tax_total  # BR-CO-15
    assert sum(b.taxable_amount for b in priced.tax_breakdown) == priced.net_total
    amounts = (priced.net_total, priced.tax_total, priced.gross_total, *(line.net for line in priced.lines))
    for amount in amounts:  # on the currency's minor unit, written with exactly its digits
        assert amount == amount.quantize(CURRENCIES[currency])
        assert amount.as_tuple().exponent == CURRENCIES[currency].as_tuple().exponent


@given(lines_strategy, currencies)
def test_the_default_rounds_each_category_once_on_its_base(lines, currency):
    priced = price_lines(lines, currency=currency)  # EN 16931 is the default
    for subtotal in priced.tax_breakdown:  # BR-CO-17: VAT = category base x rate, rounded once
        members = [
            amounts.net
            for line, amounts in zip(lines, priced.lines, strict=True)
            if (line.tax_category, line.tax_rate) == (subtotal.tax_category, subtotal.tax_rate)
        ]
        assert subtotal.taxable_amount == sum(members)  # BR-CO-18 (base = sum of its line nets)
        exact = subtotal.taxable_amount * subtotal.tax_rate
        assert subtotal.tax_amount == exact.quantize(CURRENCIES[currency], ROUND_HALF_UP)
        assert abs(subtotal.tax_amount - exact) <= CURRENCIES[currency] / 2


@given(lines_strategy, currencies)
def test_the_modes_differ_by_at_most_half_a_minor_unit_per_rounding(lines, currency):
    by_line = price_lines(lines, currency=currency, rounding=TaxRounding.LINE)
    by_total = price_lines(lines, currency=currency, rounding=TaxRounding.TOTAL)
    assert by_line.net_total == by_total.net_total
    roundings = len(lines) + len(by_total.tax_breakdown)
    assert abs(by_line.tax_total - by_total.tax_total) <= CURRENCIES[currency] / 2 * roundings


def test_the_modes_can_disagree_and_total_is_the_default():
    # three lines of 0.10 at 5.5 %: each line's VAT rounds to 0.01 (0.0055), the rate's to 0.02 (0.0165)
    lines = [LineInput(1, Decimal("0.10"), Decimal("0.055"), "reduced")] * 3
    assert price_lines(lines, currency="EUR").tax_total == Decimal("0.02")
    assert price_lines(lines, currency="EUR", rounding=TaxRounding.LINE).tax_total == Decimal("0.03")


@pytest.mark.parametrize(
    ("quantity_and_price", "rate", "en16931", "per_line"),
    [
        ([(1, "10.02")] * 3, "0.20", "6.01", "6.00"),  # 30.06 x 20 % = 6.012
        ([(1, "0.99")] * 20, "0.19", "3.76", "3.80"),  # 19.80 x 19 % = 3.762
    ],
)
def test_the_issue_s_examples_round_once(quantity_and_price, rate, en16931, per_line):
    lines = [LineInput(q, Decimal(p), Decimal(rate), "standard") for q, p in quantity_and_price]
    assert str(price_lines(lines, currency="EUR").tax_total) == en16931
    assert str(price_lines(lines, currency="EUR", rounding=TaxRounding.LINE).tax_total) == per_line


def test_yen_are_whole():
    priced = price_lines([LineInput(1, Decimal("1999"), Decimal("0.10"), "reduced")], currency="JPY")
    assert [str(x) for x in (priced.net_total, priced.tax_total, priced.gross_total)] == ["1999", "200", "2199"]
    assert str(priced.tax_breakdown[0].taxable_amount) == "1999"


def test_a_currency_without_minor_units_is_refused():
    with pytest.raises(ValueError):
        price_lines([LineInput(1, Decimal(1), Decimal(0), "zero")], currency="XAU")


def test_a_typical_order():
    priced = price_lines(
        [
            LineInput(3, Decimal("12.50"), Decimal("0.20"), "standard"),
            LineInput(1, Decimal("4.99"), Decimal("0.10"), "reduced"),
        ],
        currency="EUR",
    )
    assert [line.net for line in priced.lines] == [Decimal("37.50"), Decimal("4.99")]
    assert [(b.tax_category, b.taxable_amount, b.tax_amount) for b in priced.tax_breakdown] == [
        ("reduced", Decimal("4.99"), Decimal("0.50")),
        ("standard", Decimal("37.50"), Decimal("7.50")),
    ]
    assert (priced.net_total, priced.tax_total, priced.gross_total) == (
        Decimal("42.49"),
        Decimal("8.00"),
        Decimal("50.49"),
    )


def test_half_a_cent_rounds_up():
    assert price_lines(
        [LineInput(1, Decimal("0.05"), Decimal("0.10"), "reduced")], currency="EUR"
    ).tax_total == Decimal("0.01")


@pytest.mark.parametrize(
    "line",
    [
        LineInput(-1, Decimal(1), Decimal(0), "zero"),
        LineInput(1, Decimal(-1), Decimal(0), "zero"),
        LineInput(1, Decimal(1), Decimal(1), "standard"),
    ],
)
def test_impossible_lines_are_refused(line):
    with pytest.raises(ValueError):
        price_lines([line], currency="EUR")


def test_tax_rates_come_from_percentages():
    assert parse_tax_rates(None) == {"standard": Decimal("0.2"), "reduced": Decimal("0.1"), "zero": Decimal("0")}
    assert parse_tax_rates('{"standard": "19", "reduced": 7}') == {
        "standard": Decimal("0.19"),
        "reduced": Decimal("0.07"),
    }


@pytest.mark.parametrize("text", ['{"standard": "x"}', '{"standard": "100"}', "[]", "{}", '{"a": -1}'])
def test_a_wrong_tax_configuration_is_refused(text):
    with pytest.raises(ValueError):
        parse_tax_rates(text)
