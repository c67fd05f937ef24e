"""Export the JSON Schemas of every event envelope: ``python -m tandem.shared.schemas export DIR``.

The pydantic models are the source; the exported files are for other teams and tools, and
``check`` (used by a contract test) reports files that are stale or missing.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from tandem.shared.envelope import DomainEvent, Envelope

# Contexts whose ``domain/events.py`` define published events.
CONTEXTS = ("crm.leads", "crm.customers", "inventory", "sales", "billing", "ledger", "support", "payroll", "hr")


def _load_events() -> list[type[DomainEvent]]:
    for context in CONTEXTS:
        importlib.import_module(f"tandem.{context}.domain.events")
    return [DomainEvent.registry[key] for key in sorted(DomainEvent.registry)]


def file_name(event: type[DomainEvent]) -> str:
    return f"{event.source()}.{event.event_type}.v{event.version}.json"


def schema_of(event: type[DomainEvent]) -> dict[str, Any]:
    schema = Envelope[event].model_json_schema()  # type: ignore[valid-type]
    schema["title"] = f"{event.event_type} v{event.version}"
    schema["description"] = (event.__doc__ or "").strip() or schema.get("description", "")
    schema["x-tandem"] = {"source": event.source(), "detail-type": event.event_type, "version": event.version}
    return schema


def render(event: type[DomainEvent]) -> str:
    return json.dumps(schema_of(event), indent=2, sort_keys=True) + "\n"


def export(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for event in _load_events():
        path = directory / file_name(event)
        path.write_text(render(event), encoding="utf-8")
        written.append(path)
    return written


def check(directory: Path) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    stale = []
    for event in _load_events():
        path = directory / file_name(event)
        if not path.exists() or path.read_text(encoding="utf-8") != render(event):
            stale.append(path.name)
    return stale


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("export", "check"):
        print("usage: python -m tandem.shared.schemas {export|check} DIRECTORY", file=sys.stderr)
        return 2
    directory = Path(argv[1])
    if argv[0] == "export":
        for path in export(directory):
            print(path)
        return 0
    stale = check(directory)
    for name in stale:
        print(f"stale: {name} (run `make schemas`)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
