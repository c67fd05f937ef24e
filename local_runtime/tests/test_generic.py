"""The runtime knows SAM, CloudFormation and AWS, never the application it runs: no business words.

Every ``local_runtime/local_runtime/**/*.py`` is split into words (``snake_case``, ``camelCase`` and
``PascalCase`` identifiers too, so ``CrmTable`` and ``lead_id`` count) and compared case-insensitively
with a list of words of the application domain.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "local_runtime"

BUSINESS_WORDS = frozenset(
    {
        "lead",
        "leads",
        "crm",
        "order",
        "orders",
        "invoice",
        "invoices",
        "customer",
        "customers",
        "payroll",
        "employee",
        "employees",
        "ticket",
        "tickets",
        "ledger",
        "ledgers",
        "tandem",
        "sales",
        "deal",
        "deals",
        "opportunity",
        "opportunities",
        "prospect",
        "prospects",
        "inventory",
        "finance",
        "hr",
        "product",
        "products",
        "purchase",
        "purchases",
        "shipment",
        "shipments",
        "outbox",
    }
)

# Plain English that happens to contain a listed word; removed before the words are compared.
IDIOMS = re.compile(r"\bin order\b", re.IGNORECASE)

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")


def words(text: str) -> list[str]:
    """Lower-case words of ``text``, identifiers split at ``_`` and case changes."""
    return [w.lower() for w in _WORD.findall(IDIOMS.sub(" ", text))]


def business_words(text: str) -> list[tuple[int, str]]:
    """(line number, word) of every business word in ``text``."""
    return [
        (number, word)
        for number, line in enumerate(text.splitlines(), 1)
        for word in words(line)
        if word in BUSINESS_WORDS
    ]


def test_word_splitting_catches_identifiers_but_not_longer_words() -> None:
    assert business_words("CrmTable = lead_id; ORDERS; Customer-facing") == [
        (1, "crm"),
        (1, "lead"),
        (1, "orders"),
        (1, "customer"),
    ]
    assert business_words("leading ordered ticketing HTTPLeadHandler")[-1:] == [(1, "lead")]
    assert business_words("records are in order; sent in order to keep it") == []


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_runtime_source_has_no_business_words(path: Path) -> None:
    found = business_words(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(PACKAGE.parent)}: business words {found}: keep the runtime generic"


def test_every_module_is_checked() -> None:
    names = {str(p.relative_to(PACKAGE)) for p in _sources()}
    assert {"app.py", "provision/__init__.py", "mail/inbound.py"} <= names
