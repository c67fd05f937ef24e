"""Who is calling and may they: Cognito claims -> groups -> per-route permission.

API Gateway's Cognito authorizer has already checked the token; we only read the claims it
passes in ``requestContext.authorizer.claims``. REST APIs render ``cognito:groups`` as a
string, and the exact rendering has varied ("a,b", "a b", "[a b]", '["a","b"]'), so all
of those are accepted, as is a real JSON list (local runtime, tests).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from tandem.shared.errors import Forbidden, Unauthorized

ADMIN_GROUP = "admin"  # may do everything
_SEPARATORS = re.compile(r"[\s,]+")


def claims_of(event: Mapping[str, Any]) -> dict[str, Any]:
    """The authorizer's claims, or ``Unauthorized`` when the request carries none."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = authorizer.get("claims") if isinstance(authorizer, Mapping) else None
    if isinstance(claims, str):  # some tools stringify the claims object
        try:
            claims = json.loads(claims)
        except ValueError:
            claims = None
    if not isinstance(claims, Mapping) or not claims:
        raise Unauthorized()
    return dict(claims)


def parse_groups(raw: Any) -> frozenset[str]:
    """Group names from any rendering of ``cognito:groups``."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list | tuple | set | frozenset):
        return frozenset(str(g).strip() for g in raw if str(g).strip())
    text = str(raw).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return parse_groups(parsed)
        text = text.strip("[]")
    return frozenset(g.strip("\"'") for g in _SEPARATORS.split(text) if g.strip("\"'"))


def groups_of(event: Mapping[str, Any]) -> frozenset[str]:
    return parse_groups(claims_of(event).get("cognito:groups"))


def authorize(event: Mapping[str, Any], allowed: frozenset[str]) -> frozenset[str]:
    """Raise 401 without claims, 403 without one of ``allowed`` (admin always passes)."""
    groups = groups_of(event)
    if ADMIN_GROUP in groups or groups & allowed:
        return groups
    raise Forbidden(details={"required_groups": sorted(allowed)})


def require_groups(*groups: str) -> Callable[..., Any]:
    """Route middleware for the Powertools resolver: ``middlewares=[require_groups("sales")]``."""
    allowed = frozenset(groups)

    def middleware(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
        authorize(app.current_event.raw_event, allowed)
        return next_middleware(app)

    middleware.required_groups = allowed  # type: ignore[attr-defined]  # read by tandem.shared.http
    middleware.__name__ = f"require_groups({', '.join(sorted(allowed))})"
    return middleware
