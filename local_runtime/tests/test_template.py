from __future__ import annotations

import json

import pytest
from core_helpers import FIXTURE_APP, FIXTURE_TEMPLATE
from local_runtime.template import Stack


def test_translation_maps_code_back_to_local_dirs_and_inlines_definitions() -> None:
    st = Stack(FIXTURE_TEMPLATE)
    assert st.code_dirs["EchoFunction"] == FIXTURE_APP / "functions" / "echo"
    layer = next(r for r in st.resources.values() if r.type == "AWS::Lambda::LayerVersion")
    assert st.code_dirs[layer.logical_id] == FIXTURE_APP / "layers" / "shared"
    flow = st.resources["Flow"].raw_properties
    # DefinitionUri became an inline Definition, substitutions kept for provisioning
    text = st.resolve(flow["DefinitionString"])
    assert json.loads(text)["StartAt"] == "Flaky" and "${AlwaysFailArn}" in text
    assert "FailOnceArn" in flow["DefinitionSubstitutions"]
    assert st.resources["StreamFunctionChanges"].type == "AWS::Lambda::EventSourceMapping"


def test_parameters_defaults_overrides_and_conditions() -> None:
    full = Stack(FIXTURE_TEMPLATE)
    assert full.parameters["Stage"] == "test"
    assert "NamedTable" in full.resources and "LiteOnlyQueue" not in full.resources
    lite = Stack(FIXTURE_TEMPLATE, parameters={"Mode": "lite", "Stage": "x"})
    assert "NamedTable" not in lite.resources and "LiteOnlyQueue" in lite.resources
    with pytest.raises(ValueError):
        Stack(FIXTURE_TEMPLATE, parameters={"Nope": "1"})


def test_dependency_sequence_puts_references_first() -> None:
    st = Stack(FIXTURE_TEMPLATE)
    seq = list(st.resources)
    assert seq.index("Table") < seq.index("StreamFunctionChanges")
    assert seq.index("EchoFunction") < seq.index("Flow")
    assert seq.index("Bus") < seq.index("Archive")


def test_generated_names_are_cloudformation_like_and_stable() -> None:
    st = Stack(FIXTURE_TEMPLATE, stack_name="stk")
    name = st.generated_name("EchoFunction")
    assert name.startswith("stk-EchoFunction-") and len(name) <= 64
    assert name == Stack(FIXTURE_TEMPLATE, stack_name="stk").generated_name("EchoFunction")
    assert len(st.generated_name("X" * 100, 64)) == 64
    json.dumps(st.translated)  # plain data
