"""Lambda functions (the in-process ``FunctionSpec``), event source mappings and async invoke configs.

moto holds a placeholder zip; the code that runs is the local ``CodeUri`` folder (see ``lambdas.py``).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from local_runtime.lambdas import FunctionSpec
from local_runtime.template import Resource

from .iam import fallback_role
from .records import Context, Handler, StreamMapping, as_str


def _placeholder_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", "def lambda_handler(event, context):\n    return event\n")
    return buf.getvalue()


_ZIP = _placeholder_zip()


def function(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    st = ctx.stack
    name = p.get("FunctionName") or st.generated_name(res.logical_id, 64)
    role = p.get("Role")
    if role not in ctx.roles:
        role = fallback_role(ctx)
    env = {k: as_str(v) for k, v in ((p.get("Environment") or {}).get("Variables") or {}).items()}
    kwargs: dict[str, Any] = {
        "FunctionName": name,
        "Runtime": p.get("Runtime", "python3.13"),
        "Role": role,
        "Handler": p.get("Handler", "app.lambda_handler"),
        "Code": {"ZipFile": _ZIP},
        "Timeout": int(p.get("Timeout", 3)),
        "MemorySize": int(p.get("MemorySize", 128)),
        "Environment": {"Variables": env},
    }
    if "Description" in p:
        kwargs["Description"] = p["Description"]
    arn = ctx.client("lambda").create_function(**kwargs)["FunctionArn"]
    res.physical_id = name
    res.attributes["Arn"] = arn
    ctx.out.functions[res.logical_id] = FunctionSpec(
        logical_id=res.logical_id,
        name=name,
        arn=arn,
        handler=kwargs["Handler"],
        code_dir=st.code_dirs.get(res.logical_id),
        runtime=kwargs["Runtime"],
        memory_size=kwargs["MemorySize"],
        timeout=kwargs["Timeout"],
        environment=env,
        layer_dirs=[ctx.out.layer_dirs[a] for a in p.get("Layers") or [] if a in ctx.out.layer_dirs],
        dead_letter_arn=(p.get("DeadLetterConfig") or {}).get("TargetArn"),
        reserved_concurrency=_int_or_none(p.get("ReservedConcurrentExecutions")),
        log_group=str((p.get("LoggingConfig") or {}).get("LogGroup") or ""),
    )


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def event_source_mapping(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    source = p.get("EventSourceArn", "")
    if ":dynamodb:" in source and "/stream/" in source:  # our poller runs these (streams.py)
        raw = ctx.stack.short_id(res.logical_id, 32)
        mapping_id = "-".join((raw[:8], raw[8:12], raw[12:16], raw[16:20], raw[20:32]))
        res.physical_id = mapping_id
        ctx.out.stream_mappings.append(StreamMapping(res.logical_id, mapping_id, p["FunctionName"], source, p))
        return
    # Other sources (SQS, Kinesis ...): moto runs those mappings itself.
    keys = ("EventSourceArn", "FunctionName", "BatchSize", "Enabled", "StartingPosition")
    kwargs = {k: p[k] for k in keys if k in p}
    res.physical_id = ctx.client("lambda").create_event_source_mapping(**kwargs)["UUID"]


def wire_invoke_configs(ctx: Context) -> None:
    """Attach each ``AWS::Lambda::EventInvokeConfig`` to its function (after all functions exist)."""
    by_name = {spec.name: spec for spec in ctx.out.functions.values()}
    for res in ctx.stack.by_type("AWS::Lambda::EventInvokeConfig"):
        fn = str(res.properties.get("FunctionName") or "")
        spec = by_name.get(fn) or ctx.out.functions.get(fn)
        if spec is not None:
            spec.event_invoke_config = {k: v for k, v in res.properties.items() if k != "FunctionName"}


HANDLERS: dict[str, Handler] = {
    "AWS::Lambda::Function": function,
    "AWS::Lambda::EventSourceMapping": event_source_mapping,
}
