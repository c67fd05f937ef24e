"""The run's bank file: a SEPA credit transfer initiation, ISO 20022 ``pain.001.001.03``.

Written and validated by ``sepaxml`` (MIT), which checks the document against the ``pain.001.001.03`` XSD
it ships (through ``xmlschema``) before we store it, so a file the bank's schema check would reject never
reaches S3. One payment information block (``BtchBookg`` true: the company's statement shows one debit for the
payroll, so whoever reads it does not see each salary; every employee still gets their own transfer with
its remittance text), one ``CdtTrfTxInf`` per employee;
``NbOfTxs`` and ``CtrlSum`` (Σ net) in the group header and the block. Names and remittance text are
transliterated to the SEPA Latin character set by the library (text-unidecode: "Jürgen Müller" becomes
"Jurgen Muller", "Łukasz" "Lukasz") and cut to 70 and 140 characters, the schema's limits.

What the domain's ``PaymentOrder`` already guarantees: IBANs with valid check digits, positive amounts in
cents, employees with a net of 0 left out (a bank refuses a zero transfer; their slip still shows 0).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from tandem.payroll.domain.bank import PaymentOrder
from tandem.payroll.domain.errors import InvalidBankDetails

SCHEMA = "pain.001.001.03"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"


def write_bank_file(order: PaymentOrder, created_at: datetime) -> bytes:
    """The ``pain.001.001.03`` document (UTF-8 bytes) for ``order``, validated against the schema.

    ``created_at`` is the group header's ``CreDtTm`` (the library would put the local wall clock there; a
    retried step must write the same file). Raises ``InvalidBankDetails`` if the schema refuses it."""
    from sepaxml import SepaTransfer  # imported here: xmlschema is ~0.2 s of cold start no other step needs
    from sepaxml.validation import ValidationError, try_valid_xml

    transfer = SepaTransfer(
        {
            "name": order.debtor.name,
            "IBAN": order.debtor.iban,
            "BIC": order.debtor.bic,
            "batch": True,
            "currency": order.currency,
        },
        schema=SCHEMA,
        clean=True,
    )
    for item in order.transfers:
        payment = {
            "name": item.name,
            "IBAN": item.iban,
            "amount": item.cents,
            "execution_date": order.execution_date,
            "description": item.remittance,
            "endtoend_id": item.end_to_end_id,
        }
        if item.bic:
            payment["BIC"] = item.bic
        transfer.add_payment(payment)
    document = _with_header(transfer.export(validate=False), order.message_id, created_at)
    try:
        try_valid_xml(document, SCHEMA)
    except ValidationError as exc:
        reason = str(exc.__cause__ or exc).splitlines()[0]
        raise InvalidBankDetails(
            f"the bank file does not validate against {SCHEMA}: {reason}", details={"field": "bank_file"}
        ) from exc
    return document


def _with_header(document: bytes, message_id: str, created_at: datetime) -> bytes:
    """Our message id (the run's, so a bank that refuses a duplicate MsgId refuses a file sent twice) and
    creation time in the group header, and deterministic payment-information ids derived from it."""
    ET.register_namespace("", NAMESPACE)
    root = ET.fromstring(document)
    ns = {"p": NAMESPACE}
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    assert header is not None  # the library always writes one
    _set(header, "p:MsgId", message_id, ns)
    _set(header, "p:CreDtTm", created_at.replace(microsecond=0, tzinfo=None).isoformat(), ns)
    for number, block in enumerate(root.findall("p:CstmrCdtTrfInitn/p:PmtInf", ns), start=1):
        _set(block, "p:PmtInfId", f"{message_id[:30]}-{number}", ns)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _set(parent: ET.Element, path: str, text: str, ns: dict[str, str]) -> None:
    node = parent.find(path, ns)
    assert node is not None
    node.text = text
