"""``POST /csat/{token}``: the requester's rating of a solved ticket, from the survey link, once per ticket.

The rating item (put only if absent) and ``CsatRecorded`` go in one transaction; a second rating is 409
``csat_already_recorded``, whichever of two concurrent ones commits first wins.
"""

from __future__ import annotations

from tandem.shared.correlation import MessageContext
from tandem.support.domain import csat
from tandem.support.domain.commands import RecordCsat
from tandem.support.domain.csat import CsatRating
from tandem.support.domain.errors import CsatLinkInvalid
from tandem.support.domain.events import CsatRecorded
from tandem.support.service.base import ServiceBase


class Satisfaction(ServiceBase):
    def record_csat(self, command: RecordCsat, context: MessageContext) -> tuple[str, CsatRating]:
        """Store the rating of the ticket the link names: 404 for a forged or foreign link (or a ticket that
        is gone), 409 when the ticket was never solved or is rated already. The ticket's reference and the rating."""
        ticket_id = csat.ticket_of(command.token, self.mail.secrets())
        with self.uow() as uow:
            ticket = uow.tickets.get(ticket_id)
            if ticket is None:
                raise CsatLinkInvalid()
            rating = csat.rate(
                ticket.status_history, uow.tickets.csat(ticket_id), command.rating, command.comment, self.clock.now()
            )
            uow.tickets.add_csat(ticket_id, rating)
            event = CsatRecorded(
                ticket_id=ticket.id,
                number=ticket.reference,
                rating=rating.rating,
                has_comment=rating.comment is not None,
                recorded_at=rating.at,
                requester_email=ticket.requester.email,
            )
            self._record(uow, [event], context)
            uow.commit()
        return ticket.reference, rating
