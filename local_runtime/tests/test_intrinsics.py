from __future__ import annotations

import pytest
from local_runtime.intrinsics import IntrinsicError, Resolver, pseudo_parameters

PHYS = {"Queue": "https://sqs/q", "Bus": "bus-1"}
ATTRS = {("Queue", "Arn"): "arn:aws:sqs:us-east-1:1:q", ("Bus", "Arn"): "arn:bus"}


def make(conditions: dict | None = None) -> Resolver:
    params = {"Stage": "dev", "Names": ["a", "b"], **pseudo_parameters("eu-west-1", "111122223333", "stk")}

    def ref(name: str) -> str:
        if name not in PHYS:
            raise IntrinsicError(name)
        return PHYS[name]

    return Resolver(
        parameters=params,
        ref=ref,
        getatt=lambda lid, a: ATTRS[(lid, a)],
        mappings={"M": {"dev": {"Size": 3}}},
        conditions=conditions or {},
    )


def test_ref_getatt_and_pseudo_parameters() -> None:
    r = make()
    assert r.resolve({"Ref": "Queue"}) == "https://sqs/q"
    assert r.resolve({"Fn::GetAtt": ["Queue", "Arn"]}) == "arn:aws:sqs:us-east-1:1:q"
    assert r.resolve({"Fn::GetAtt": "Bus.Arn"}) == "arn:bus"
    assert r.resolve({"Ref": "AWS::Region"}) == "eu-west-1"
    assert r.resolve({"Ref": "AWS::AccountId"}) == "111122223333"
    assert r.resolve({"Ref": "AWS::Partition"}) == "aws"
    assert r.resolve({"Ref": "AWS::URLSuffix"}) == "amazonaws.com"
    with pytest.raises(IntrinsicError):
        r.resolve({"Ref": "Nope"})


def test_sub_both_forms_and_escape() -> None:
    r = make()
    assert (
        r.resolve({"Fn::Sub": "${AWS::StackName}-${Stage}-${Bus}-${Queue.Arn}-${!Keep}"})
        == "stk-dev-bus-1-arn:aws:sqs:us-east-1:1:q-${Keep}"
    )
    assert r.resolve({"Fn::Sub": ["${X}/${Stage}", {"X": {"Ref": "Bus"}}]}) == "bus-1/dev"


def test_join_select_split_findinmap() -> None:
    r = make()
    assert r.resolve({"Fn::Join": [",", [{"Ref": "Stage"}, "x"]]}) == "dev,x"
    assert r.resolve({"Fn::Select": [1, {"Fn::Split": ["|", "a|b|c"]}]}) == "b"
    assert r.resolve({"Fn::FindInMap": ["M", {"Ref": "Stage"}, "Size"]}) == 3
    assert r.resolve({"Fn::Select": [0, {"Ref": "Names"}]}) == "a"


def test_conditions_if_and_novalue() -> None:
    r = make(
        {
            "IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
            "NotDev": {"Fn::Not": [{"Condition": "IsDev"}]},
            "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": ["a", "a"]}]},
            "Either": {"Fn::Or": [{"Condition": "NotDev"}, {"Condition": "Both"}]},
        }
    )
    assert r.condition("IsDev") and not r.condition("NotDev")
    assert r.condition("Both") and r.condition("Either")
    assert r.resolve({"Fn::If": ["IsDev", "yes", "no"]}) == "yes"
    assert r.resolve({"Fn::If": ["NotDev", "yes", "no"]}) == "no"
    out = r.resolve({"A": {"Fn::If": ["NotDev", 1, {"Ref": "AWS::NoValue"}]}, "B": [1, {"Ref": "AWS::NoValue"}]})
    assert out == {"B": [1]}
