"""Locally signed, Cognito-ID-token-shaped JWTs and the claim rendering of API Gateway REST.

Why HS256 with a *fixed* development secret (overridable with ``LOCAL_RUNTIME_JWT_SECRET``):
tokens minted by ``/_local/token`` keep working across restarts of the runtime, so a token pasted into
Swagger UI, curl history or an e2e script does not go stale every time the developer restarts. The key
is public on purpose and protects nothing: real API Gateway verifies Cognito's RS256 signatures against
the pool's JWKS, so a token signed with this secret is worthless anywhere but here.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

DEV_SECRET = "local-runtime-development-secret-not-for-production"
ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 3600
# API Gateway renders these two claims as Java Date strings ("Tue Apr 04 18:39:39 UTC 2023").
_DATE_CLAIMS = frozenset({"exp", "iat"})


class TokenError(Exception):
    """The token is missing, malformed, badly signed, expired or from another pool.

    ``message`` is what API Gateway would put in ``$context.error.message``.
    """

    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message)
        self.message = message


def secret() -> str:
    """The signing secret of this process (env override, else the fixed dev secret)."""
    return os.environ.get("LOCAL_RUNTIME_JWT_SECRET") or DEV_SECRET


def issuer(region: str, pool_id: str) -> str:
    """The ``iss`` Cognito writes for a user pool."""
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def pool_id_from_arn(arn: str) -> str:
    """``arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>`` -> pool id (a bare id passes)."""
    return arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class UserPool:
    """What a token needs to know about a pool: its id, region and one app client id (``aud``)."""

    pool_id: str
    region: str
    client_id: str = "local-client"
    logical_id: str = ""

    @property
    def issuer(self) -> str:
        return issuer(self.region, self.pool_id)


def mint(
    pool: UserPool,
    sub: str,
    *,
    groups: Iterable[str] = (),
    email: str | None = None,
    email_verified: bool = True,
    scope: str | None = None,
    ttl: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
    extra: Mapping[str, Any] | None = None,
    token_use: str | None = None,
) -> str:
    """Mint what Cognito would: an ID token (``token_use=id``: ``email``, ``email_verified`` when an email is
    given, ``cognito:groups``, ``aud``) or an access token (``scope`` given, or ``token_use="access"``:
    ``client_id``, ``scope``, ``username``, never an email)."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "sub": sub,
        "iss": pool.issuer,
        "iat": issued,
        "auth_time": issued,
        "exp": issued + ttl,
        "jti": str(uuid.uuid4()),
        "origin_jti": str(uuid.uuid4()),
        "event_id": str(uuid.uuid4()),
    }
    group_list = [g for g in groups if g]
    if group_list:
        claims["cognito:groups"] = group_list
    if scope or token_use == "access":  # access token: Cognito uses client_id instead of aud, carries scopes
        claims.update({"token_use": "access", "client_id": pool.client_id, "username": sub})
        if scope:
            claims["scope"] = scope
    else:
        claims.update({"token_use": "id", "aud": pool.client_id, "cognito:username": sub})
        if email is not None:
            claims.update({"email": email, "email_verified": bool(email_verified)})
    if extra:
        claims.update(extra)
    return jwt.encode(claims, secret(), algorithm=ALGORITHM)


def verify(token: str, *, issuers: frozenset[str] | None = None, now: float | None = None) -> dict[str, Any]:
    """Verify signature, ``exp`` and (when known) the issuing pool; return the raw claims."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret(),
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iss", "sub"], "verify_aud": False, "verify_exp": False},
        )
    except jwt.PyJWTError as exc:
        raise TokenError("Unauthorized") from exc
    current = time.time() if now is None else now
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= current:
        raise TokenError("The incoming token has expired")
    if issuers and claims.get("iss") not in issuers:
        raise TokenError("Unauthorized")
    return claims


def token_from_header(value: str | None) -> str:
    """Accept ``Bearer <token>`` and the bare token (what Cognito clients send to REST APIs)."""
    if not value or not value.strip():
        raise TokenError("Unauthorized")
    value = value.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    elif value.lower() == "bearer":
        value = ""
    if not value:
        raise TokenError("Unauthorized")
    return value


def _java_date(epoch: float) -> str:
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(epoch))


def render_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as API Gateway REST hands them to the function: every value a string.

    Lists (``cognito:groups``) become comma-separated (``"a,b"``), booleans ``"true"``/``"false"``,
    ``exp``/``iat`` Java date strings, other numbers their decimal form.
    """
    rendered: dict[str, str] = {}
    for name, value in claims.items():
        if name in _DATE_CLAIMS and isinstance(value, int | float):
            rendered[name] = _java_date(value)
        elif isinstance(value, bool):
            rendered[name] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            rendered[name] = ",".join(str(v) for v in value)
        elif value is None:
            rendered[name] = ""
        else:
            rendered[name] = str(value)
    return rendered
