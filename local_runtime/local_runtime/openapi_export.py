"""``python -m local_runtime.openapi_export``: write the app's OpenAPI document to a file, no server.

The same document ``GET /_local/openapi.json`` serves (``openapi.build_document``), from a runtime that
is provisioned in moto but neither serves HTTP nor runs anything; its servers are the local runtime's
usual address and the deployed stack's execute-api URL instead of whatever port this process has. The same
template and code always give the same text, so the file can be committed and compared with a fresh export.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Mapping
from pathlib import Path

from .openapi import OpenApiDocument


def export(template: Path, parameters: dict[str, str], local_url: str) -> OpenApiDocument:
    """The document for ``template`` (a runtime is provisioned for it and stopped again)."""
    from . import openapi
    from .app import LocalRuntime
    from .http_server import route_table_for

    runtime = LocalRuntime(template, parameters=parameters, serve_http=False)
    try:
        runtime.provision()
        assert runtime.stack is not None and runtime.lambdas is not None
        table = route_table_for(runtime)
        description = str(runtime.stack.original.get("Description") or "").strip()
        document = openapi.build_document(
            table,
            runtime.lambdas.module_for,
            title=openapi.api_title(table, description, runtime.stack_name),
            description=description or None,
            server_url=local_url,
        )
    finally:
        runtime.stop()
    deployed = openapi.deployed_server(table)
    if deployed is not None:
        document["servers"] = [*document.get("servers", []), deployed]
    return document


def attach_examples(document: OpenApiDocument, examples: Mapping[str, Mapping[str, object]]) -> int:
    """Put recorded answers (``{"POST /items": {"201": body}}``) into the matching JSON responses as
    their example; returns how many were attached (a recorded status the document lacks is skipped)."""
    attached = 0
    for key, by_status in examples.items():
        method, _, path = key.partition(" ")
        operation = document.get("paths", {}).get(path, {}).get(method.lower())
        for status, body in by_status.items():
            response = (operation or {}).get("responses", {}).get(status)
            content = ((response or {}).get("content") or {}).get("application/json")
            if content is not None:
                content["examples"] = {"recorded": {"summary": "A real answer, recorded by a test run", "value": body}}
                attached += 1
    return attached


def render(document: Mapping[str, object]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_runtime.openapi_export", description=__doc__.splitlines()[0])
    parser.add_argument("--template", "-t", default="template.yaml", help="SAM template (default: template.yaml)")
    parser.add_argument("--out", "-o", help="file to write (default: stdout)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="template parameter")
    parser.add_argument("--examples", help="JSON of recorded answers to attach as response examples")
    parser.add_argument("--local-url", default="http://127.0.0.1:3000", help="the local runtime's address")
    parser.add_argument(
        "--check", action="store_true", help="compare with --out instead of writing it (exit 1 if stale)"
    )
    args = parser.parse_args(argv)
    parameters = dict(item.partition("=")[::2] for item in args.param)
    logging.basicConfig(level=logging.WARNING)
    document = export(Path(args.template), parameters, args.local_url)
    if args.examples:
        attach_examples(document, json.loads(Path(args.examples).read_text()))
    text = render(document)
    if not args.out:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    if args.check:
        if not out.exists() or out.read_text() != text:
            print(f"{out} is stale: regenerate it (make openapi)", file=sys.stderr)
            return 1
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
