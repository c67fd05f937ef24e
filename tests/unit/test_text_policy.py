"""The one text policy (tandem.shared.text): what every free-text field of every request refuses or normalises,
and the 422 message a frontend gets."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError
from tandem.shared.errors import field_errors
from tandem.shared.text import MultiLine, SingleLine, normalized, one_line, text_error


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    name: Annotated[str, SingleLine(60)]
    note: Annotated[str | None, MultiLine(50)] = None


def _refusal(**fields: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        Form.model_validate(fields)
    [detail] = field_errors(refused.value.errors())
    return detail


REFUSED_EVERYWHERE = [
    ("A\x00b", "must not contain control characters (found U+0000)"),
    ("A\x07b", "must not contain control characters (found U+0007)"),
    ("A\x7fb", "must not contain control characters (found U+007F)"),
    ("A\x85b", "must not contain control characters (found U+0085)"),
    ("A\x9bb", "must not contain control characters (found U+009B)"),
    ("a\u202eb", "must not contain bidirectional control characters (found U+202E)"),
    ("a\u2066b", "must not contain bidirectional control characters (found U+2066)"),
    ("a\u200fb", "must not contain bidirectional control characters (found U+200F)"),
    ("a\u061cb", "must not contain bidirectional control characters (found U+061C)"),
    ("a\u200bb", "must not contain zero-width characters (found U+200B)"),
    ("a\u2060b", "must not contain zero-width characters (found U+2060)"),
    ("a\ufeffb", "must not contain zero-width characters (found U+FEFF)"),
    ("ad\u200dmin", "must not contain zero-width characters (found U+200D)"),
    ("ad\u200cmin", "must not contain zero-width characters (found U+200C)"),
    ("<script>alert(1)</script>", "must not contain HTML markup"),
    ("Ada <b>", "must not contain HTML markup"),
    ("x </p>", "must not contain HTML markup"),
    ("<!-- x", "must not contain HTML markup"),
    ("<?php", "must not contain HTML markup"),
]


@pytest.mark.parametrize(("value", "message"), REFUSED_EVERYWHERE)
def test_single_line_fields_refuse_with_the_field_and_the_reason(value, message):
    assert _refusal(name=value) == {"field": "name", "message": message}


@pytest.mark.parametrize(("value", "message"), REFUSED_EVERYWHERE)
def test_multi_line_fields_refuse_the_same(value, message):
    assert _refusal(name="Ada", note=value) == {"field": "note", "message": message}


@pytest.mark.parametrize("value", ["Ab\r\nBcc: evil@example.com", "A\nB", "A\rB", "A\u2028B", "A\u2029B", "A\tB"])
def test_single_line_fields_refuse_line_breaks_and_tabs(value):
    message = "must be a single line" if value != "A\tB" else "must not contain control characters (found U+0009)"
    assert _refusal(name=value) == {"field": "name", "message": message}


def test_multi_line_fields_keep_lines_as_newlines_and_tabs():
    form = Form(name="Ada", note="  one\r\ntwo\rthree\u2028four\tfive  ")
    assert form.note == "one\ntwo\nthree\nfour\tfive"


@pytest.mark.parametrize(
    "value",
    ["Ada Lovelace", "x < y", "<3", "O'Brien & Söhne", "Straße 1, 3. OG", "محمد\u200cرضا", "👩\u200d💻", "李小龙"],
)
def test_ordinary_text_passes(value):
    assert Form(name=value).name == value


def test_text_is_stripped_and_nfc_normalised():
    assert Form(name="  Jose\u0301  ").name == "Jos\u00e9"


def test_limits_are_checked_with_pydantic_own_messages():
    assert _refusal(name="x" * 61) == {"field": "name", "message": "String should have at most 60 characters"}
    assert _refusal(name="   ") == {"field": "name", "message": "String should have at least 1 character"}


def test_a_lone_surrogate_is_refused():
    assert _refusal(name="a\ud800b")["field"] == "name"


def test_the_limits_appear_in_the_schema():
    schema = Form.model_json_schema()["properties"]
    assert schema["name"] == {
        "maxLength": 60,
        "minLength": 1,
        "title": "Name",
        "type": "string",
        "x-text-policy": "single-line",
    }
    assert schema["note"]["x-text-policy"] == "multi-line"


def test_the_pure_check_and_normalisation_for_domain_code():
    assert text_error("Ada") is None
    assert text_error("Ada\nB") == "must be a single line"
    assert text_error("Ada\nB", multi_line=True) is None
    assert normalized(" a\r\nb ", multi_line=True) == "a\nb"


def test_one_line_shows_text_from_elsewhere_on_one_printable_line():
    assert one_line(" Ab\r\nBcc: x\u202e\x00y\u200b ") == "Ab Bcc: x y"
    assert one_line("👩\u200d💻 <b>") == "👩\u200d💻 <b>"  # display only: markup is escaped where it is shown


def test_every_context_uses_the_one_policy():
    """No context keeps its own copy of the control/markup patterns (they all call tandem.shared.text)."""
    from pathlib import Path

    layer = Path(__file__).resolve().parents[2] / "layers" / "tandem" / "tandem"
    copies = [
        str(path.relative_to(layer))
        for path in layer.rglob("*.py")
        if path.parent.name != "shared" and ("<[A-Za-z/!?]" in path.read_text() or r"[\x00-\x1f" in path.read_text())
    ]
    assert copies == []
