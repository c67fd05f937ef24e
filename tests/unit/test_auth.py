"""Cognito claims exactly as a REST API's authorizer renders them (every value a string, groups joined by
commas); 401 without an ID token's claims, 403 without the group; identity is the ``sub``."""

from __future__ import annotations

from pathlib import Path

import pytest
from samtranslator.yaml_helper import yaml_parse
from tandem.shared.auth import KNOWN_GROUPS, authorize, identity_of, parse_groups, require_groups
from tandem.shared.errors import Forbidden, Unauthorized

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("sales", {"sales"}),
        ("sales,admin", {"sales", "admin"}),
        ("customer,finance,sales", {"customer", "finance", "sales"}),
        ("", set()),
        (None, set()),
    ],
)
def test_groups_are_read_as_a_rest_api_renders_them(raw, expected):
    assert parse_groups(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "viewers,admin",  # a group named "viewers,admin" renders exactly like this: never admin
        "viewers admin",
        "sales admin",  # no Cognito group name has a space: not two groups
        "[sales admin]",  # an HTTP API's rendering, never a REST API's
        "[admin]",
        '["admin"]',
        "admin,",
        " admin",
        "Admin",
        ["admin"],  # claims are strings on a REST API
        123,
    ],
)
def test_any_other_rendering_or_unknown_name_grants_nothing(raw):
    assert parse_groups(raw) == frozenset()


def _event(claims):
    return {"requestContext": {"authorizer": {"claims": claims}} if claims is not None else {}}


def _id(**claims):
    return _event({"sub": "u", "token_use": "id", **claims})


def test_no_claims_is_unauthorized():
    with pytest.raises(Unauthorized):
        authorize(_event(None), frozenset({"sales"}))
    with pytest.raises(Unauthorized):
        authorize({"requestContext": {"authorizer": None}}, frozenset({"sales"}))


@pytest.mark.parametrize("token_use", ["access", "", None, "ID", "refresh"])
def test_only_an_id_token_is_accepted(token_use):
    claims = {"sub": "u", "cognito:groups": "admin", **({"token_use": token_use} if token_use is not None else {})}
    with pytest.raises(Unauthorized):
        authorize(_event(claims), frozenset({"sales"}))
    with pytest.raises(Unauthorized):
        identity_of(_event(claims))


def test_wrong_group_is_forbidden():
    with pytest.raises(Forbidden):
        authorize(_id(**{"cognito:groups": "support"}), frozenset({"sales"}))
    with pytest.raises(Forbidden):
        authorize(_id(), frozenset({"sales"}))
    with pytest.raises(Forbidden):
        authorize(_id(**{"cognito:groups": "viewers,admin"}), frozenset({"sales"}))


def test_member_and_admin_are_allowed():
    assert authorize(_id(**{"cognito:groups": "support,sales"}), frozenset({"sales"}))
    assert authorize(_id(**{"cognito:groups": "admin"}), frozenset({"sales"}))


def test_identity_is_the_sub_and_email_counts_only_when_verified():
    verified = identity_of(_id(email="bob@example.com", email_verified="true", **{"cognito:groups": "customer"}))
    assert (verified.sub, verified.verified_email, verified.groups) == ("u", "bob@example.com", {"customer"})
    for flag in ("false", "True", "1", None):
        extra = {"email_verified": flag} if flag is not None else {}
        assert identity_of(_id(email="bob@example.com", **extra)).verified_email is None
    with pytest.raises(Unauthorized):
        identity_of(_event({"token_use": "id", "email": "bob@example.com"}))  # no sub: nobody


def test_routes_name_only_known_groups():
    with pytest.raises(ValueError, match="unknown groups"):
        require_groups("viewers")


def test_known_groups_are_the_templates_and_none_has_a_comma():
    resources = yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))["Resources"]
    in_template = {
        r["Properties"]["GroupName"] for r in resources.values() if r.get("Type") == "AWS::Cognito::UserPoolGroup"
    }
    assert in_template == KNOWN_GROUPS
    assert not any("," in name or name != name.strip() for name in KNOWN_GROUPS)
