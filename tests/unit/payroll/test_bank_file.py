"""The SEPA bank file: pain.001.001.03, one transaction per employee, CtrlSum = Σ net, schema-valid."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal

import pytest
from tandem.payroll.adapters.sepa import NAMESPACE, SCHEMA, write_bank_file
from tandem.payroll.domain.bank import BankTransfer, DebtorAccount, PaymentOrder, normalise_iban
from tandem.payroll.domain.errors import InvalidBankDetails

NS = {"p": NAMESPACE}
DEBTOR = DebtorAccount("Tandem GmbH", "DE89 3704 0044 0532 0130 00", "COBADEFFXXX")
CREATED = datetime(2026, 12, 28, 9, 30)


def transfer(employee_id: str, name: str, iban: str, amount: str, bic: str | None = None) -> BankTransfer:
    return BankTransfer(employee_id, name, iban, bic, Decimal(amount), "Salary 2026-12", f"SAL-2026-12-{employee_id}")


STAFF = [
    transfer("e1", "Jürgen Müller", "DE89370400440532013000", "3078.00", "COBADEFFXXX"),
    transfer("e2", "Łukasz Żółkiewski-Ñúñez", "FR1420041010050500013M02606", "1539.01"),
    transfer("e3", "Ana O'Neil", "GB29 NWBK 6016 1331 9268 19", "2890.50", "NWBKGB2L"),
]


def order(transfers: list[BankTransfer]) -> PaymentOrder:
    return PaymentOrder.of(DEBTOR, date(2026, 12, 30), "PAYROLL-2026-12-run1", "EUR", transfers)


def parse(document: bytes) -> ET.Element:
    return ET.fromstring(document)


def test_one_transaction_per_employee_and_the_control_sum_is_the_sum_of_net_pay():
    root = parse(write_bank_file(order(STAFF), CREATED))
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header is not None
    assert header.findtext("p:MsgId", namespaces=NS) == "PAYROLL-2026-12-run1"
    assert header.findtext("p:CreDtTm", namespaces=NS) == "2026-12-28T09:30:00"
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert Decimal(header.findtext("p:CtrlSum", namespaces=NS) or "") == Decimal("7507.51")
    block = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert block is not None
    assert block.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert Decimal(block.findtext("p:CtrlSum", namespaces=NS) or "") == Decimal("7507.51")
    assert block.findtext("p:ReqdExctnDt", namespaces=NS) == "2026-12-30"
    assert block.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE89370400440532013000"
    rows = [
        (
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
            tx.findtext("p:Amt/p:InstdAmt", namespaces=NS),
            tx.find("p:Amt/p:InstdAmt", NS).get("Ccy"),  # type: ignore[union-attr]
            tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
            tx.findtext("p:Cdtr/p:Nm", namespaces=NS),
            tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
        )
        for tx in block.findall("p:CdtTrfTxInf", NS)
    ]
    assert rows == [
        ("SAL-2026-12-e1", "3078.00", "EUR", "DE89370400440532013000", "Jurgen Muller", "Salary 2026-12"),
        (
            "SAL-2026-12-e2",
            "1539.01",
            "EUR",
            "FR1420041010050500013M02606",
            "Lukasz Zolkiewski-Nunez",
            "Salary 2026-12",
        ),
        ("SAL-2026-12-e3", "2890.50", "EUR", "GB29NWBK60161331926819", "Ana O'Neil", "Salary 2026-12"),
    ]


def test_the_file_validates_against_the_pain_001_001_03_schema_the_library_ships():
    import xmlschema
    from sepaxml import validation

    schema = xmlschema.XMLSchema(f"{validation.__file__.rsplit('/', 1)[0]}/schemas/{SCHEMA}.xsd")
    document = write_bank_file(order(STAFF), CREATED)
    assert schema.is_valid(document.decode())
    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_the_same_order_writes_the_same_file_so_a_retried_step_overwrites_with_identical_bytes():
    assert write_bank_file(order(STAFF), CREATED) == write_bank_file(order(STAFF), CREATED)


def test_employees_with_a_net_of_zero_are_left_out_of_the_file():
    root = parse(write_bank_file(order([*STAFF, transfer("e4", "Nil Net", "DE89370400440532013000", "0")]), CREATED))
    ids = [node.text for node in root.iter(f"{{{NAMESPACE}}}EndToEndId")]
    assert ids == ["SAL-2026-12-e1", "SAL-2026-12-e2", "SAL-2026-12-e3"]
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"


def test_a_very_long_name_is_cut_to_the_schema_limit_and_still_validates():
    long = transfer("e9", "Maximilian " * 20, "DE89370400440532013000", "10.00")
    root = parse(write_bank_file(order([long]), CREATED))
    name = root.findtext("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf/p:Cdtr/p:Nm", namespaces=NS) or ""
    assert 0 < len(name) <= 70


@pytest.mark.parametrize(
    ("iban", "problem"),
    [
        ("DE89370400440532013001", "check digits"),  # one digit off
        ("DE00370400440532013000", "check digits"),
        ("not an iban", "is not an IBAN"),
        ("DE89", "is not an IBAN"),
    ],
)
def test_an_invalid_employee_iban_is_refused_naming_the_employee(iban: str, problem: str):
    with pytest.raises(InvalidBankDetails) as refused:
        transfer("e7", "Bad Account", iban, "100.00")
    assert problem in refused.value.message
    assert "employee e7" in refused.value.message
    assert refused.value.details == {"field": "iban"}


def test_an_invalid_company_account_or_bic_is_refused():
    with pytest.raises(InvalidBankDetails, match="company's IBAN"):
        DebtorAccount("Tandem GmbH", "DE89370400440532013009", "COBADEFFXXX")
    with pytest.raises(InvalidBankDetails, match="not a BIC"):
        DebtorAccount("Tandem GmbH", "DE89370400440532013000", "COBA")
    with pytest.raises(InvalidBankDetails, match="not a BIC"):
        transfer("e1", "A", "DE89370400440532013000", "1.00", bic="12345678")


@pytest.mark.parametrize("amount", ["-1.00", "10.001", "NaN"])
def test_amounts_a_bank_cannot_pay_are_refused(amount: str):
    with pytest.raises(InvalidBankDetails):
        order([transfer("e1", "A", "DE89370400440532013000", amount)]).transfers[0].cents  # noqa: B018


def test_a_file_without_any_positive_transfer_is_refused():
    with pytest.raises(InvalidBankDetails, match="at least one transfer"):
        order([transfer("e1", "A", "DE89370400440532013000", "0")])


def test_message_and_end_to_end_ids_must_be_sepa_characters_of_at_most_35():
    with pytest.raises(InvalidBankDetails, match="35 SEPA characters"):
        PaymentOrder.of(DEBTOR, date(2026, 12, 30), "x" * 36, "EUR", STAFF)
    with pytest.raises(InvalidBankDetails, match="end_to_end_id"):
        BankTransfer("e1", "A", "DE89370400440532013000", None, Decimal(1), "Salary", "Gehalt\u00e4")


def test_iban_normalisation_accepts_spaces_and_lower_case():
    assert normalise_iban("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_what_the_schema_refuses_is_a_clear_invalid_bank_details_error():
    wrong_currency = PaymentOrder.of(DEBTOR, date(2026, 12, 30), "PAYROLL-2026-12-run1", "EURO", STAFF)
    with pytest.raises(InvalidBankDetails, match="does not validate against pain.001.001.03"):
        write_bank_file(wrong_currency, CREATED)


def test_a_second_transfer_for_the_same_employee_is_refused_so_nobody_is_paid_twice():
    with pytest.raises(InvalidBankDetails, match="employee e1 has more than one transfer"):
        order([*STAFF, transfer("e1", "Jürgen Müller", "DE89370400440532013000", "3078.00")])
