"""The support desk's own events, read back by its notification consumer (``support_notify``): a ticket solved
(the satisfaction survey) and an SLA target breached (the team lead's note). Tolerant readers: only the fields
used, unknown fields ignored, version 1 only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from tandem.shared.envelope import InboundEvent, TolerantReader
from tandem.support.domain.commands import SendSurvey, TellTeamLead

_NUMBER = r"^T-\d{6,12}$"
_CHOICE = r"^[a-z_]{1,32}$"


class TicketStatusChangedIn(TolerantReader):
    kind: Literal["TicketStatusChanged"]
    ticket_id: UUID
    to_status: Annotated[str, Field(pattern=_CHOICE)]

    def command(self) -> SendSurvey | None:
        """Only a move to ``solved`` sends a survey (the rule routes only those; a stray one does nothing)."""
        return SendSurvey(self.ticket_id) if self.to_status == "solved" else None


class TicketSlaBreachedIn(TolerantReader):
    kind: Literal["TicketSlaBreached"]
    ticket_id: UUID
    number: Annotated[str, Field(pattern=_NUMBER)]
    target: Annotated[str, Field(pattern=_CHOICE)]
    priority: Annotated[str, Field(pattern=_CHOICE)]
    escalated_to: Annotated[str, Field(pattern=_CHOICE)]
    due_at: datetime

    def command(self) -> TellTeamLead:
        return TellTeamLead(self.ticket_id, self.number, self.target, self.priority, self.escalated_to, self.due_at)


class SupportNotice(InboundEvent):
    """``detail`` of a support event the notification consumer acts on."""

    data: Annotated[TicketStatusChangedIn | TicketSlaBreachedIn, Field(discriminator="kind")]
