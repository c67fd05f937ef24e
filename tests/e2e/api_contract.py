"""Every answer the end-to-end tests get is held to docs/openapi.json: its status must be declared for the
operation, and its JSON body must be valid against the declared schema. A test whose request gets an
undocumented answer fails right there, naming the operation.

With ``TANDEM_RECORD_EXAMPLES=<file>`` the first answer per operation and status is also written to that
file, which ``make openapi`` turns into the document's response examples (``make api-examples``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "openapi.json"
RECORD_TO = os.environ.get("TANDEM_RECORD_EXAMPLES")


def allowed_groups(operation: dict[str, Any]) -> list[str]:
    """A set of groups allowed to call ``operation``, from its "Who may call" line (tandem.shared.http): one group
    per "and" clause, a staff group before ``customer`` (whose views are narrower); [] for a public one."""
    who = re.search(r"Who may call: a token in group (.+)\.$", operation["description"])
    if who is None:
        assert "Who may call: anyone (no token)." in operation["description"], operation["operationId"]
        return []
    clauses = [clause.split(" or ") for clause in who.group(1).split(" and in group ")]
    return [sorted(clause, key=lambda group: (group == "customer", group))[0] for clause in clauses]


class ApiContract:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.routes = [
            (method.upper(), re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))), path)
            for path, item in document["paths"].items()
            for method in item
        ]
        self.examples: dict[str, dict[str, Any]] = {}

    @classmethod
    def committed(cls) -> ApiContract:
        return cls(json.loads(DOCUMENT.read_text()))

    def check(self, method: str, url_path: str, status: int, body: Any) -> None:
        """Raise AssertionError when ``status`` or ``body`` is not what the document declares."""
        path = url_path.split("?", 1)[0]
        route = next((template for m, rx, template in self.routes if m == method and rx.fullmatch(path)), None)
        if route is None:
            return  # not an API route (/_local/..., or a path the test knows does not exist)
        operation = self.document["paths"][route][method.lower()]
        where = f"{method} {route} ({operation['operationId']}) answered {status}"
        response = operation["responses"].get(str(status))
        assert response is not None, f"{where}, which docs/openapi.json does not declare"
        content = response.get("content") or {}
        if "application/json" not in content or not isinstance(body, (dict, list)):
            return
        schema = {**content["application/json"]["schema"], "components": self.document["components"]}
        errors = Draft202012Validator(schema).iter_errors(body)
        problems = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors]
        assert not problems, f"{where} with a body docs/openapi.json does not allow: {problems[:3]}"
        self.examples.setdefault(f"{method} {route}", {}).setdefault(str(status), body)

    def write_examples(self) -> None:
        if RECORD_TO:
            Path(RECORD_TO).write_text(json.dumps(dict(sorted(self.examples.items())), indent=2, sort_keys=True) + "\n")
