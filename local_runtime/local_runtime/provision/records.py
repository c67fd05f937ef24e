"""What provisioning hands to the rest of the runtime, and a few helpers every service module shares."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from local_runtime.lambdas import FunctionSpec

if TYPE_CHECKING:
    from local_runtime.template import Resource, Stack


@dataclass
class StreamMapping:
    """A DynamoDB stream event source mapping, run by our poller (not by moto)."""

    logical_id: str
    uuid: str
    function: str
    stream_arn: str
    properties: dict[str, Any]


@dataclass
class RuleInfo:
    logical_id: str
    name: str
    arn: str
    bus: str
    pattern: dict[str, Any] | None
    schedule: str | None
    state: str
    targets: list[dict[str, Any]]


@dataclass
class ScheduleInfo:
    logical_id: str
    name: str
    group: str
    expression: str
    timezone: str | None
    state: str
    target: dict[str, Any]
    kind: str  # "scheduler" or "rule"


@dataclass
class Provisioned:
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    stream_mappings: list[StreamMapping] = field(default_factory=list)
    rules: list[RuleInfo] = field(default_factory=list)
    schedules: list[ScheduleInfo] = field(default_factory=list)
    layer_dirs: dict[str, Any] = field(default_factory=dict)  # layer ARN -> local dir


@dataclass
class Context:
    """What a resource handler may use: the stack, an in-process boto3 client factory, the results."""

    stack: Stack
    client: Callable[[str], Any]
    out: Provisioned = field(default_factory=Provisioned)
    roles: set[str] = field(default_factory=set)  # role ARNs created so far


# A resource handler creates one resource in moto and sets its physical id and attributes.
Handler = Callable[["Context", "Resource", dict[str, Any]], None]


def as_str(value: Any) -> str:
    """A property value as CloudFormation passes it to an API taking strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def is_true(value: Any) -> bool:
    return as_str(value).lower() == "true"
