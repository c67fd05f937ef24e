"""Cognito groups however API Gateway renders them; 401 without claims, 403 without the group."""

from __future__ import annotations

import pytest
from tandem.shared.auth import authorize, parse_groups
from tandem.shared.errors import Forbidden, Unauthorized


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("sales", {"sales"}),
        ("sales,admin", {"sales", "admin"}),
        ("sales admin", {"sales", "admin"}),
        ("[sales admin]", {"sales", "admin"}),
        ("[sales, admin]", {"sales", "admin"}),
        ('["sales","admin"]', {"sales", "admin"}),
        (["sales", "admin"], {"sales", "admin"}),
        ("", set()),
        ("[]", set()),
        (None, set()),
    ],
)
def test_groups_are_parsed_from_every_rendering(raw, expected):
    assert parse_groups(raw) == expected


def _event(claims):
    return {"requestContext": {"authorizer": {"claims": claims}} if claims is not None else {}}


def test_no_claims_is_unauthorized():
    with pytest.raises(Unauthorized):
        authorize(_event(None), frozenset({"sales"}))
    with pytest.raises(Unauthorized):
        authorize({"requestContext": {"authorizer": None}}, frozenset({"sales"}))


def test_wrong_group_is_forbidden():
    with pytest.raises(Forbidden):
        authorize(_event({"sub": "u", "cognito:groups": "support"}), frozenset({"sales"}))
    with pytest.raises(Forbidden):
        authorize(_event({"sub": "u"}), frozenset({"sales"}))


def test_member_and_admin_are_allowed():
    assert authorize(_event({"cognito:groups": "[support sales]"}), frozenset({"sales"}))
    assert authorize(_event({"cognito:groups": "admin"}), frozenset({"sales"}))
