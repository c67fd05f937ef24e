"""Secrets Manager secrets: ``SecretString`` as given, or a value made as ``GenerateSecretString`` describes.

``Ref`` is the secret's ARN, as in CloudFormation. A generated value is random (moto's ``GetRandomPassword``
with the template's length and exclusions); with ``SecretStringTemplate`` and ``GenerateStringKey`` it is that
JSON object with the random string under the key. Rotation schedules and resource policies are not emulated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from local_runtime.template import Resource

from .records import Context, Handler

_PASSWORD_OPTIONS = (
    "PasswordLength",
    "ExcludeCharacters",
    "ExcludeNumbers",
    "ExcludePunctuation",
    "ExcludeUppercase",
    "ExcludeLowercase",
    "IncludeSpace",
    "RequireEachIncludedType",
)


def _generated(ctx: Context, spec: Mapping[str, object]) -> str:
    options: dict[str, object] = {}
    for key in _PASSWORD_OPTIONS:
        if key == "PasswordLength" and key in spec:
            options[key] = int(str(spec[key]))
        elif key == "ExcludeCharacters" and key in spec:
            options[key] = str(spec[key])
        elif key in spec:
            options[key] = str(spec[key]).lower() == "true"
    password = str(ctx.client("secretsmanager").get_random_password(**options)["RandomPassword"])
    template, generate_key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template is None or generate_key is None:
        return password
    value = json.loads(str(template))
    value[str(generate_key)] = password
    return json.dumps(value)


def secret(ctx: Context, res: Resource, p: Mapping[str, object]) -> None:
    name = str(p.get("Name") or ctx.stack.generated_name(res.logical_id, 512))
    generate = p.get("GenerateSecretString")
    value = (
        str(p["SecretString"])
        if "SecretString" in p
        else _generated(ctx, generate if isinstance(generate, dict) else {})
    )
    client = ctx.client("secretsmanager")
    arn = client.create_secret(Name=name, Description=str(p.get("Description", "")), SecretString=value)["ARN"]
    res.physical_id = arn
    res.attributes["Id"] = arn


HANDLERS: dict[str, Handler] = {"AWS::SecretsManager::Secret": secret}
