"""Who is calling and may they: Cognito claims -> identity and groups -> per-route permission.

API Gateway's Cognito authorizer has already checked the token's signature, issuer and expiry; we only read
the claims it passes in ``requestContext.authorizer.claims``. For a REST API every claim value is a STRING:
``email_verified`` is ``"true"``/``"false"``, and the list ``cognito:groups`` is rendered as its names joined
by commas (``"admin,sales"``; an HTTP API's JWT authorizer would write ``"[admin sales]"``, a REST API never
does). That rendering is the only one read here, and it is ambiguous: a group named ``"viewers,admin"``
renders exactly like the two groups ``viewers`` and ``admin``. So a claim is trusted only when every name in
it is one of the template's groups (``KNOWN_GROUPS``); any other name (``"viewers"``, ``"viewers admin"``,
``"[admin]"``, a list) makes the whole claim grant nothing. Cognito group names cannot contain spaces but can
contain commas; the template creates none with a comma (a contract test checks), and creating one needs the
user pool's administrator, who can add anyone to ``admin`` anyway.

The caller is the token's ``sub`` (``Identity.sub``): what a customer creates belongs to it. ``email`` is a
contact detail; where it must identify someone, ``email_verified`` must be true (``Identity.verified_email``).
The authorizer accepts ID and access tokens of the pool alike, and only ID tokens carry the claims the API
reads: a token whose ``token_use`` is not ``"id"`` is refused with 401.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tandem.shared.errors import Forbidden, Unauthorized

ADMIN_GROUP = "admin"  # may do everything
CUSTOMER_GROUP = "customer"  # self-signed-up buyers: see only what belongs to their ``sub``
# The user pool groups template.yaml creates (tests/contract checks the two agree).
KNOWN_GROUPS = frozenset({"admin", "customer", "employee", "finance", "hr", "inventory", "payroll", "sales", "support"})
ID_TOKEN = "id"


def claims_of(event: Mapping[str, Any]) -> dict[str, Any]:
    """The authorizer's claims of an ID token; ``Unauthorized`` without claims or for another token type."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = authorizer.get("claims") if isinstance(authorizer, Mapping) else None
    if isinstance(claims, str):  # some tools stringify the claims object
        try:
            claims = json.loads(claims)
        except ValueError:
            claims = None
    if not isinstance(claims, Mapping) or not claims:
        raise Unauthorized()
    if claims.get("token_use") != ID_TOKEN:  # an access token carries no email and is not meant here
        raise Unauthorized()
    return dict(claims)


def parse_groups(raw: Any) -> frozenset[str]:
    """Group names from ``cognito:groups`` as a REST API renders it (``"a,b"``); nothing unless every name
    is a known group (see the module docstring)."""
    if not isinstance(raw, str) or not raw:
        return frozenset()
    names = frozenset(raw.split(","))
    return names if names <= KNOWN_GROUPS else frozenset()


def groups_of(event: Mapping[str, Any]) -> frozenset[str]:
    return parse_groups(claims_of(event).get("cognito:groups"))


@dataclass(frozen=True, slots=True)
class Identity:
    """The caller as the token says: ``sub`` is who they are; ``email`` only a contact detail."""

    sub: str
    email: str | None
    email_verified: bool
    groups: frozenset[str]

    @property
    def verified_email(self) -> str | None:
        """The email, only when Cognito verified it (``email_verified`` is the string ``"true"``)."""
        return self.email if self.email_verified else None


def identity_of(event: Mapping[str, object]) -> Identity:
    """The caller's identity (``Unauthorized`` without an ID token's claims or without a ``sub``)."""
    claims = claims_of(event)
    sub, email = claims.get("sub"), claims.get("email")
    if not isinstance(sub, str) or not sub:
        raise Unauthorized()
    return Identity(
        sub=sub,
        email=email if isinstance(email, str) and email else None,
        email_verified=claims.get("email_verified") == "true",
        groups=parse_groups(claims.get("cognito:groups")),
    )


def authorize(event: Mapping[str, Any], allowed: frozenset[str]) -> frozenset[str]:
    """Raise 401 without an ID token's claims, 403 without one of ``allowed`` (admin always passes)."""
    groups = groups_of(event)
    if ADMIN_GROUP in groups or groups & allowed:
        return groups
    raise Forbidden(details={"required_groups": sorted(allowed)})


def require_groups(*groups: str) -> Callable[..., Any]:
    """Route middleware for the Powertools resolver: ``middlewares=[require_groups("sales")]``."""
    allowed = frozenset(groups)
    unknown = allowed - KNOWN_GROUPS
    if unknown:
        raise ValueError(f"unknown groups {sorted(unknown)}: add them to template.yaml and KNOWN_GROUPS")

    def middleware(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
        authorize(app.current_event.raw_event, allowed)
        return next_middleware(app)

    middleware.required_groups = allowed  # type: ignore[attr-defined]  # read by tandem.shared.http
    middleware.__name__ = f"require_groups({', '.join(sorted(allowed))})"
    return middleware
