"""Leads errors; their HTTP status comes from their base class (tandem.shared.errors)."""

from __future__ import annotations

from uuid import UUID

from tandem.shared.errors import Conflict, NotFound, ValidationFailed


class LeadNotFound(NotFound):
    code = "lead_not_found"
    message = "No lead with this id"


class InvalidLead(ValidationFailed):
    """The submission breaks a lead rule; ``details`` lists ``{field, message}``."""


class DuplicateSubmission(Conflict):
    """The same email and message arrived within the dedup window: it is the same lead."""

    code = "duplicate_submission"

    def __init__(self, lead_id: UUID) -> None:
        super().__init__(details={"lead_id": str(lead_id)})
        self.lead_id = lead_id


class ConcurrentSubmission(Conflict):
    """Another submission wrote the same items at the same moment (DynamoDB ``TransactionConflict``).

    Usually the same form sent twice at once: retrying lands on the duplicate path.
    """

    code = "concurrent_submission"
    message = "Someone else changed this at the same time. Please retry."
