"""Which mail is a person's, an out-of-office reply, a bounce or bulk, and when no acknowledgement may go
out (RFC 3834, RFC 3464), read from the corpus in tests/unit/support/mail/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tandem.support.domain.delivery_status import DeliveryAction
from tandem.support.domain.inbound_mail import parse_message
from tandem.support.domain.mail_kinds import MailKind, NoAcknowledgement, kind_of, should_acknowledge
from tandem.support.domain.mail_message import ParsedMessage

CORPUS = Path(__file__).parent / "mail"
OUR_DOMAIN = "tandem.example"
N = NoAcknowledgement


def parsed(name: str) -> ParsedMessage:
    result = parse_message((CORPUS / f"{name}.eml").read_bytes())
    assert isinstance(result, ParsedMessage), result
    return result


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("gmail_reply", MailKind.PERSONAL),
        ("outlook_reply", MailKind.PERSONAL),
        ("vacation_auto_reply", MailKind.OUT_OF_OFFICE),
        ("outlook_automatic_reply", MailKind.OUT_OF_OFFICE),
        ("mailing_list", MailKind.BULK),
        ("newsletter_bulk", MailKind.BULK),
        ("dsn_permanent", MailKind.BOUNCE),
        ("dsn_delayed", MailKind.BOUNCE),
        ("no_reply_sender", MailKind.AUTOMATED),
        ("auto_generated_notification", MailKind.AUTOMATED),
    ],
)
def test_kind_of_tells_people_from_machines(name: str, kind: MailKind):
    assert kind_of(parsed(name)) is kind


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("vacation_auto_reply", N.AUTO_SUBMITTED),
        ("auto_generated_notification", N.AUTO_SUBMITTED),
        ("newsletter_bulk", N.BULK_PRECEDENCE),
        ("mailing_list", N.MAILING_LIST),
        ("outlook_automatic_reply", N.RESPONSE_SUPPRESSED),
        ("null_return_path", N.NULL_RETURN_PATH),
        ("no_reply_sender", N.ROBOT_SENDER),
        ("dsn_permanent", N.ROBOT_SENDER),
        ("own_message_back", N.OWN_MESSAGE),
        ("dsn_permanent", N.DELIVERY_REPORT),
    ],
)
def test_no_acknowledgement_goes_to_automatic_list_or_own_mail(name: str, reason: NoAcknowledgement):
    decision = should_acknowledge(parsed(name), OUR_DOMAIN, sent_to_sender_last_hour=0, hourly_limit=3)
    assert not decision and reason in decision.reasons


@pytest.mark.parametrize("name", ["gmail_reply", "apple_mail_reply", "html_only", "no_message_id", "utf8_body"])
def test_a_person_gets_an_acknowledgement(name: str):
    decision = should_acknowledge(parsed(name), OUR_DOMAIN, sent_to_sender_last_hour=0, hourly_limit=3)
    assert decision and decision.reasons == ()


def test_acknowledgements_to_one_sender_stop_at_the_hourly_limit():
    message = parsed("gmail_reply")
    assert should_acknowledge(message, OUR_DOMAIN, sent_to_sender_last_hour=2, hourly_limit=3)
    refused = should_acknowledge(message, OUR_DOMAIN, sent_to_sender_last_hour=3, hourly_limit=3)
    assert not refused and refused.reasons == (N.RATE_LIMITED,)


def test_a_person_typing_automatic_reply_in_a_subject_is_still_a_person():
    message = parsed("gmail_reply")
    lookalike = replace(message, subject="Automatic reply: not really")
    assert kind_of(lookalike) is MailKind.PERSONAL


def test_auto_submitted_no_is_a_person():
    message = parsed("gmail_reply")
    person = replace(message, headers={"auto-submitted": "no"})
    assert kind_of(person) is MailKind.PERSONAL and should_acknowledge(person, OUR_DOMAIN, 0, 3)


def test_a_permanent_bounce_names_our_message_and_the_dead_address():
    report = parsed("dsn_permanent").delivery_report
    assert report is not None
    assert report.original_message_id == "<tdm.0f8e2c.T-000123.4b1f@tandem.example>"
    (recipient,) = report.recipients
    assert (recipient.address, recipient.action, recipient.status) == (
        "gone@customer.example",
        DeliveryAction.FAILED,
        "5.1.1",
    )
    assert recipient.permanent and report.permanent_failures == ("gone@customer.example",)
    assert recipient.diagnostic == "smtp; 550 5.1.1 user unknown"


def test_a_delayed_delivery_is_not_a_permanent_failure_and_is_found_in_a_whole_original():
    report = parsed("dsn_delayed").delivery_report
    assert report is not None and report.original_message_id == "<tdm.aa.T-000200.bb@tandem.example>"
    (recipient,) = report.recipients
    assert recipient.action is DeliveryAction.DELAYED and not recipient.permanent
    assert report.permanent_failures == ()


def test_an_ordinary_message_has_no_delivery_report():
    assert parsed("gmail_reply").delivery_report is None
