"""Load a SAM template and translate it offline to CloudFormation; the stack model.

Why: SAM's own translator (aws-sam-translator) is the reference for what
``AWS::Serverless::*`` becomes; running it offline means the local stack has exactly the
resources CloudFormation would create. The translator only accepts S3 URIs for code, so
local paths are swapped for placeholder URIs and mapped back afterwards.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from local_runtime.intrinsics import IntrinsicError, Resolver, pseudo_parameters

PLACEHOLDER_BUCKET = "local-runtime-code"

_CODE_PROPS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}
_DEFINITION_PROPS = {
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
}


class _NoManagedPolicies:
    """Managed-policy loader stub: policies are irrelevant locally, and IAM is offline."""

    def load(self) -> dict[str, str]:
        return {}


def _is_local(uri: object) -> TypeGuard[str]:
    return isinstance(uri, str) and not uri.startswith("s3://")


def _parse_file(path: Path) -> Any:
    from samtranslator.yaml_helper import yaml_parse

    text = path.read_text()
    if path.suffix == ".json":
        return json.loads(text)
    return yaml_parse(text)


def prepare_sam(template: dict[str, Any], base_dir: Path) -> dict[str, Path]:
    """Rewrite local CodeUri/ContentUri/DefinitionUri in place; return logical id -> local dir.

    State machine definitions are inlined as ``Definition`` (so DefinitionSubstitutions
    apply), API definitions as ``DefinitionBody``.
    """
    local_dirs: dict[str, Path] = {}
    globals_fn = template.get("Globals", {}).get("Function", {})
    global_code = globals_fn.get("CodeUri")
    if _is_local(global_code):
        globals_fn.pop("CodeUri")
    for logical_id, res in (template.get("Resources") or {}).items():
        rtype = res.get("Type")
        props = res.setdefault("Properties", {}) if isinstance(res, dict) else {}
        if rtype in _CODE_PROPS:
            key = _CODE_PROPS[rtype]
            uri = props.get(key)
            if uri is None and rtype == "AWS::Serverless::Function" and _is_local(global_code):
                if "InlineCode" not in props and props.get("PackageType") != "Image":
                    uri = global_code
            if _is_local(uri):
                local_dirs[logical_id] = (base_dir / uri).resolve()
                props[key] = f"s3://{PLACEHOLDER_BUCKET}/{logical_id}"
        elif rtype == "AWS::Serverless::StateMachine":
            uri = props.get("DefinitionUri")
            if _is_local(uri):
                local_dirs[logical_id] = (base_dir / uri).resolve()
                props["Definition"] = _parse_file(base_dir / uri)
                props.pop("DefinitionUri")
        elif rtype in _DEFINITION_PROPS:
            uri = props.get("DefinitionUri")
            if _is_local(uri):
                local_dirs[logical_id] = (base_dir / uri).resolve()
                props["DefinitionBody"] = _parse_file(base_dir / uri)
                props.pop("DefinitionUri")
    return local_dirs


def translate(template: dict[str, Any], parameter_values: dict[str, Any], region: str) -> dict[str, Any]:
    """samtranslator's transform, offline (no IAM calls), for ``region``.

    The translator is given a boto3 session for the region rather than reading the process
    environment, which stays as the caller set it (a test's region must not leak into the next).
    """
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.utils.py27hash_fix import (
        to_py27_compatible_template,
        undo_mark_unicode_str_in_template,
    )

    if "Transform" not in template:
        return copy.deepcopy(template)
    # It warns about its own feature-toggle config on every run: noise to anyone reading the console.
    logging.getLogger("samtranslator.feature_toggle").setLevel(logging.ERROR)
    fragment, values = copy.deepcopy(template), dict(parameter_values)
    to_py27_compatible_template(fragment, values)  # what samtranslator's own transform() does first
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    policies = _NoManagedPolicies()
    translated = translator.translate(fragment, parameter_values=values, get_managed_policy_map=policies.load)
    return undo_mark_unicode_str_in_template(translated)


@dataclass
class Resource:
    """One translated resource. ``properties`` are resolved when the resource is provisioned."""

    logical_id: str
    type: str
    raw_properties: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    depends_on: list[str] = field(default_factory=list)
    condition: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    physical_id: Any = None
    attributes: dict[str, Any] = field(default_factory=dict)
    emulated: bool = True
    note: str = ""


def _references(value: Any, out: set[str]) -> None:
    """Collect logical ids referenced by Ref/GetAtt/Sub in a fragment."""
    if isinstance(value, list):
        for v in value:
            _references(v, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k == "Ref" and isinstance(v, str):
                out.add(v)
            elif k == "Fn::GetAtt":
                if isinstance(v, str):
                    out.add(v.split(".", 1)[0])
                elif isinstance(v, list) and v and isinstance(v[0], str):
                    out.add(v[0])
            elif k == "Fn::Sub":
                text = v if isinstance(v, str) else (v[0] if isinstance(v, list) and v else "")
                if isinstance(text, str):
                    import re

                    for name in re.findall(r"\$\{([^!}][^}]*)\}", text):
                        out.add(name.split(".", 1)[0].strip())
                _references(v, out)
            else:
                _references(v, out)


class Stack:
    """The translated template plus what provisioning learnt (physical ids, attributes)."""

    def __init__(
        self,
        template_path: str | os.PathLike[str],
        *,
        parameters: dict[str, Any] | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        stack_name: str = "local",
    ) -> None:
        from samtranslator.yaml_helper import yaml_parse

        self.path = Path(template_path).resolve()
        self.base_dir = self.path.parent
        self.name = stack_name
        self.region = region
        self.account_id = account_id
        self.original: dict[str, Any] = yaml_parse(self.path.read_text())
        sam = copy.deepcopy(self.original)
        self.local_dirs: dict[str, Path] = prepare_sam(sam, self.base_dir)
        self.parameters: dict[str, Any] = {}
        for name, spec in (sam.get("Parameters") or {}).items():
            if "Default" in spec:
                self.parameters[name] = spec["Default"]
        unknown = set(parameters or {}) - set(sam.get("Parameters") or {})
        if unknown:
            raise ValueError(f"unknown template parameters: {sorted(unknown)}")
        self.parameters.update({k: v for k, v in (parameters or {}).items()})
        for name, spec in (sam.get("Parameters") or {}).items():
            if name not in self.parameters:
                raise ValueError(f"parameter {name} has no Default: pass parameters={{{name!r}: ...}}")
            if str(spec.get("Type", "")).startswith("List<") or spec.get("Type") == "CommaDelimitedList":
                if isinstance(self.parameters[name], str):
                    self.parameters[name] = self.parameters[name].split(",")
        self.pseudo = pseudo_parameters(region, account_id, stack_name)
        self.translated = translate(sam, {**self.parameters, **self.pseudo}, region)
        # Map the placeholder S3 keys (layers get a hashed logical id) back to local dirs.
        self.code_dirs: dict[str, Path] = {}
        self.resources: dict[str, Resource] = {}
        self.resolver = Resolver(
            parameters={**self.parameters, **self.pseudo},
            ref=self._ref,
            getatt=self._getatt,
            mappings=self.translated.get("Mappings") or {},
            conditions=self.translated.get("Conditions") or {},
        )
        for logical_id, raw in (self.translated.get("Resources") or {}).items():
            cond = raw.get("Condition")
            if cond is not None and not self.resolver.condition(cond):
                continue
            props = raw.get("Properties") or {}
            res = Resource(
                logical_id=logical_id,
                type=raw["Type"],
                raw_properties=props,
                metadata=raw.get("Metadata") or {},
                depends_on=[raw["DependsOn"]]
                if isinstance(raw.get("DependsOn"), str)
                else list(raw.get("DependsOn") or []),
                condition=cond,
            )
            self.resources[logical_id] = res
            key = None
            for code_key in ("Code", "Content"):
                code = props.get(code_key)
                if isinstance(code, dict) and code.get("S3Bucket") == PLACEHOLDER_BUCKET:
                    key = code.get("S3Key")
            if key in self.local_dirs:
                self.code_dirs[logical_id] = self.local_dirs[key]
        self.resources = {lid: self.resources[lid] for lid in self._sequence()}

    # ------------------------------------------------------------------ sequencing
    def _sequence(self) -> list[str]:
        """Topological sequence of resources (dependencies first); template sequence on ties/cycles."""
        deps: dict[str, set[str]] = {}
        for lid, res in self.resources.items():
            refs: set[str] = set(res.depends_on)
            _references(res.raw_properties, refs)
            deps[lid] = {r for r in refs if r in self.resources and r != lid}
        seq: list[str] = []
        state: dict[str, int] = {}

        def visit(lid: str) -> None:
            if state.get(lid) == 2:
                return
            if state.get(lid) == 1:  # cycle: leave it to the template sequence
                return
            state[lid] = 1
            for d in sorted(deps[lid]):
                visit(d)
            state[lid] = 2
            seq.append(lid)

        for lid in self.resources:
            visit(lid)
        return seq

    # ------------------------------------------------------------------ resolution
    def _ref(self, logical_id: str) -> Any:
        res = self.resources.get(logical_id)
        if res is None:
            raise IntrinsicError(f"Ref to unknown resource or parameter {logical_id!r}")
        if res.physical_id is None:
            raise IntrinsicError(f"Ref to {logical_id!r} before it was provisioned")
        return res.physical_id

    def _getatt(self, logical_id: str, attr: str) -> Any:
        res = self.resources.get(logical_id)
        if res is None:
            raise IntrinsicError(f"Fn::GetAtt on unknown resource {logical_id!r}")
        if attr in res.attributes:
            return res.attributes[attr]
        if res.physical_id is None:
            raise IntrinsicError(f"Fn::GetAtt {logical_id}.{attr} before it was provisioned")
        # Not modelled: a stable placeholder so dependents still resolve.
        return f"{res.physical_id}.{attr}"

    def resolve(self, value: Any) -> Any:
        """Resolve intrinsics in any template fragment against the provisioned stack."""
        return self.resolver.resolve(value)

    @property
    def outputs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in (self.translated.get("Outputs") or {}).items():
            cond = spec.get("Condition")
            if cond is not None and not self.resolver.condition(cond):
                continue
            try:
                out[name] = self.resolve(spec.get("Value"))
            except IntrinsicError as e:
                out[name] = f"<unresolved: {e}>"
        return out

    @property
    def not_emulated(self) -> list[tuple[str, str]]:
        return [(r.logical_id, r.type) for r in self.resources.values() if not r.emulated]

    def by_type(self, rtype: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type == rtype]

    def generated_name(self, logical_id: str, max_len: int = 64) -> str:
        """CloudFormation-style name ``<stack>-<LogicalId>-<SUFFIX>`` (deterministic suffix)."""
        digest = hashlib.sha256(f"{self.name}/{logical_id}".encode()).hexdigest()
        suffix = "".join(c for c in digest.upper() if c.isalnum())[:12]
        room = max_len - len(self.name) - len(suffix) - 2
        return f"{self.name}-{logical_id[: max(room, 1)]}-{suffix}"

    def short_id(self, logical_id: str, length: int = 10, upper: bool = False) -> str:
        """Deterministic id in the style of API ids, client ids ..."""
        digest = hashlib.sha256(f"{self.name}/{logical_id}/id".encode()).hexdigest()
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        n = int(digest, 16)
        chars = []
        for _ in range(length):
            n, r = divmod(n, len(alphabet))
            chars.append(alphabet[r])
        s = "".join(chars)
        return s.upper() if upper else s

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.pseudo['AWS::Partition']}:{service}:{self.region}:{self.account_id}:{resource}"
