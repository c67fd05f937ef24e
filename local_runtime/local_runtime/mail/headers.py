"""Header helpers both directions of mail share: address lists, header maps, unfolding."""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any


def addresses(message: EmailMessage, name: str) -> list[str]:
    """The bare addresses of every ``name`` header (``To``, ``Cc`` ...)."""
    values = [str(v) for v in message.get_all(name, [])]
    return [addr for _, addr in getaddresses(values) if addr]


def header_dict(message: EmailMessage) -> dict[str, Any]:
    """Headers as a dict; a repeated header becomes a list of its values."""
    headers: dict[str, Any] = {}
    for key, value in message.items():
        text = str(value)
        if key in headers:
            prior = headers[key]
            headers[key] = [*prior, text] if isinstance(prior, list) else [prior, text]
        else:
            headers[key] = text
    return headers


def dedupe(items: Iterable[str]) -> list[str]:
    """Case-insensitively unique, first spelling and sequence kept."""
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())


def unfold(value: Any) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", str(value))


def split_addresses(values: list[str]) -> list[str]:
    """Split header values into one entry per mailbox, keeping display names ("Doe, John" <x@y>)."""
    out: list[str] = []
    for value in values:
        current, quoted, depth = "", False, 0
        for ch in value:
            if ch == '"':
                quoted = not quoted
            elif ch == "<":
                depth += 1
            elif ch == ">":
                depth = max(0, depth - 1)
            if ch == "," and not quoted and depth == 0:
                out.append(current)
                current = ""
            else:
                current += ch
        if current.strip():
            out.append(current)
    return out
