"""Powertools ``Metrics`` state per function and per invocation (``local_runtime.powertools_metrics``).

The first tests pin each private Powertools detail the shim relies on, so an upgrade that moves one
fails here; the others run real handlers on a ``LambdaHost`` (threads, as the runtime does).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from local_runtime.clock import Clock
from local_runtime.lambda_host import LambdaHost
from local_runtime.lambda_model import FunctionSpec
from local_runtime.tracking import Tracker

from local_runtime import powertools_metrics

pytest.importorskip("aws_lambda_powertools")
from aws_lambda_powertools.metrics import Metrics  # noqa: E402

powertools_metrics.install()

# ---------------------------------------------------------------- private Powertools details


@pytest.fixture
def scope() -> Iterator[None]:
    """An invocation scope of its own, so these tests leave the process-wide dicts alone."""
    with powertools_metrics.invocation(powertools_metrics.FunctionMetrics()):
        yield


@pytest.mark.parametrize("attr", sorted(powertools_metrics.PATCHED))
def test_internal_metrics_keeps_its_state_in_class_level_dicts(attr: str) -> None:
    value = Metrics.__dict__[attr]  # on the class itself, not inherited
    assert isinstance(value, powertools_metrics.ScopedDict)  # install() found a dict and replaced it
    assert type(value.original) is dict


@pytest.mark.parametrize(
    ("instance_attr", "class_attr"),
    [
        ("metric_set", "_metrics"),
        ("dimension_set", "_dimensions"),
        ("metadata_set", "_metadata"),
        ("default_dimensions", "_default_dimensions"),
    ],
)
def test_internal_instance_and_emf_provider_hold_the_class_dicts(
    scope: None, instance_attr: str, class_attr: str
) -> None:
    m = Metrics(namespace="Test")
    assert getattr(m, instance_attr) is Metrics.__dict__[class_attr]
    assert getattr(m.provider, instance_attr) is Metrics.__dict__[class_attr]


def test_internal_emf_provider_flush_clears_in_place_and_reapplies_default_dimensions(
    scope: None, capsys: pytest.CaptureFixture[str]
) -> None:
    m = Metrics(namespace="Test", service="svc")
    m.set_default_dimensions(stage="x")
    assert Metrics.__dict__["_default_dimensions"]["stage"] == "x"  # where set_default_dimensions stores
    m.add_metric(name="M", unit="Count", value=1)
    m.add_dimension(name="extra", value="1")
    m.flush_metrics()
    assert m.provider.metric_set is Metrics.__dict__["_metrics"]  # cleared, never reassigned
    assert m.provider.dimension_set is Metrics.__dict__["_dimensions"]
    assert dict(m.provider.dimension_set) == {"stage": "x"}  # clear_metrics re-applies the defaults
    assert not m.provider.metric_set
    assert '"M":[1.0]' in capsys.readouterr().out


def test_outside_any_scope_the_original_dicts_are_used() -> None:
    proxy = Metrics.__dict__["_metadata"]
    proxy["probe"] = 1
    try:
        assert proxy.original["probe"] == 1
    finally:
        del proxy["probe"]


# ---------------------------------------------------------------- behaviour, on a host

HANDLER = """
import os
from aws_lambda_powertools import Metrics

metrics = Metrics(namespace="Test", service=os.environ["NAME"])
metrics.set_default_dimensions(stage=os.environ["NAME"] + "-stage")
metrics.add_dimension(name="first_only", value="yes")  # import time: the first invocation only
BARRIER = None

@metrics.log_metrics(raise_on_empty_metrics=True)
def handler(event, context):
    seen = {"metrics": len(metrics.metric_set), "values": sum(len(m["Value"]) for m in metrics.metric_set.values())}
    metrics.add_metric(name=os.environ["NAME"] + "Count", unit="Count", value=1)
    metrics.add_metadata(key="who", value=os.environ["NAME"])
    metrics.add_dimension(name="fn", value=os.environ["NAME"])
    if BARRIER is not None:
        BARRIER.wait(5)
    return seen
"""


@pytest.fixture
def host(tmp_path: Path) -> Iterator[LambdaHost]:
    h = LambdaHost(region="us-east-1", account_id="123456789012", clock=Clock(), tracker=Tracker())
    for name, extra in (("MetricsA", {}), ("MetricsB", {}), ("MetricsOff", {"POWERTOOLS_METRICS_DISABLED": "true"})):
        code = tmp_path / name
        code.mkdir()
        (code / "app.py").write_text(HANDLER)
        arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        h.register(FunctionSpec(name, name, arn, "app.handler", code, environment={"NAME": name, **extra}))
    yield h
    h.shutdown()


def emf_documents(logs: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in logs.splitlines() if line.startswith('{"_aws"')]


def test_concurrent_functions_each_flush_exactly_their_own_metrics(host: LambdaHost) -> None:
    barrier = threading.Barrier(2)
    for name in ("MetricsA", "MetricsB"):
        host.module_for(name).BARRIER = barrier  # both add, then both flush
    for round_ in range(3):
        results: dict[str, Any] = {}

        def run(name: str, results: dict[str, Any] = results) -> None:
            results[name] = host.invoke(name, {})

        threads = [threading.Thread(target=run, args=(n,)) for n in ("MetricsA", "MetricsB")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        barrier.reset()
        for name in ("MetricsA", "MetricsB"):
            r = results[name]
            assert not r.errored, r.payload  # no SchemaValidationError: Must contain at least one metric
            assert r.payload == {"metrics": 0, "values": 0}
            (doc,) = emf_documents(r.logs)
            expected = {"service": name, "stage": f"{name}-stage", "fn": name}
            if round_ == 0:
                expected["first_only"] = "yes"  # what the import left goes to the first invocation
            assert [m["Name"] for m in doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]] == [f"{name}Count"]
            assert doc[f"{name}Count"] == [1.0] and doc["who"] == name
            assert set(doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) == set(expected)
            assert {k: doc[k] for k in expected} == expected


def test_default_dimensions_set_at_import_are_per_function_and_apply_to_every_invocation(host: LambdaHost) -> None:
    for _ in range(3):
        for name in ("MetricsA", "MetricsB"):
            (doc,) = emf_documents(host.invoke(name, {}).logs)
            assert doc["stage"] == f"{name}-stage" and doc["service"] == name


def test_metrics_disabled_nothing_accumulates(host: LambdaHost) -> None:
    originals = {k: Metrics.__dict__[k].original.copy() for k in powertools_metrics.PATCHED}
    for _ in range(5):
        r = host.invoke("MetricsOff", {})
        assert not r.errored, r.payload
        assert r.payload == {"metrics": 0, "values": 0}  # each invocation starts empty
        assert emf_documents(r.logs) == []
    assert {k: Metrics.__dict__[k].original for k in powertools_metrics.PATCHED} == originals
