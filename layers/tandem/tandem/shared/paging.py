"""One page of a listing, whatever it lists: the items and the token of the next page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """``cursor`` is the opaque ``next_token`` for the following page, ``None`` on the last one."""

    items: list[T] = field(default_factory=list)
    cursor: str | None = None
