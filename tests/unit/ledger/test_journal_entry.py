"""Journal entries: balanced, one-sided lines, accounts of the chart, immutable once posted."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from tandem.ledger.domain.errors import InvalidJournalLine, UnbalancedEntry, UnsupportedCurrency
from tandem.ledger.domain.model import (
    CHART,
    AccountType,
    JournalEntry,
    JournalLine,
    TrialBalance,
    entry_id_for,
    require_currency,
)

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
D = Decimal


def _post(*lines: JournalLine, currency: str = "EUR") -> JournalEntry:
    return JournalEntry.post(
        lines, source_event_id=uuid4(), source_event_type="InvoiceIssued", currency=currency, posted_at=NOW
    )


def test_the_chart_has_the_agreed_codes_each_with_a_name_and_type():
    assert [a.code for a in CHART] == [
        "1000", "1200", "1300", "2000", "2100", "2200", "2300", "2400", "2500", "2900", "3000", "4000", "5000",
        "6000", "6100",
    ]  # fmt: skip
    types = {a.code: a.type for a in CHART}
    assert types["2200"] is AccountType.LIABILITY
    assert {types[code] for code in ("2300", "2400", "2500")} == {AccountType.LIABILITY}  # payroll's payables
    assert {types[code] for code in ("6000", "6100")} == {AccountType.EXPENSE}  # salary, employer contributions
    assert all(a.name for a in CHART)


def test_balanced_entry_is_posted_with_a_journal_posted_event():
    entry = _post(JournalLine.dr("1200", D("36.00")), JournalLine.cr("4000", D("30")), JournalLine.cr("2200", D("6")))

    [event] = entry.events
    assert event.entry_id == entry.id and event.source_event_id == entry.source_event_id
    assert [(line.account, str(line.debit), str(line.credit)) for line in event.lines] == [
        ("1200", "36.00", "0.00"),
        ("4000", "0.00", "30.00"),
        ("2200", "0.00", "6.00"),
    ]


def test_entry_whose_debits_differ_from_its_credits_is_rejected():
    with pytest.raises(UnbalancedEntry):
        _post(JournalLine.dr("1200", D("36.00")), JournalLine.cr("4000", D("30.00")))


def test_entry_without_any_amount_is_rejected():
    with pytest.raises(UnbalancedEntry):
        _post()


@pytest.mark.parametrize("debit, credit", [(D(0), D(0)), (D(1), D(1)), (D(-1), D(0)), (D("NaN"), D(0))])
def test_line_needs_exactly_one_non_negative_side(debit, credit):
    with pytest.raises(InvalidJournalLine):
        JournalLine("1000", debit, credit)


def test_line_on_an_account_outside_the_chart_is_rejected():
    with pytest.raises(InvalidJournalLine):
        JournalLine.dr("9999", D(1))


def test_amounts_below_the_currencys_minor_unit_are_rejected():
    with pytest.raises(InvalidJournalLine):
        _post(JournalLine.dr("1000", D("0.005")), JournalLine.cr("1200", D("0.005")))


def test_the_minor_unit_is_the_currency_s_iso_4217_one():
    yen = _post(
        JournalLine.dr("1200", D(2199)), JournalLine.cr("4000", D(1999)), JournalLine.cr("2200", D(200)), currency="JPY"
    )
    assert yen.currency == "JPY"
    with pytest.raises(InvalidJournalLine):  # 199.90 JPY: the VAT a cents-only pricing used to compute
        _post(
            JournalLine.dr("1200", D("2198.90")),
            JournalLine.cr("4000", D(1999)),
            JournalLine.cr("2200", D("199.90")),
            currency="JPY",
        )
    _post(JournalLine.dr("1000", D("1.005")), JournalLine.cr("1200", D("1.005")), currency="KWD")
    with pytest.raises(UnsupportedCurrency):
        _post(JournalLine.dr("1000", D(1)), JournalLine.cr("1200", D(1)), currency="XAU")


def test_posted_entry_cannot_be_edited():
    entry = _post(JournalLine.dr("1000", D(5)), JournalLine.cr("1200", D(5)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.lines = ()  # type: ignore[misc]


def test_entry_id_is_derived_from_the_source_event_id():
    source = UUID("66666666-6666-4666-8666-666666666666")
    assert entry_id_for(source) == entry_id_for(source) != entry_id_for(uuid4())


def test_another_currency_than_the_base_currency_is_refused():
    with pytest.raises(UnsupportedCurrency) as refused:
        require_currency("USD", "EUR")
    assert refused.value.code == "currency_not_supported"


def test_trial_balance_lists_every_account_with_balance_on_its_normal_side():
    trial = TrialBalance.of({"1200": (D(36), D(0)), "4000": (D(0), D(30)), "2200": (D(0), D(6))}, "EUR")

    assert [a.account.code for a in trial.accounts] == [a.code for a in CHART]
    assert trial.balance_of("1200") == D(36)  # asset: debit - credit
    assert trial.balance_of("4000") == D(30)  # revenue: credit - debit
    assert trial.balance_of("1000") == D(0)
    assert trial.total_debit == trial.total_credit == D(36) and trial.balanced
