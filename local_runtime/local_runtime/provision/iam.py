"""IAM roles (created so ARNs exist; policies are never evaluated) and the fallback execution role."""

from __future__ import annotations

import json
from typing import Any

from local_runtime.template import Resource

from .records import Context, Handler

FALLBACK_ROLE_NAME = "local-runtime-lambda"


def role(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("RoleName") or ctx.stack.generated_name(res.logical_id)
    doc = p.get("AssumeRolePolicyDocument") or {}
    created = ctx.client("iam").create_role(
        RoleName=name,
        Path=p.get("Path", "/"),
        AssumeRolePolicyDocument=doc if isinstance(doc, str) else json.dumps(doc),
    )["Role"]
    res.physical_id = name
    res.attributes.update(Arn=created["Arn"], RoleId=created["RoleId"])
    ctx.roles.add(created["Arn"])


def fallback_role(ctx: Context) -> str:
    """A role for functions and state machines whose own role is not in the template."""
    arn = f"arn:aws:iam::{ctx.stack.account_id}:role/{FALLBACK_ROLE_NAME}"
    if arn not in ctx.roles:
        ctx.client("iam").create_role(RoleName=FALLBACK_ROLE_NAME, AssumeRolePolicyDocument="{}")
        ctx.roles.add(arn)
    return arn


HANDLERS: dict[str, Handler] = {"AWS::IAM::Role": role}
