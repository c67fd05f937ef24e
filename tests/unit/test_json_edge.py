"""The JSON limits: one linear scan finds too-deep nesting and too-long numbers before any parser runs."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.shared.errors import BadRequest
from tandem.shared.json_edge import (
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    JsonNumberTooLong,
    JsonTooDeep,
    json_limit_error,
    parse_json,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@given(json_values)
def test_json_within_the_limits_passes_and_parses_as_json_loads_does(value):
    text = json.dumps(value)
    if _depth(value) <= MAX_DEPTH:
        assert json_limit_error(text) is None
        assert parse_json(text) == json.loads(text)


@given(st.integers(min_value=0, max_value=3 * MAX_DEPTH), st.sampled_from(["[]", "{}"]))
def test_nesting_is_refused_exactly_past_the_limit(depth, pair):
    text = pair[0] * depth + pair[1] * depth if pair == "[]" else '{"a":' * depth + "1" + "}" * depth
    refused = json_limit_error(text)
    assert (refused is None) == (depth <= MAX_DEPTH)
    if refused is not None:
        assert isinstance(refused, JsonTooDeep) and refused.message == "Body nests deeper than 32 levels"


@given(st.integers(min_value=1, max_value=3 * MAX_NUMBER_CHARS))
def test_numbers_are_refused_exactly_past_the_length_limit(length):
    text = json.dumps({"quantity": int("9" * length)})
    refused = json_limit_error(text)
    assert (refused is None) == (length <= MAX_NUMBER_CHARS)
    if refused is not None:
        assert isinstance(refused, JsonNumberTooLong) and "100 characters" in refused.message


@given(st.text())
def test_brackets_and_digits_inside_strings_count_for_nothing(text):
    assert json_limit_error(json.dumps({"note": text * 3 + "[" * 100 + "9" * 200})) is None


@given(st.text(alphabet='[]{}"\\0123456789eE.+-, :abc', max_size=400))
def test_any_text_gets_a_verdict_and_parse_json_never_escapes_with_anything_but_bad_request(text):
    try:
        parse_json(text)
    except BadRequest:
        pass


@pytest.mark.parametrize(
    "text, refused",
    [
        ("[" * 10_000 + "]" * 10_000, JsonTooDeep),
        ("[" * 10_000, JsonTooDeep),
        ('{"a":' * 10_000 + "1" + "}" * 10_000, JsonTooDeep),
        (json.dumps({"n": 1}).replace("1", "1" * 5_000), JsonNumberTooLong),
        ("-" + "1" * 4_301, JsonNumberTooLong),
        ("1." + "0" * 200, JsonNumberTooLong),
        ("1e" + "9" * 200, JsonNumberTooLong),
    ],
)
def test_the_bodies_that_broke_the_parser_are_refused_as_bad_requests(text, refused):
    assert isinstance(json_limit_error(text), refused)
    with pytest.raises(refused):
        parse_json(text)


def test_parse_json_refuses_invalid_json_as_a_bad_request():
    with pytest.raises(BadRequest, match="not valid JSON"):
        parse_json('{"a": ')


@pytest.mark.parametrize(
    "text",
    [
        '"\\"' * 30_000,  # strings that never close, each restarting a scan in a naive tokenizer
        '"' + "\\" * 60_000,
        "[1," * 20_000,
        ",".join(["1"] * 30_000),
        json.dumps(["x" * 10] * 5_000),
    ],
)
def test_the_scan_stays_linear_on_64_kib_of_adversarial_text(text):
    started = time.perf_counter()
    json_limit_error(text)
    assert time.perf_counter() - started < 0.25
