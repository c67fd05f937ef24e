"""Invoice totals obey EN 16931's identities in both rounding modes, whatever the lines."""

from __future__ import annotations

from decimal import Decimal

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


@given(lines_strategy, st.sampled_from(list(TaxRounding)))
def test_totals_obey_the_en16931_identities(lines, rounding):
    priced = price_lines(lines, rounding=rounding)
    assert priced.net_total == sum(line.net for line in priced.lines)  # BR-CO-10
    assert priced.tax_total == sum(b.tax_amount for b in priced.tax_breakdown)  # BR-CO-14
    assert priced.gross_total == priced.net_total + priced.tax_total  # BR-CO-15
    assert sum(b.taxable_amount for b in priced.tax_breakdown) == priced.net_total
    for amount in (priced.net_total, priced.tax_total, *(line.net for line in priced.lines)):
        assert amount == amount.quantize(Decimal("0.01"))


@given(lines_strategy)
def test_total_mode_rounds_each_rate_once(lines):
    priced = price_lines(lines, rounding=TaxRounding.TOTAL)
    for subtotal in priced.tax_breakdown:  # BR-CO-17
        assert subtotal.tax_amount == (subtotal.taxable_amount * subtotal.tax_rate).quantize(
            Decimal("0.01"), "ROUND_HALF_UP"
        )


@given(lines_strategy)
def test_the_modes_differ_by_at_most_half_a_cent_per_rounding(lines):
    by_line = price_lines(lines, rounding=TaxRounding.LINE)
    by_total = price_lines(lines, rounding=TaxRounding.TOTAL)
    assert by_line.net_total == by_total.net_total
    roundings = len(lines) + len(by_total.tax_breakdown)
    assert abs(by_line.tax_total - by_total.tax_total) <= Decimal("0.005") * roundings


def test_the_modes_can_disagree_and_line_is_the_default():
    # three lines of 0.10 at 5.5 %: each line's VAT rounds to 0.01 (0.0055), the rate's to 0.02 (0.0165)
    lines = [LineInput(1, Decimal("0.10"), Decimal("0.055"), "reduced")] * 3
    assert price_lines(lines).tax_total == Decimal("0.03")
    assert price_lines(lines, rounding=TaxRounding.TOTAL).tax_total == Decimal("0.02")


def test_a_typical_order():
    priced = price_lines(
        [
            LineInput(3, Decimal("12.50"), Decimal("0.20"), "standard"),
            LineInput(1, Decimal("4.99"), Decimal("0.10"), "reduced"),
        ]
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
    assert price_lines([LineInput(1, Decimal("0.05"), Decimal("0.10"), "reduced")]).tax_total == Decimal("0.01")


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
        price_lines([line])


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
