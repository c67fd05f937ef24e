"""Local Cognito-shaped tokens and API Gateway REST claim rendering."""

from __future__ import annotations

import json
from types import SimpleNamespace

import jwt
import pytest
from local_runtime.local_endpoints import LocalEndpoints, is_loopback
from local_runtime.proxy import Request

from local_runtime import tokens

POOL = tokens.UserPool("us-east-1_Abc", "us-east-1", "client123", "UserPool")


def test_minted_id_token_has_cognito_claims_and_verifies() -> None:
    token = tokens.mint(POOL, "user-1", groups=["a", "b"], email="u@example.com", now=1000)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "user-1" and claims["cognito:groups"] == ["a", "b"]
    assert claims["token_use"] == "id" and claims["aud"] == "client123" and claims["email"] == "u@example.com"
    assert claims["iss"] == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc"
    assert claims["exp"] - claims["iat"] == 3600
    assert tokens.verify(token, issuers=frozenset({POOL.issuer}), now=1001)["sub"] == "user-1"


def test_expired_foreign_and_forged_tokens_are_refused() -> None:
    token = tokens.mint(POOL, "u", now=1000, ttl=10)
    with pytest.raises(tokens.TokenError) as exc:
        tokens.verify(token, now=1011)
    assert exc.value.message == "The incoming token has expired"
    with pytest.raises(tokens.TokenError):
        tokens.verify(token, issuers=frozenset({"https://cognito-idp.us-east-1.amazonaws.com/other"}), now=1001)
    forged = jwt.encode(
        {"sub": "u", "iss": POOL.issuer, "exp": 10**10},
        "another-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    with pytest.raises(tokens.TokenError):
        tokens.verify(forged)
    with pytest.raises(tokens.TokenError):
        tokens.verify("not-a-jwt")


def test_header_accepts_bearer_and_bare_token() -> None:
    assert tokens.token_from_header("Bearer abc") == "abc"
    assert tokens.token_from_header("bearer  abc ") == "abc"
    assert tokens.token_from_header("abc") == "abc"
    for missing in (None, "", "Bearer "):
        with pytest.raises(tokens.TokenError):
            tokens.token_from_header(missing)


def test_claims_are_rendered_as_api_gateway_rest_does() -> None:
    rendered = tokens.render_claims(
        {
            "sub": "u",
            "cognito:groups": ["sales", "admin"],
            "email_verified": True,
            "exp": 1680633579,
            "iat": 1680629979,
            "auth_time": 1680629979,
        }
    )
    assert rendered == {
        "sub": "u",
        "cognito:groups": "sales,admin",
        "email_verified": "true",
        "exp": "Tue Apr 04 18:39:39 UTC 2023",
        "iat": "Tue Apr 04 17:39:39 UTC 2023",
        "auth_time": "1680629979",
    }
    assert all(isinstance(v, str) for v in rendered.values())


def test_env_secret_override(monkeypatch: pytest.MonkeyPatch) -> None:
    token = tokens.mint(POOL, "u")
    monkeypatch.setenv("LOCAL_RUNTIME_JWT_SECRET", "x" * 40)
    with pytest.raises(tokens.TokenError):
        tokens.verify(token)


def _token_status(host: str, allow_remote_tokens: bool = False) -> tuple[int, dict[str, str]]:
    rt = SimpleNamespace(host=host, region="us-east-1", stack=SimpleNamespace(by_type=lambda _type: []))
    endpoints = LocalEndpoints(rt, SimpleNamespace(routes=[]), allow_remote_tokens=allow_remote_tokens)  # type: ignore[arg-type]
    response = endpoints.handle(Request("GET", "/_local/token", "sub=u1", [], b""))
    return response.status, json.loads(response.body)


def test_tokens_are_minted_only_on_a_loopback_bind_unless_allowed() -> None:
    for host in ("127.0.0.1", "::1", "localhost"):
        status, body = _token_status(host)
        assert status == 200 and jwt.decode(body["token"], options={"verify_signature": False})["sub"] == "u1"
    for host in ("0.0.0.0", "::", "192.168.1.5"):
        status, body = _token_status(host)
        assert status == 403 and "--allow-remote-tokens" in body["message"] and host in body["message"]
    status, body = _token_status("0.0.0.0", allow_remote_tokens=True)
    assert status == 200 and body["token"]


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.8.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("") and not is_loopback("::") and not is_loopback("10.0.0.1")


def _minted(query: str) -> tuple[int, dict]:
    rt = SimpleNamespace(host="127.0.0.1", region="us-east-1", stack=SimpleNamespace(by_type=lambda _type: []))
    endpoints = LocalEndpoints(rt, SimpleNamespace(routes=[]), allow_remote_tokens=False)  # type: ignore[arg-type]
    response = endpoints.handle(Request("GET", "/_local/token", query, [], b""))
    body = json.loads(response.body)
    return response.status, jwt.decode(body["token"], options={"verify_signature": False}) if "token" in body else body


def test_the_token_endpoint_mints_what_cognito_would() -> None:
    status, claims = _minted("sub=u1&groups=g1,g2&email=%20U%40Example.com%20")
    assert status == 200 and claims["token_use"] == "id" and claims["cognito:groups"] == ["g1", "g2"]
    assert claims["email"] == " U@Example.com " and claims["email_verified"] is True
    status, claims = _minted("sub=u1&email=u%40example.com&email_verified=false")
    assert claims["email_verified"] is False and tokens.render_claims(claims)["email_verified"] == "false"
    status, claims = _minted("sub=u1&groups=g1&token_use=access")
    assert claims["token_use"] == "access" and "email" not in claims and "aud" not in claims
    status, claims = _minted("sub=u1")
    assert claims["token_use"] == "id" and "email" not in claims
    for bad in ("sub=u1&email_verified=yes", "sub=u1&token_use=refresh"):
        assert _minted(bad)[0] == 400
