"""What the leads use cases need from the outside world: Protocols only, implemented in ``adapters``."""

from __future__ import annotations

from datetime import date
from typing import Protocol
from uuid import UUID

from tandem.crm.leads.domain.model import Acknowledgement, Lead
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.paging import Page


class LeadRepository(Protocol):
    def add(self, lead: Lead) -> None:
        """Write ``lead`` and claim its fingerprint until ``lead.dedup_until``, at commit
        (``DuplicateSubmission(lead_id)`` then if an unexpired claim exists)."""
        ...

    def get(self, lead_id: UUID) -> Lead | None: ...
    def list_newest(self, limit: int, cursor: str | None) -> Page[Lead]: ...


class UnitOfWork(Protocol):
    """One transaction on the leads: a new lead, its dedup claim and its events, all or nothing."""

    @property
    def leads(self) -> LeadRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def record(self, envelope: Envelope[DomainEvent]) -> None: ...
    def commit(self) -> None: ...  # ConcurrentSubmission when another transaction wrote the same items


class Mailer(Protocol):
    def send(self, message: Acknowledgement) -> str:
        """Send ``message``; the provider's message id."""
        ...


class AcknowledgementQuota(Protocol):
    def take(self, email: str, day: date, *, limit: int) -> bool:
        """Count one acknowledgement to ``email`` on ``day``; False (and no count) once ``limit`` is reached."""
        ...
