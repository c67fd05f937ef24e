"""The satisfaction survey's signed link and the rating rules (pure domain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from tandem.support.domain import csat, tokens
from tandem.support.domain.csat import CsatRating
from tandem.support.domain.errors import CsatAlreadyRecorded, CsatLinkInvalid, TicketNotSolved
from tandem.support.domain.mailbox import breach_notice, internal_notice
from tandem.support.domain.rules import TicketStatus

OLD, NEW = b"the-old-secret-0123456789", b"the-new-secret-0123456789"
AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SOLVED = [(AT - timedelta(days=1), TicketStatus.NEW), (AT, TicketStatus.SOLVED)]


def test_a_survey_token_names_its_ticket_under_the_secret_that_signed_it():
    ticket = uuid4()
    token = csat.csat_token(ticket, NEW)
    assert csat.ticket_of(token, [NEW]) == ticket
    assert csat.ticket_of(token.upper(), [NEW]) == ticket  # a mail system that upper-cases links
    assert csat.survey_link("https://tandem.example/csat/", ticket, NEW) == f"https://tandem.example/csat/{token}"


def test_tokens_survive_a_rotation_while_the_old_secret_is_listed():
    ticket = uuid4()
    token = csat.csat_token(ticket, OLD)
    assert csat.ticket_of(token, [NEW, OLD]) == ticket
    with pytest.raises(CsatLinkInvalid):
        csat.ticket_of(token, [NEW])


@pytest.mark.parametrize("change", [lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"), lambda t: t[:-1], lambda t: ""])
def test_a_tampered_or_truncated_token_is_no_link(change):
    with pytest.raises(CsatLinkInvalid):
        csat.ticket_of(change(csat.csat_token(uuid4(), NEW)), [NEW])


def test_a_token_of_another_ticket_or_purpose_is_no_link():
    ticket, other = uuid4(), uuid4()
    mixed = tokens.ticket_token(ticket, NEW).split("-")[0] + "-" + csat.csat_token(other, NEW).split("-")[1]
    with pytest.raises(CsatLinkInvalid):
        csat.ticket_of(mixed, [NEW])
    with pytest.raises(CsatLinkInvalid):  # a thread token from a Message-ID rates nothing
        csat.ticket_of(tokens.ticket_token(ticket, NEW), [NEW])
    assert tokens.token_from(csat.csat_token(ticket, NEW), [NEW]) is None  # and a survey token threads nothing


def test_a_solved_ticket_takes_one_rating_with_an_optional_comment():
    rating = csat.rate(SOLVED, None, 5, "  Quick and kind  ", AT)
    assert rating == CsatRating(5, "Quick and kind", AT)
    assert csat.rate(SOLVED, None, 1, "", AT).comment is None
    with pytest.raises(CsatAlreadyRecorded):
        csat.rate(SOLVED, rating, 3, None, AT)


def test_a_ticket_never_solved_cannot_be_rated():
    with pytest.raises(TicketNotSolved):
        csat.rate([(AT, TicketStatus.NEW), (AT, TicketStatus.OPEN)], None, 5, None, AT)


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_is_one_to_five(rating):
    with pytest.raises(ValueError):
        csat.rate(SOLVED, None, rating, None, AT)


def test_the_survey_text_carries_the_link_and_the_reference():
    text = csat.survey_text(7, "Broken lid", "Ada", "https://tandem.example/csat/x")
    assert text.startswith("Hello Ada,") and "T-000007" in text and "https://tandem.example/csat/x" in text


def test_the_team_lead_notice_names_the_breach_and_carries_no_ticket_token():
    text = breach_notice("T-000007", "<b>Broken</b>", "first_response", "normal", "high", "2026-12-07T16:00:00+00:00")
    assert "missed its first response target" in text and "from normal to high" in text
    assert "<b>Broken</b>" in text  # plain text; the mail helpers escape it where it becomes HTML
    assert "cannot be raised further" in breach_notice("T-1", "s", "resolution", "urgent", "urgent", "d")
    notice = internal_notice("lead@x.example", "SLA", text, support_address="support@tandem.example", unique="ab12")
    assert notice.reply_to == "lead@x.example" and notice.message_id == "<n-ab12@tandem.example>"
    assert not notice.auto_submitted
