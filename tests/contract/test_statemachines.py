"""State machine definitions are checked here, because nothing else does: Step Functions and moto
accept a `Next` to a missing state at creation, cfn-lint does not read the ASL file, and a `Catch`
on a misspelled error name simply never matches."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = sorted((ROOT / "statemachines").glob("*.asl.json"))
TERMINAL = {"Succeed", "Fail"}
# Errors Step Functions or the Lambda service raise themselves, rather than our code.
SERVICE_ERROR = re.compile(r"^(States|Lambda|Sandbox)\.[A-Za-z]+$")


def _states(definition: dict) -> dict[str, dict]:
    """Every state, nested Parallel branches and Map iterators included."""
    found = dict(definition["States"])
    for state in definition["States"].values():
        for branch in state.get("Branches", []) + [state[k] for k in ("Iterator", "ItemProcessor") if k in state]:
            found.update(_states(branch))
    return found


def _successors(state: dict) -> list[str]:
    names = [state.get("Next"), state.get("Default")]
    names += [choice["Next"] for choice in state.get("Choices", [])]
    names += [catch["Next"] for catch in state.get("Catch", [])]
    return [name for name in names if name]


def _layer_exception_names() -> set[str]:
    names = set()
    for path in (ROOT / "layers" / "tandem").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names.add(node.name)
    return names


def _template_state_machines(template) -> dict[str, dict]:
    return {
        Path(r["Properties"]["DefinitionUri"]).name: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Serverless::StateMachine" and "DefinitionUri" in r["Properties"]
    }


def test_there_are_definitions_to_check():
    assert DEFINITIONS


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_every_transition_leads_to_an_existing_state_and_every_state_is_reachable(path):
    definition = json.loads(path.read_text())
    states = definition["States"]
    assert definition["StartAt"] in states
    reached, pending = set(), [definition["StartAt"]]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        state = states[name]
        successors = _successors(state)
        assert all(s in states for s in successors), f"{name} -> {successors}"
        if state["Type"] not in TERMINAL and state["Type"] != "Choice":
            assert ("Next" in state) != bool(state.get("End")), f"{name} needs exactly one of Next / End"
        pending.extend(successors)
    assert reached == set(states), f"unreachable: {set(states) - reached}"


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_caught_and_retried_errors_are_ours_or_the_services(path):
    ours = _layer_exception_names()
    for name, state in _states(json.loads(path.read_text())).items():
        for clause in state.get("Catch", []) + state.get("Retry", []):
            for error in clause["ErrorEquals"]:
                assert SERVICE_ERROR.match(error) or error in ours, f"{name}: no exception class named {error}"


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_only_transient_errors_are_retried(path):
    for name, state in _states(json.loads(path.read_text())).items():
        for retry in state.get("Retry", []):
            assert not {"States.ALL", "States.TaskFailed"} & set(retry["ErrorEquals"]), name


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_every_task_is_retried_and_every_wait_for_a_token_has_a_timeout(path):
    for name, state in _states(json.loads(path.read_text())).items():
        if state["Type"] != "Task":
            continue
        assert state.get("Retry"), f"{name} has no Retry for transient errors"
        if state["Resource"].endswith(".waitForTaskToken"):
            assert "TimeoutSeconds" in state or "TimeoutSecondsPath" in state, f"{name} could wait forever"


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_substitutions_match_the_template(path, template):
    used = set(re.findall(r"\$\{(\w+)\}", path.read_text()))
    properties = _template_state_machines(template)[path.name]
    assert used == set(properties.get("DefinitionSubstitutions", {}))


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_moto_accepts_the_definition(path):
    import boto3
    from moto import mock_aws

    text = re.sub(r"\$\{(\w+)\}", r"arn:aws:lambda:eu-central-1:123456789012:function:\1", path.read_text())
    with mock_aws():
        client = boto3.client("stepfunctions", region_name="eu-central-1")
        created = client.create_state_machine(
            name=path.name.split(".")[0], definition=text, roleArn="arn:aws:iam::123456789012:role/sfn"
        )
        assert created["stateMachineArn"]
