"""Step Functions state machines, and EventBridge Scheduler groups and schedules."""

from __future__ import annotations

import json
from typing import Any

from local_runtime.template import Resource

from .iam import fallback_role
from .records import Context, Handler, ScheduleInfo, as_str


def state_machine(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("StateMachineName") or ctx.stack.generated_name(res.logical_id, 80)
    definition = p.get("Definition")
    text = json.dumps(definition) if definition is not None else p.get("DefinitionString", "{}")
    if not isinstance(text, str):
        text = json.dumps(text)
    for key, value in (p.get("DefinitionSubstitutions") or {}).items():
        text = text.replace("${" + key + "}", as_str(value))
    kwargs: dict[str, Any] = {"name": name, "definition": text, "roleArn": p.get("RoleArn") or fallback_role(ctx)}
    if "StateMachineType" in p:
        kwargs["type"] = p["StateMachineType"]
    arn = ctx.client("stepfunctions").create_state_machine(**kwargs)["stateMachineArn"]
    res.physical_id = arn
    res.attributes.update(Arn=arn, Name=name, StateMachineRevisionId="INITIAL")


def schedule_group(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("Name") or ctx.stack.generated_name(res.logical_id, 64)
    res.physical_id = name
    res.attributes["Arn"] = ctx.client("scheduler").create_schedule_group(Name=name)["ScheduleGroupArn"]


def schedule(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("Name") or ctx.stack.generated_name(res.logical_id, 64)
    group = p.get("GroupName", "default")
    kwargs: dict[str, Any] = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": p["ScheduleExpression"],
        "FlexibleTimeWindow": p.get("FlexibleTimeWindow") or {"Mode": "OFF"},
        "Target": p["Target"],
        "State": p.get("State", "ENABLED"),
    }
    for key in ("ScheduleExpressionTimezone", "Description"):
        if key in p:
            kwargs[key] = p[key]
    res.physical_id = name
    res.attributes["Arn"] = ctx.client("scheduler").create_schedule(**kwargs)["ScheduleArn"]
    ctx.out.schedules.append(
        ScheduleInfo(
            res.logical_id,
            name,
            group,
            p["ScheduleExpression"],
            p.get("ScheduleExpressionTimezone"),
            kwargs["State"],
            dict(p["Target"]),
            "scheduler",
        )
    )


HANDLERS: dict[str, Handler] = {
    "AWS::StepFunctions::StateMachine": state_machine,
    "AWS::Scheduler::ScheduleGroup": schedule_group,
    "AWS::Scheduler::Schedule": schedule,
}
