"""CloudFormation intrinsic functions, resolved against the local stack.

Why: after samtranslator, the template is plain CloudFormation full of Ref/GetAtt/Sub
pointing at other resources. We resolve them to the physical ids and attributes of what
we provisioned in moto, exactly as CloudFormation would hand them to the resources.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any


class _NoValue:
    """Marker for AWS::NoValue: the enclosing key or list item disappears."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


class IntrinsicError(ValueError):
    """A template fragment cannot be resolved (bad syntax, unknown reference)."""


class Resolver:
    """Resolves intrinsics. ``ref``/``getatt`` are callbacks into the stack model."""

    def __init__(
        self,
        *,
        parameters: dict[str, Any],
        ref: Callable[[str], Any],
        getatt: Callable[[str, str], Any],
        mappings: dict[str, Any] | None = None,
        conditions: dict[str, Any] | None = None,
    ) -> None:
        self.parameters = parameters
        self._ref = ref
        self._getatt = getatt
        self.mappings = mappings or {}
        self.condition_defs = conditions or {}
        self._condition_values: dict[str, bool] = {}

    # ------------------------------------------------------------------ public
    def resolve(self, value: Any) -> Any:
        out = self._resolve(value)
        return None if out is NO_VALUE else out

    def condition(self, name: str) -> bool:
        """Evaluate a named condition from the template's Conditions section (memoised)."""
        if name not in self._condition_values:
            if name not in self.condition_defs:
                raise IntrinsicError(f"unknown condition {name!r}")
            self._condition_values[name] = bool(self._resolve(self.condition_defs[name]))
        return self._condition_values[name]

    # ------------------------------------------------------------------ internals
    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self._resolve(v) for v in value]
            return [v for v in items if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            handler = self._FUNCTIONS.get(key)
            if handler is not None:
                return handler(self, arg)
            if key == "Condition" and isinstance(arg, str) and arg in self.condition_defs:
                return self.condition(arg)
        out = {}
        for k, v in value.items():
            r = self._resolve(v)
            if r is not NO_VALUE:
                out[k] = r
        return out

    def _do_ref(self, name: Any) -> Any:
        name = self._resolve(name)
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        return self._ref(name)

    def _do_getatt(self, arg: Any) -> Any:
        if isinstance(arg, str):
            logical, _, attr = arg.partition(".")
        else:
            logical, attr = self._resolve(arg[0]), self._resolve(arg[1])
        return self._getatt(logical, attr)

    def _sub_var(self, name: str, variables: dict[str, Any]) -> str:
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        name = name.strip()
        if name in variables:
            value = variables[name]
        elif name in self.parameters:
            value = self.parameters[name]
        elif "." in name:
            logical, _, attr = name.partition(".")
            value = self._getatt(logical, attr)
        else:
            value = self._ref(name)
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        return str(value)

    def _do_sub(self, arg: Any) -> Any:
        variables: dict[str, Any]
        if isinstance(arg, str):
            template, variables = arg, {}
        else:
            template = self._resolve(arg[0])
            variables = self._resolve(arg[1]) if len(arg) > 1 else {}
        return _SUB_VAR.sub(lambda m: self._sub_var(m.group(1), variables), template)

    def _do_join(self, arg: Any) -> Any:
        sep, items = self._resolve(arg[0]), self._resolve(arg[1])
        return str(sep).join(str(i) for i in items)

    def _do_select(self, arg: Any) -> Any:
        index, items = self._resolve(arg[0]), self._resolve(arg[1])
        return items[int(index)]

    def _do_split(self, arg: Any) -> Any:
        sep, text = self._resolve(arg[0]), self._resolve(arg[1])
        return str(text).split(str(sep))

    def _do_if(self, arg: Any) -> Any:
        name, when_true, when_false = arg
        return self._resolve(when_true if self.condition(name) else when_false)

    def _do_equals(self, arg: Any) -> bool:
        a, b = self._resolve(arg[0]), self._resolve(arg[1])
        return str(a) == str(b) if not isinstance(a, (list, dict)) else a == b

    def _do_not(self, arg: Any) -> bool:
        return not self._truth(arg[0])

    def _do_and(self, arg: Any) -> bool:
        return all(self._truth(a) for a in arg)

    def _do_or(self, arg: Any) -> bool:
        return any(self._truth(a) for a in arg)

    def _truth(self, cond: Any) -> bool:
        if isinstance(cond, dict) and set(cond) == {"Condition"}:
            return self.condition(cond["Condition"])
        value = self._resolve(cond)
        if isinstance(value, str):
            return value.lower() == "true"
        return bool(value)

    def _do_find_in_map(self, arg: Any) -> Any:
        m, k1, k2 = (self._resolve(a) for a in arg[:3])
        try:
            return self.mappings[m][k1][k2]
        except KeyError as e:
            if len(arg) > 3 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                return self._resolve(arg[3]["DefaultValue"])
            raise IntrinsicError(f"Fn::FindInMap: no {m}/{k1}/{k2}") from e

    def _do_base64(self, arg: Any) -> str:
        return base64.b64encode(str(self._resolve(arg)).encode()).decode()

    def _do_getazs(self, arg: Any) -> list[str]:
        region = self._resolve(arg) or self.parameters.get("AWS::Region", "us-east-1")
        return [f"{region}{s}" for s in "abc"]

    def _do_to_json(self, arg: Any) -> str:
        return json.dumps(self._resolve(arg), separators=(",", ":"))

    def _do_length(self, arg: Any) -> int:
        return len(self._resolve(arg))

    def _do_import(self, arg: Any) -> str:
        return f"imported-{self._resolve(arg)}"

    def _do_condition_fn(self, arg: Any) -> bool:
        return self.condition(arg)

    _FUNCTIONS: dict[str, Callable[[Resolver, Any], Any]] = {
        "Ref": _do_ref,
        "Fn::GetAtt": _do_getatt,
        "Fn::Sub": _do_sub,
        "Fn::Join": _do_join,
        "Fn::Select": _do_select,
        "Fn::Split": _do_split,
        "Fn::If": _do_if,
        "Fn::Equals": _do_equals,
        "Fn::Not": _do_not,
        "Fn::And": _do_and,
        "Fn::Or": _do_or,
        "Fn::FindInMap": _do_find_in_map,
        "Fn::Base64": _do_base64,
        "Fn::GetAZs": _do_getazs,
        "Fn::ToJsonString": _do_to_json,
        "Fn::Length": _do_length,
        "Fn::ImportValue": _do_import,
    }


def pseudo_parameters(region: str, account_id: str, stack_name: str) -> dict[str, Any]:
    """AWS pseudo parameters for the local stack."""
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    return {
        "AWS::Region": region,
        "AWS::AccountId": account_id,
        "AWS::StackName": stack_name,
        "AWS::StackId": f"arn:{partition}:cloudformation:{region}:{account_id}:stack/{stack_name}/"
        "00000000-0000-0000-0000-000000000000",
        "AWS::Partition": partition,
        "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com",
        "AWS::NotificationARNs": [],
    }
