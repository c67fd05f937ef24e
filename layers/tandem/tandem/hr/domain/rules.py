"""HR's small policies that are not about one aggregate: whose leave requests an approver's queue shows.

The decision itself (may this caller approve this request?) is ``leave_rules.check_may_decide``, asked again
at decision time with the manager recorded on that day; the queue is only what to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tandem.hr.domain.errors import NotAnEmployee
from tandem.hr.domain.leave_rules import HR_GROUP

ADMIN_GROUP = "admin"


@dataclass(frozen=True)
class QueueScope:
    """Everyone's requests (``manager_id`` None) or those of one manager's reports."""

    manager_id: UUID | None


def leave_queue_scope(groups: frozenset[str], own_employee_id: UUID | None) -> QueueScope:
    """``hr`` (and ``admin``) see every request; an employee the requests of their reports; a login linked to
    no employee has no queue (``NotAnEmployee``, 404)."""
    if groups & {HR_GROUP, ADMIN_GROUP}:
        return QueueScope(None)
    if own_employee_id is None:
        raise NotAnEmployee()
    return QueueScope(own_employee_id)
