"""Cognito user pools, their groups and app clients, created in moto so that what functions ask Cognito
(``ListUsersInGroup``, ``AdminGetUser``…) finds the stack's pool. Only the names are passed on: the pool's
policies, schema and Lambda triggers are not emulated (tokens come from ``/_local/token``, and moto does not
run triggers). ``Ref`` and ``GetAtt`` give moto's ids, which have Cognito's shape (``<region>_<id>``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from local_runtime.template import Resource

from .records import Context, Handler, as_str


def user_pool(ctx: Context, res: Resource, p: Mapping[str, object]) -> None:
    name = as_str(p.get("UserPoolName") or ctx.stack.generated_name(res.logical_id, 128))
    created = ctx.client("cognito-idp").create_user_pool(PoolName=name)["UserPool"]
    pool_id, region = str(created["Id"]), ctx.stack.region
    res.physical_id = pool_id
    res.attributes.update(
        Arn=str(created.get("Arn") or ctx.stack.arn("cognito-idp", f"userpool/{pool_id}")),
        UserPoolId=pool_id,
        ProviderName=f"cognito-idp.{region}.amazonaws.com/{pool_id}",
        ProviderURL=f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
    )


def user_pool_group(ctx: Context, res: Resource, p: Mapping[str, object]) -> None:
    name = as_str(p.get("GroupName") or ctx.stack.generated_name(res.logical_id, 128))
    options: dict[str, Any] = {"Description": as_str(p["Description"])} if p.get("Description") else {}
    if p.get("Precedence") is not None:
        options["Precedence"] = int(str(p["Precedence"]))
    ctx.client("cognito-idp").create_group(UserPoolId=as_str(p["UserPoolId"]), GroupName=name, **options)
    res.physical_id = name


def user_pool_client(ctx: Context, res: Resource, p: Mapping[str, object]) -> None:
    name = as_str(p.get("ClientName") or ctx.stack.generated_name(res.logical_id, 128))
    client = ctx.client("cognito-idp").create_user_pool_client(UserPoolId=as_str(p["UserPoolId"]), ClientName=name)
    res.physical_id = str(client["UserPoolClient"]["ClientId"])
    res.attributes["ClientSecret"] = ""


HANDLERS: dict[str, Handler] = {
    "AWS::Cognito::UserPool": user_pool,
    "AWS::Cognito::UserPoolGroup": user_pool_group,
    "AWS::Cognito::UserPoolClient": user_pool_client,
}
