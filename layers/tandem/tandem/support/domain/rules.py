"""Pure support policies: the status machine, who counts as the same address, round-robin, excerpts."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from tandem.shared.text import one_line


class TicketStatus(StrEnum):
    NEW = "new"  # nobody has answered yet
    OPEN = "open"  # an agent is on it
    PENDING = "pending"  # waiting for the requester: the SLA clock pauses
    ON_HOLD = "on_hold"  # waiting for a third party: the SLA clock pauses
    SOLVED = "solved"  # answered; the requester may still reopen it by writing
    CLOSED = "closed"  # final: a reply opens a new ticket linked to this one


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


_WORKING = frozenset({TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD})
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    # new -> closed as well: spam and duplicates are closed without an answer
    TicketStatus.NEW: _WORKING | {TicketStatus.SOLVED, TicketStatus.CLOSED},
    TicketStatus.OPEN: _WORKING - {TicketStatus.OPEN} | {TicketStatus.SOLVED, TicketStatus.CLOSED},
    TicketStatus.PENDING: _WORKING - {TicketStatus.PENDING} | {TicketStatus.SOLVED, TicketStatus.CLOSED},
    TicketStatus.ON_HOLD: _WORKING - {TicketStatus.ON_HOLD} | {TicketStatus.SOLVED, TicketStatus.CLOSED},
    TicketStatus.SOLVED: frozenset({TicketStatus.OPEN, TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset(),
}
# A message from the requester means the ball is back with us; on_hold waits on a third party, not on them.
REOPENED_BY_REQUESTER = frozenset({TicketStatus.PENDING, TicketStatus.SOLVED})
SLA_PAUSED = frozenset({TicketStatus.PENDING, TicketStatus.ON_HOLD})
SLA_STOPPED = frozenset({TicketStatus.SOLVED, TicketStatus.CLOSED})
EXCERPT_MAX = 200


def may_move(frm: TicketStatus, to: TicketStatus) -> bool:
    return to in TRANSITIONS[frm]


def normalized_email(address: str) -> str:
    """One spelling per mailbox for comparing who wrote: trimmed, angle brackets dropped, case folded.

    The local part is case-sensitive by the letter of RFC 5321, but no mail system people use treats it so,
    and a requester who writes ``Ada@`` once and ``ada@`` the next time is the same person. ``+tags`` are
    kept: ``ada+shop@`` may be someone's deliberate separate identity.
    """
    return address.strip().strip("<>").strip().casefold()


def same_address(a: str, b: str) -> bool:
    return normalized_email(a) == normalized_email(b)


def next_agent(agents: Sequence[str], last_assigned: str | None) -> str | None:
    """Round-robin: the agent after ``last_assigned`` in ``agents`` (wrapping), the first one when the last
    is unknown or left the team, None when there is nobody. ``agents`` must come in a stable order (the
    adapter sorts them), or the rotation skips and repeats people."""
    if not agents:
        return None
    if last_assigned is None or last_assigned not in agents:
        return agents[0]
    return agents[(list(agents).index(last_assigned) + 1) % len(agents)]


def excerpt(text: str) -> str:
    """A message's first words on one line, for events and listings."""
    line = one_line(text)
    return line if len(line) <= EXCERPT_MAX else line[: EXCERPT_MAX - 1] + "…"
