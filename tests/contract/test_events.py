"""Events are a published contract: every rule's pattern matches the sample event its target is fed,
sample events validate against the exported JSON Schemas, and those schemas match the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from moto.events.models import EventPattern
from tandem.shared import schemas

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
SCHEMAS = EVENTS / "schemas"


def _function_dirs(template) -> dict[str, str]:
    """Logical id of each function or state machine -> the events/ folder named after its code
    folder (``functions/crm_api/`` -> ``crm_api``) or definition (``order_fulfillment.asl.json``)."""
    folders = {}
    for logical_id, r in template["Resources"].items():
        if r["Type"] == "AWS::Serverless::Function":
            folders[logical_id] = Path(r["Properties"]["CodeUri"]).name
        if r["Type"] == "AWS::Serverless::StateMachine" and "DefinitionUri" in r["Properties"]:
            folders[logical_id] = Path(r["Properties"]["DefinitionUri"]).name.split(".")[0]
    return folders


def _target_id(arn) -> str:
    """The logical id a rule target points at: a function (``Fn::GetAtt``) or state machine (``Ref``)."""
    return arn["Fn::GetAtt"][0] if "Fn::GetAtt" in arn else arn["Ref"]


def _samples(folder: str) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((EVENTS / folder).glob("*.json"))]


def _rules(translated):
    for logical_id, resource in translated["Resources"].items():
        if resource["Type"] == "AWS::Events::Rule" and "EventPattern" in resource["Properties"]:
            yield logical_id, resource["Properties"]


def test_every_function_has_sample_events(template):
    for logical_id, folder in _function_dirs(template).items():
        assert _samples(folder), f"{logical_id}: no sample event in events/{folder}/"


def test_every_rule_pattern_matches_a_sample_event_of_its_target(template, translated):
    folders = _function_dirs(template)
    rules = list(_rules(translated))
    assert rules
    for rule_id, props in rules:
        pattern = EventPattern.load(json.dumps(props["EventPattern"]))
        for target in props["Targets"]:
            function_id = _target_id(target["Arn"])
            samples = [s for s in _samples(folders[function_id]) if "detail-type" in s]
            assert samples, f"{rule_id}: {function_id} has no EventBridge sample event"
            assert all(pattern.matches_event(s) for s in samples), f"{rule_id} does not match its sample events"


def test_rule_patterns_do_not_match_other_event_types(translated):
    for rule_id, props in _rules(translated):
        pattern = EventPattern.load(json.dumps(props["EventPattern"]))
        stranger = {"source": "tandem.elsewhere", "detail-type": "SomethingElseHappened", "detail": {}}
        assert not pattern.matches_event(stranger), rule_id


def test_exported_schemas_are_current():
    assert schemas.check(SCHEMAS) == [], "run `make schemas`"


def test_no_schema_file_without_a_model():
    expected = {schemas.file_name(event) for event in schemas._load_events()}
    assert {p.name for p in SCHEMAS.glob("*.json")} == expected


@pytest.mark.parametrize("schema_path", sorted(SCHEMAS.glob("*.json")), ids=lambda p: p.stem)
def test_sample_events_validate_against_their_schema(schema_path):
    schema = json.loads(schema_path.read_text())
    meta = schema["x-tandem"]
    samples = [
        s
        for folder in EVENTS.iterdir()
        if folder.is_dir() and folder.name != "schemas"
        for s in _samples(folder.name)
        if s.get("detail-type") == meta["detail-type"] and s.get("source") == meta["source"]
    ]
    assert samples, f"no sample event of {schema_path.name}"
    for sample in samples:
        jsonschema.validate(sample["detail"], schema)
