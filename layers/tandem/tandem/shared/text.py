"""One text policy for every free-text field of every context (names, addresses, reasons, messages, notes).

Free text reaches people: mail, PDFs, the back office, CSV exports. So, in every context alike:

- **Refused** (422, naming the field, the rule and the code point): control characters (C0 incl. NUL, DEL,
  C1 incl. NEL); line breaks in single-line fields (CR, LF, U+2028/U+2029: a line break in a name is how a
  mail header gets added); bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C:
  they make text read differently from how it is stored, "Trojan Source"); zero-width characters (U+200B,
  U+2060, U+FEFF; U+200C/U+200D only between two ASCII characters, where they hide inside Latin words,
  but not in Persian or Indic words or emoji sequences, which need them); lone surrogates (not Unicode:
  they cannot be stored as UTF-8); and HTML markup: a ``<`` directly followed by a letter, ``/``, ``!`` or
  ``?`` (``<b>``, ``</p>``, ``<script``, ``<!--``), while ``x < y`` and ``<3`` stay.
- **Normalised** (meaning kept): surrounding whitespace stripped, NFC, and in multi-line fields CRLF, CR,
  U+2028 and U+2029 become ``\\n`` (tabs allowed there too).

Refused rather than stripped: what is stored is what the person sent, so nothing silently changes meaning
(``"adm\\x00in"`` stripped would become ``"admin"``; text without its U+202E reads differently), an
``Idempotency-Key`` replay of the same body still matches, and the frontend learns what to fix.

Pure (stdlib and pydantic only): the domain's own checks call ``text_error`` / ``normalized``, the HTTP
request models mark every free-text field ``Annotated[str, SingleLine(max_length)]`` or ``MultiLine(...)``,
which the OpenAPI document shows as ``"x-text-policy": "single-line"`` / ``"multi-line"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import annotated_types
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# A "<" directly followed by a letter, "/", "!" or "?" opens a tag, comment or directive.
_MARKUP = re.compile(r"<[A-Za-z/!?]")
MARKUP_MESSAGE = "must not contain HTML markup"

# The OpenAPI keyword that tells a frontend a field is held to this policy, and whether it takes lines.
POLICY_KEYWORD = "x-text-policy"
_LINE_BREAKS = "\r\n\u2028\u2029"
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH = frozenset("\u200b\u2060\ufeff")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ / ZWJ: needed by Persian, Indic scripts and emoji sequences
_MULTI_LINE_ALLOWED = frozenset("\n\t")


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def _hidden_joiner(text: str, at: int) -> bool:
    """A joiner between two ASCII characters (or at an end) hides inside a Latin word: ``ad\\u200dmin``."""
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return before.isascii() or after.isascii()


def _char_error(text: str, at: int, *, multi_line: bool) -> str | None:
    char = text[at]
    if char in _LINE_BREAKS and not multi_line:
        return "must be a single line"
    if multi_line and char in _MULTI_LINE_ALLOWED:
        return None
    category = unicodedata.category(char)
    if category == "Cc":
        return f"must not contain control characters (found {_code(char)})"
    if category == "Cs":
        return "must be valid Unicode text (found a lone surrogate)"
    if char in _BIDI:
        return f"must not contain bidirectional control characters (found {_code(char)})"
    if char in _ZERO_WIDTH or (char in _JOINERS and _hidden_joiner(text, at)):
        return f"must not contain zero-width characters (found {_code(char)})"
    return None


def text_error(text: str, *, multi_line: bool = False) -> str | None:
    """What is wrong with ``text`` under the policy (the first problem found), or None.

    Checks the text as stored: call it on ``normalized(text)`` (which turns CRLF into ``\\n`` in
    multi-line text)."""
    for at in range(len(text)):
        if error := _char_error(text, at, multi_line=multi_line):
            return error
    if _MARKUP.search(text):
        return MARKUP_MESSAGE
    return None


def normalized(text: str, *, multi_line: bool = False) -> str:
    """Surrounding whitespace stripped and NFC; multi-line text gets ``\\n`` for every line break."""
    if multi_line:
        text = re.sub(r"\r\n|[\r\u2028\u2029]", "\n", text)
    try:
        text = unicodedata.normalize("NFC", text)
    except UnicodeError:  # pragma: no cover - NFC of lone surrogates passes them through on CPython
        pass
    return text.strip()


def one_line(text: str) -> str:
    """Text from elsewhere (another context's event, a stored document) shown as one printable line: every
    character the policy refuses, and every line break, becomes a space; whitespace is collapsed. For
    display only (a summary, a mail line), never for what is stored: input is refused, not repaired."""
    kept = "".join(" " if _char_error(text, at, multi_line=False) else char for at, char in enumerate(text))
    return " ".join(kept.split())


def _validated(text: object, *, multi_line: bool) -> object:
    if not isinstance(text, str):  # None of an optional field
        return text
    value = normalized(text, multi_line=multi_line)
    if text and not value:
        raise PydanticCustomError("text_policy", "must not be empty")
    if error := text_error(value, multi_line=multi_line):
        raise PydanticCustomError("text_policy", error)
    return value


@dataclass(frozen=True, slots=True)
class SingleLine(annotated_types.GroupedMetadata):
    """A request field of one line of free text: ``name: Annotated[str, SingleLine(200)]`` (add a ``Field``
    before it for a description or examples; ``str | None`` for an optional one). Pydantic checks the
    length as sent (stripped when the model strips whitespace), then the policy normalises and checks it."""

    max_length: int
    min_length: int = 1

    def __iter__(self) -> Iterator[object]:
        yield annotated_types.Len(self.min_length, self.max_length)
        yield Field(json_schema_extra={POLICY_KEYWORD: "single-line"})
        yield AfterValidator(partial(_validated, multi_line=False))


@dataclass(frozen=True, slots=True)
class MultiLine(SingleLine):
    """Free text of several lines (a message, a note): line breaks become ``\\n``, tabs are allowed."""

    def __iter__(self) -> Iterator[object]:
        yield annotated_types.Len(self.min_length, self.max_length)
        yield Field(json_schema_extra={POLICY_KEYWORD: "multi-line"})
        yield AfterValidator(partial(_validated, multi_line=True))
