"""Support errors. HTTP status comes from the base class (tandem.shared.errors); ``code`` is what clients see."""

from __future__ import annotations

from tandem.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed


class TicketNotFound(NotFound):
    code = "ticket_not_found"
    message = "No ticket with this id"


class InvalidTicketNumber(ValidationFailed):
    code = "invalid_ticket_number"
    message = "A ticket number looks like T-000123"


class InvalidTicketTransition(Conflict):
    """The ticket's status does not allow the requested change (``details``: ticket, from, to)."""

    code = "invalid_ticket_transition"
    message = "The ticket's status does not allow this change"


class TicketClosed(InvalidTicketTransition):
    """A closed ticket takes nothing more: a reply to it opens a new ticket linked to it."""

    code = "ticket_closed"
    message = "The ticket is closed"


class TicketMerged(InvalidTicketTransition):
    """A merged ticket lives on in the one it was merged into (``details.merged_into``)."""

    code = "ticket_merged"
    message = "The ticket was merged into another one"


class MergeRefused(Conflict):
    """Merging into itself, into a merged or closed ticket, or a ticket already merged elsewhere."""

    code = "merge_refused"
    message = "These tickets cannot be merged"


class InvalidCannedReply(ValidationFailed):
    """A canned reply names a placeholder nobody fills, or has an unclosed ``{{``; ``details`` lists them."""

    code = "invalid_canned_reply"
    message = "The canned reply has unknown or malformed placeholders"


class AddressUndeliverable(Conflict):
    """Mail to the requester bounced for good (a delivery status notification): nothing more is sent there."""

    code = "address_undeliverable"
    message = "The requester's address is marked undeliverable after a permanent bounce"


class ConcurrentTicketUpdate(Conflict):
    """Someone changed the ticket between our read and our write (retried by the service)."""

    code = "concurrent_ticket_update"
    message = "The ticket changed meanwhile; try again"


class DuplicateDelivery(Conflict):
    """The same message to the same mailbox was already stored (``mail_message.dedupe_key``)."""

    code = "duplicate_delivery"
    message = "This message was already received"


class TicketNumberTaken(Conflict):
    """Another ticket took the number between our read of the counter and our write (retried)."""

    code = "ticket_number_taken"
    message = "The ticket number was taken meanwhile; try again"


class EmailNotVerified(Forbidden):
    """A signed-in customer opens a ticket: answers go to the token's email, so Cognito must have verified it
    (403, like an order for an address that is not the caller's)."""

    code = "email_not_verified"
    message = "Verify your email address first: answers to the ticket are sent there"


class CustomerMayNotSetStatus(ValidationFailed):
    """``then`` and ``canned`` on a reply are the desk's: a customer's answer reopens the ticket by the model's
    rules and is their own text."""

    code = "desk_only_field"
    message = "Only the support desk sets a ticket's status or sends canned replies"


class CsatLinkInvalid(NotFound):
    """A survey link whose token is malformed, forged or signed for something else: no such survey."""

    code = "csat_not_found"
    message = "No survey for this link"


class CsatAlreadyRecorded(Conflict):
    """A ticket is rated once; the first rating stays."""

    code = "csat_already_recorded"
    message = "This ticket has already been rated"


class TicketNotSolved(Conflict):
    """Only a ticket that was solved at some point can be rated."""

    code = "ticket_not_solved"
    message = "The ticket has not been solved yet"


class SurveyAlreadySent(Conflict):
    """The ticket's satisfaction survey went out before (a redelivery, or solved a second time): not again."""

    code = "csat_survey_already_sent"
    message = "The survey for this ticket was sent already"


class ArticleNotFound(NotFound):
    """No article with this id (or, on the public path, none published with it)."""

    code = "article_not_found"
    message = "No knowledge-base article with this id"


class InvalidArticle(ValidationFailed):
    """An article's title, body or tags break the knowledge base's rules (``details`` names each field)."""

    code = "invalid_article"
    message = "The article's title, body or tags are not valid"


class ArticleVersionMismatch(Conflict):
    """The edit named the version it read, and the article was written since (``details``: both versions)."""

    code = "article_version_mismatch"
    message = "The article changed since you read it; read it again and reapply your edit"


class ConcurrentArticleUpdate(Conflict):
    """Someone wrote the article between our read and our write (retried by the service)."""

    code = "concurrent_article_update"
    message = "The article changed meanwhile; try again"


class ConcurrentConversationUpdate(Conflict):
    """Two answers to one assistant conversation crossed (a retried handoff): re-read, it may have a ticket."""

    code = "concurrent_conversation_update"
    message = "The conversation changed meanwhile; try again"
