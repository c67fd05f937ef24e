"""Limits a JSON text must pass before anything parses it, and one safe way to parse it.

Python's parsers trust their input too much for an edge: ``json.loads`` recurses once per nesting level
(10,000 ``[`` are a ``RecursionError``) and refuses integers over 4,300 digits with a bare ``ValueError``.
Both would be 500s. ``json_limit_error`` finds either shape with one linear scan of the text (no
recursion, no parse): nesting deeper than ``MAX_DEPTH`` or a number literal longer than
``MAX_NUMBER_CHARS`` is a ``BadRequest`` saying which limit. Strings are skipped whole, so brackets and
digits inside them count for nothing. Text that is not JSON at all may pass (the parser reports it).

Pure: the HTTP edge (``tandem.shared.http``) applies it to every request body, readers of raw JSON
(a webhook) call ``parse_json``.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from tandem.shared.errors import BadRequest

MAX_DEPTH = 32
MAX_NUMBER_CHARS = 100

# A string, closed or running to the end of the text: once started it always matches, so the scan stays linear.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonTooDeep(BadRequest):
    code = "json_too_deep"
    message = f"Body nests deeper than {MAX_DEPTH} levels"


class JsonNumberTooLong(BadRequest):
    code = "json_number_too_long"
    message = f"Body has a number longer than {MAX_NUMBER_CHARS} characters"


def json_limit_error(
    text: str, *, max_depth: int = MAX_DEPTH, max_number_chars: int = MAX_NUMBER_CHARS
) -> BadRequest | None:
    """The limit ``text`` breaks (``JsonTooDeep``, ``JsonNumberTooLong``), or None; never parses it.

    Three passes in C (strings out, then brackets and number runs), one running sum: linear in the text."""
    structure = _STRING.sub('""', text)
    brackets = _NOT_BRACKET.sub("", structure)
    if brackets and max(accumulate(map(_STEP.__getitem__, brackets))) > max_depth:
        return JsonTooDeep(f"Body nests deeper than {max_depth} levels", details={"max_depth": max_depth})
    if re.search(f"[0-9eE.+-]{{{max_number_chars + 1}}}", structure):
        return JsonNumberTooLong(
            f"Body has a number longer than {max_number_chars} characters",
            details={"max_number_chars": max_number_chars},
        )
    return None


def parse_json(text: str) -> Any:
    """``json.loads(text)`` within the limits: a ``BadRequest`` for text over them or not JSON, never
    a ``RecursionError`` or a digit-limit ``ValueError``."""
    refused = json_limit_error(text)
    if refused is not None:
        raise refused
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise BadRequest("Body is not valid JSON") from None
