"""KMS keys and aliases: ``create_key`` in moto with the template's description, key spec and usage.

``Ref`` of a key is its KeyId and ``GetAtt`` gives ``Arn`` and ``KeyId``, as in CloudFormation; an alias
is created with ``create_alias`` and its ``Ref`` is the alias name. Key policies are stored as given (moto
does not enforce them; IAM is not evaluated locally), rotation and multi-region settings are not emulated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from local_runtime.template import Resource

from .records import Context, Handler


def key(ctx: Context, res: Resource, p: Mapping[str, object]) -> None:
    options: dict[str, object] = {
        "Description": str(p.get("Description", "")),
        "KeySpec": str(p.get("KeySpec") or "SYMMETRIC_DEFAULT"),
        "KeyUsage": str(p.get("KeyUsage") or "ENCRYPT_DECRYPT"),
    }
    policy = p.get("KeyPolicy")
    if policy is not None:
        options["Policy"] = policy if isinstance(policy, str) else json.dumps(policy)
    metadata = ctx.client("kms").create_key(**options)["KeyMetadata"]
    res.physical_id = metadata["KeyId"]
    res.attributes["KeyId"] = metadata["KeyId"]
    res.attributes["Arn"] = metadata["Arn"]


def alias(ctx: Context, res: Resource, p: Mapping[str, object]) -> None:
    name = str(p["AliasName"])
    ctx.client("kms").create_alias(AliasName=name, TargetKeyId=str(p["TargetKeyId"]))
    res.physical_id = name


HANDLERS: dict[str, Handler] = {"AWS::KMS::Key": key, "AWS::KMS::Alias": alias}
