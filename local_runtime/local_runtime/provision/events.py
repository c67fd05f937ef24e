"""EventBridge buses, archives and rules (pattern and scheduled rules, with their targets)."""

from __future__ import annotations

import json
from typing import Any

from local_runtime.template import Resource

from .records import Context, Handler, RuleInfo, ScheduleInfo, as_str


def bus(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p["Name"]
    arn = ctx.client("events").create_event_bus(Name=name)["EventBusArn"]
    res.physical_id = name
    res.attributes.update(Arn=arn, Name=name)


def archive(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("ArchiveName") or ctx.stack.generated_name(res.logical_id, 48)
    kwargs: dict[str, Any] = {"ArchiveName": name, "EventSourceArn": p["SourceArn"]}
    if "EventPattern" in p:
        kwargs["EventPattern"] = as_str(p["EventPattern"])
    if "Description" in p:
        kwargs["Description"] = p["Description"]
    if "RetentionDays" in p:
        kwargs["RetentionDays"] = int(p["RetentionDays"])
    res.physical_id = name
    res.attributes["Arn"] = ctx.client("events").create_archive(**kwargs)["ArchiveArn"]


def rule(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("Name") or ctx.stack.generated_name(res.logical_id, 64)
    bus_name = p.get("EventBusName", "default")
    if isinstance(bus_name, str) and bus_name.startswith("arn:"):
        bus_name = bus_name.split("/")[-1]
    state = p.get("State", "ENABLED")
    kwargs: dict[str, Any] = {"Name": name, "EventBusName": bus_name, "State": state}
    if "EventPattern" in p:
        kwargs["EventPattern"] = as_str(p["EventPattern"])
    for key in ("ScheduleExpression", "Description"):
        if key in p:
            kwargs[key] = p[key]
    events = ctx.client("events")
    arn = events.put_rule(**kwargs)["RuleArn"]
    targets = [dict(t) for t in p.get("Targets") or []]
    if targets:
        events.put_targets(Rule=name, EventBusName=bus_name, Targets=targets)
    res.physical_id = name if bus_name == "default" else f"{bus_name}|{name}"
    res.attributes["Arn"] = arn
    pattern = p.get("EventPattern")
    info = RuleInfo(
        res.logical_id,
        name,
        arn,
        bus_name,
        json.loads(pattern) if isinstance(pattern, str) else pattern,
        p.get("ScheduleExpression"),
        state,
        targets,
    )
    ctx.out.rules.append(info)
    if info.schedule:
        enabled = "ENABLED" if state == "ENABLED" else "DISABLED"
        for target in targets:
            ctx.out.schedules.append(
                ScheduleInfo(res.logical_id, name, bus_name, info.schedule, None, enabled, target, "rule")
            )


HANDLERS: dict[str, Handler] = {
    "AWS::Events::EventBus": bus,
    "AWS::Events::Archive": archive,
    "AWS::Events::Rule": rule,
}
