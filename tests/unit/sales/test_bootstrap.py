"""bootstrap.services(): one service per function environment, built once, holding no AWS client."""

from __future__ import annotations

import pytest
from tandem.sales import bootstrap


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("BASE_CURRENCY", "TAX_RATES", "TAX_ROUNDING", "PAYMENT_TIMEOUT_SECONDS", "SENDER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SALES_TABLE", "SalesTable-unit")
    return monkeypatch


def test_the_same_environment_gets_the_same_service(environment):
    assert bootstrap.services() is bootstrap.services()
    assert bootstrap.saga_actions() is bootstrap.saga_actions()


def test_functions_sharing_a_process_each_get_their_own_configuration(environment):
    # The local runtime runs the API and the saga's function in one process, each with its own variables.
    api = bootstrap.services()
    environment.setenv("PAYMENT_TIMEOUT_SECONDS", "3000")

    fulfillment = bootstrap.services()

    assert (api.payment_timeout_seconds, fulfillment.payment_timeout_seconds) == (900, 3000)


def test_a_malformed_tax_rates_variable_fails_loudly_every_time(environment):
    environment.setenv("TAX_RATES", "not json")

    for _ in range(2):
        with pytest.raises(ValueError):
            bootstrap.services()
