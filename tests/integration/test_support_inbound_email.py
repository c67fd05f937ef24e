"""Support's inbound mail under moto: SES stored the raw MIME, the function turns it into a ticket, a message on
one, or a recorded rejection; acknowledgements and agent replies go out through SES with threading headers."""

from __future__ import annotations

import copy
import email
import email.policy
import json
import uuid
from pathlib import Path

import boto3
import pytest
from moto.ses.models import ses_backends
from tandem.shared.auth import Identity
from tandem.shared.correlation import MessageContext
from tandem.support.api_models import MessageBodyView, TicketMessageView
from tandem.support.bootstrap import services
from tandem.support.domain.commands import ReplyToTicket, TicketQuery
from tandem.support.domain.errors import AddressUndeliverable
from tandem.support.domain.rules import TicketStatus

from tests.integration.conftest import REGION

CORPUS = Path(__file__).resolve().parents[1] / "unit" / "support" / "mail"
SUPPORT = "support@tandem.example"
AGENT = Identity(sub="agent-1", email="agent@tandem.example", email_verified=True, groups=frozenset({"support"}))


def _sent() -> list[email.message.EmailMessage]:
    backend = ses_backends["123456789012"][REGION]
    return [
        email.message_from_bytes(
            m.raw_data.encode() if isinstance(m.raw_data, str) else m.raw_data, policy=email.policy.default
        )
        for m in backend.sent_messages
        if hasattr(m, "raw_data")
    ]


@pytest.fixture
def deliver(stack, sample, monkeypatch):
    """Store ``raw`` as SES would and invoke the function; returns the handler's result for the one record."""
    bucket = stack.physical["InboundMailBucket"]
    for key, value in stack.environment("SupportInboundEmailFunction").items():
        monkeypatch.setenv(key, value)

    def send(raw: bytes, recipients: tuple[str, ...] = (SUPPORT,)) -> dict:
        ses_id = uuid.uuid4().hex
        boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=f"inbound/{ses_id}", Body=raw)
        event = copy.deepcopy(sample("support_inbound_email/customer_email"))
        event["Records"][0]["ses"]["mail"]["messageId"] = ses_id
        event["Records"][0]["ses"]["receipt"]["recipients"] = list(recipients)
        [result] = stack.call("SupportInboundEmailFunction", event)["results"]
        return result

    return send


def _mail(sender: str, subject: str, body: str, *, message_id: str | None, **headers: str) -> bytes:
    lines = [f"From: {sender}", f"To: {SUPPORT}", f"Subject: {subject}", "Date: Mon, 07 Dec 2026 09:30:00 +0000"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body, ""]
    return "\r\n".join(lines).encode()


def test_an_email_opens_a_ticket_once_with_one_acknowledgement_and_threads_the_answer(deliver):
    first = _mail("Ada <ada@example.com>", "Parcel damaged", "The lid was broken.", message_id="<m1@example.com>")
    opened = deliver(first)
    assert opened["outcome"] == "opened" and opened["ticket"] == "T-000001"
    assert deliver(first)["outcome"] == "duplicate"
    [ack] = _sent()
    assert ack["Auto-Submitted"] == "auto-replied" and ack["To"] == "ada@example.com"
    assert ack["In-Reply-To"] == "<m1@example.com>" and "[#T-000001]" in ack["Subject"]
    assert ack["Message-ID"].endswith("@tandem.example>") and ack["Reply-To"].startswith("support+")

    service = services()
    [summary] = service.tickets(TicketQuery(), 10, None).items
    ticket = service.reply(
        ReplyToTicket(ticket_id=summary.id, body_text="Sorry! A new one is on its way."),
        AGENT,
        MessageContext.fresh(),
    )
    reply = _sent()[-1]
    assert reply["In-Reply-To"] == "<m1@example.com>" and "Auto-Submitted" not in reply
    assert reply["References"] == "<m1@example.com>"
    answer = _mail(
        "ada@example.com",
        "Re: something else",
        "Thanks!",
        message_id="<m2@example.com>",
        In_Reply_To=reply["Message-ID"],
    )
    assert deliver(answer)["outcome"] == "appended"
    assert deliver(answer)["outcome"] == "duplicate"
    thread = service.ticket(ticket.id, AGENT).ticket
    assert [m.direction.value for m in thread.messages] == ["inbound", "outbound", "inbound"]
    assert len(_sent()) == 2  # no acknowledgement for an answer on a ticket

    stranger = _mail("eve@example.com", "Re: [#T-000001] Parcel", "Me too", message_id="<m3@example.com>")
    assert deliver(stranger)["ticket"] == "T-000002"


def test_a_burst_that_loses_the_number_race_ten_times_still_opens_one_ticket_at_once(deliver, monkeypatch):
    """A burst of mail queues on the one number counter (make bench: 8 concurrent invocations). Losing ten races
    in a row is still a ticket in this invocation, not a failure left to Lambda's retry a minute later."""
    from tandem.support.adapters.dynamodb import DynamoUnitOfWork
    from tandem.support.domain.errors import TicketNumberTaken

    monkeypatch.setattr("tandem.shared.retry.jittered_pause", lambda attempt: 0.0)
    commit, lost = DynamoUnitOfWork.commit, []

    def taken_meanwhile(self: DynamoUnitOfWork) -> None:
        if len(lost) < 10:
            lost.append(True)
            raise TicketNumberTaken()
        commit(self)

    monkeypatch.setattr(DynamoUnitOfWork, "commit", taken_meanwhile)
    opened = deliver(_mail("Ada <ada@example.com>", "Burst", "Hello", message_id="<burst@example.com>"))
    assert opened["outcome"] == "opened" and opened["ticket"] == "T-000001" and len(lost) == 10
    assert len(services().tickets(TicketQuery(), 10, None).items) == 1
    assert len(_sent()) == 1


def test_the_answer_threads_by_its_in_reply_to(deliver):
    deliver(_mail("ada@example.com", "Hi", "Question", message_id="<q1@example.com>"))
    service = services()
    [summary] = service.tickets(TicketQuery(), 10, None).items
    service.reply(ReplyToTicket(ticket_id=summary.id, body_text="Answer"), AGENT, MessageContext.fresh())
    reply = _sent()[-1]
    answered = deliver(
        _mail("ada@example.com", "Re: Hi", "Thanks", message_id="<q2@example.com>", In_Reply_To=reply["Message-ID"])
    )
    assert answered == {"ses_message_id": answered["ses_message_id"], "outcome": "appended", "ticket": "T-000001"}


@pytest.mark.parametrize("name", ["vacation_auto_reply", "mailing_list", "dsn_permanent", "no_reply_sender"])
def test_machines_get_no_acknowledgement(deliver, name):
    result = deliver((CORPUS / f"{name}.eml").read_bytes())
    assert result["outcome"] in ("opened", "appended", "bounce", "ignored")
    assert _sent() == []


def test_an_out_of_office_reply_to_no_ticket_is_listed_not_opened(deliver):
    result = deliver((CORPUS / "vacation_auto_reply.eml").read_bytes())
    assert result["outcome"] == "ignored"
    assert services().tickets(TicketQuery(), 10, None).items == []
    [listed] = services().rejected_mail(10, None).items
    assert listed.reason == "auto_reply_without_ticket" and listed.raw_key.startswith("inbound/")
    assert deliver((CORPUS / "vacation_auto_reply.eml").read_bytes())["outcome"] == "duplicate"


def test_an_out_of_office_reply_to_our_answer_joins_the_ticket_without_reopening_it(deliver):
    deliver(_mail("ada@example.com", "Hi", "Question", message_id="<o1@example.com>"))
    service = services()
    [summary] = service.tickets(TicketQuery(), 10, None).items
    service.reply(
        ReplyToTicket(ticket_id=summary.id, body_text="Answer", then=TicketStatus.PENDING),
        AGENT,
        MessageContext.fresh(),
    )
    reply = _sent()[-1]
    away = _mail(
        "ada@example.com",
        "Automatic reply: Hi",
        "I am away until Monday.",
        message_id="<o2@example.com>",
        In_Reply_To=reply["Message-ID"],
        Auto_Submitted="auto-replied",
    )
    assert deliver(away)["outcome"] == "appended"
    thread = service.ticket(summary.id, AGENT).ticket
    assert thread.status.value == "pending" and thread.messages[-1].auto_reply


def test_a_bounce_shows_on_the_ticket_whose_reply_failed_and_publishes_email_bounced(deliver, stack):
    deliver(_mail("gone@customer.example", "Hello", "Where is it?", message_id="<g1@example.com>"))
    service = services()
    [summary] = service.tickets(TicketQuery(), 10, None).items
    service.reply(ReplyToTicket(ticket_id=summary.id, body_text="Here"), AGENT, MessageContext.fresh())
    reply_id = _sent()[-1]["Message-ID"]
    dsn = (
        (CORPUS / "dsn_permanent.eml")
        .read_bytes()
        .replace(b"<tdm.0f8e2c.T-000123.4b1f@tandem.example>", reply_id.encode())
    )
    assert deliver(dsn)["outcome"] == "bounce"
    notes = [m for m in service.ticket(summary.id, AGENT).ticket.messages if m.direction.value == "note"]
    assert len(notes) == 1 and "gone@customer.example" in notes[0].body_text
    with pytest.raises(AddressUndeliverable):  # nothing more is sent to an address that bounced for good
        service.reply(ReplyToTicket(ticket_id=summary.id, body_text="Again"), AGENT, MessageContext.fresh())
    [bounced] = [
        json.loads(str(i["detail"])) for i in stack.items("SupportTable") if i.get("detail_type") == "EmailBounced"
    ]
    data = bounced["data"]  # in the transaction that stored the note and the undeliverable mark
    assert (data["ticket_id"], data["number"], data["original_message_id"]) == (str(summary.id), "T-000001", reply_id)
    assert data["recipients"] == [
        {"address": "gone@customer.example", "action": "failed", "status": "5.1.1", "permanent": True}
    ]


def test_every_message_of_the_corpus_becomes_a_ticket_a_message_or_a_recorded_rejection(deliver):
    outcomes = {}
    for path in sorted(CORPUS.glob("*.eml")):
        outcomes[path.stem] = deliver(path.read_bytes())["outcome"]
    outcomes["twenty_mb"] = deliver(_mail("big@example.com", "Huge", "x" * (20 * 1024 * 1024), message_id="<big@x>"))[
        "outcome"
    ]
    assert outcomes["missing_from"] == "rejected" and outcomes["twenty_mb"] == "rejected"
    # Two files of the corpus share the Message-ID <CAF=ben.1@mail.example>: the second is the same message.
    assert outcomes.pop("multiple_from_with_sender") == "duplicate"
    assert set(outcomes.values()) <= {"opened", "appended", "rejected", "bounce", "ignored"}, outcomes
    assert len(outcomes) >= 36  # 35 files left of 36, and the 20 MB message
    rejected = services().rejected_mail(50, None).items
    assert {r.reason for r in rejected} >= {"no_usable_sender", "too_large", "auto_reply_without_ticket"}
    assert all(r.raw_key.startswith("inbound/") for r in rejected)


def test_attachments_are_stored_and_downloadable(deliver):
    result = deliver((CORPUS / "inline_image.eml").read_bytes())
    service = services()
    [summary] = service.tickets(TicketQuery(), 10, None).items
    thread = service.ticket(summary.id, AGENT)
    [message] = thread.ticket.messages
    [stored] = thread.files[message.id]
    found, content = service.attachment(summary.id, message.id, AGENT, stored.id)
    assert result["outcome"] == "opened" and found.filename == "error.png" and content.startswith(b"\x89PNG")


def test_the_html_body_is_served_sanitised_with_inline_images_pointing_at_their_downloads(deliver):
    deliver((CORPUS / "inline_image.eml").read_bytes())
    service = services()
    [summary] = service.tickets(TicketQuery(), 10, None).items
    [message] = service.ticket(summary.id, AGENT).ticket.messages
    view = MessageBodyView.of(service.message_body(summary.id, message.id, AGENT))
    download = f"/tickets/{summary.id}/messages/{message.id}/attachments/a1"
    assert f'src="{download}"' in view.html and "cid:" not in view.html
    assert "tracker.example" not in view.html  # remote images never load
    assert TicketMessageView.of(summary.id, message, ()).body == f"/tickets/{summary.id}/messages/{message.id}/body"


def test_a_long_text_is_cut_in_its_item_and_kept_whole_in_the_bucket(deliver):
    words = "word " * 300_000  # 1.5 MB: far over what a DynamoDB item holds
    assert deliver(_mail("big@example.com", "Big", words, message_id="<bigtext@x>"))["outcome"] == "opened"
    service = services()
    [summary] = service.tickets(TicketQuery(), 10, None).items
    [message] = service.ticket(summary.id, AGENT).ticket.messages
    assert message.body_truncated and len(message.body_text.encode()) <= 100_000
    assert words.startswith(message.body_text)
    assert service.message_body(summary.id, message.id, AGENT).text.strip() == words.strip()


def test_a_reply_keeps_its_quoted_history_in_the_bucket(deliver):
    quoted = (
        "Thanks, that worked.\r\n\r\n"
        "On Mon, 7 Dec 2026 at 09:00, Support <support@tandem.example> wrote:\r\n> Try again"
    )
    deliver(_mail("ada@example.com", "Hi", quoted, message_id="<q9@example.com>"))
    service = services()
    [summary] = service.tickets(TicketQuery(), 10, None).items
    [message] = service.ticket(summary.id, AGENT).ticket.messages
    assert "Try again" not in message.body_text and not message.body_truncated
    assert "> Try again" in service.message_body(summary.id, message.id, AGENT).text
