"""Sent mail read back from moto (SES v1 + v2), and inbound delivery through receipt rules."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local_runtime import mail

ACCOUNT, REGION = "123456789012", "us-east-1"


@pytest.fixture
def ses() -> Any:
    with mock_aws():
        client = boto3.client("ses", region_name=REGION)
        client.verify_email_identity(EmailAddress="sender@example.com")
        yield client


def _raw(subject: str = "Hello", to: str = "a@example.com", cc: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Sender <sender@example.com>"
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Message-ID"] = "<m1@example.com>"
    msg.set_content("plain text")
    msg.add_alternative("<p>html text</p>", subtype="html")
    return msg


def test_sent_mail_from_ses_v1_and_v2_newest_first(ses: Any) -> None:
    ses.send_email(
        Source="sender@example.com",
        Destination={"ToAddresses": ["t@example.com"], "BccAddresses": ["b@example.com"]},
        Message={"Subject": {"Data": "first"}, "Body": {"Text": {"Data": "just text"}}},
    )
    ses.send_raw_email(
        RawMessage={"Data": _raw("second", cc="c@example.com").as_bytes()},
        Destinations=["a@example.com", "c@example.com", "hidden@example.com"],
    )
    v2 = boto3.client("sesv2", region_name=REGION)
    v2.send_email(
        FromEmailAddress="sender@example.com",
        Destination={"ToAddresses": ["v2@example.com"]},
        Content={"Simple": {"Subject": {"Data": "third"}, "Body": {"Html": {"Data": "<p>hi</p>"}}}},
    )
    v2.send_email(
        FromEmailAddress="sender@example.com",
        Destination={"ToAddresses": ["a@example.com"]},
        Content={"Raw": {"Data": _raw("fourth").as_bytes()}},
    )

    sent = mail.sent_emails(ACCOUNT, REGION)
    assert [m["subject"] for m in sent] == ["fourth", "third", "second", "first"]
    fourth, third, second, first = sent
    assert first["to"] == ["t@example.com"] and first["bcc"] == ["b@example.com"]
    assert first["text"] == "just text" and first["html"] is None
    assert third["html"] == "<p>hi</p>" and third["to"] == ["v2@example.com"]
    assert second["kind"] == "raw" and second["to"] == ["a@example.com"] and second["cc"] == ["c@example.com"]
    assert second["bcc"] == ["hidden@example.com"]
    assert second["text"].strip() == "plain text" and second["html"].strip() == "<p>html text</p>"
    assert second["headers"]["Subject"] == "second" and second["headers"]["Message-ID"] == "<m1@example.com>"
    assert fourth["kind"] == "raw" and fourth["from"] == "sender@example.com"


def _rule(
    name: str,
    recipients: tuple[str, ...],
    *actions: dict[str, Any],
    after: str | None = None,
    enabled: bool = True,
) -> mail.ReceiptRule:
    return mail.ReceiptRule(name, "set", recipients, tuple(actions), enabled=enabled, after=after)


class _Sink:
    def __init__(self, reply: Any = None) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.sync: list[tuple[str, dict[str, Any]]] = []
        self.async_: list[tuple[str, dict[str, Any]]] = []
        self.reply = reply

    def inbound(self, rules: list[mail.ReceiptRule]) -> mail.InboundMail:
        return mail.InboundMail(rules, self.put, self.invoke, self.invoke_async, now=lambda: 1_700_000_000.25)

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self.objects[bucket, key] = data

    def invoke(self, arn: str, event: dict[str, Any]) -> Any:
        self.sync.append((arn, event))
        return self.reply

    def invoke_async(self, arn: str, event: dict[str, Any]) -> None:
        self.async_.append((arn, event))


def test_inbound_mail_runs_s3_and_lambda_actions_of_matching_rules() -> None:
    sink = _Sink()
    rules = [
        _rule(
            "store",
            ("inbox.example.com",),
            {"S3Action": {"BucketName": "mailbox", "ObjectKeyPrefix": "in/"}},
            {"LambdaAction": {"FunctionArn": "arn:aws:lambda:us-east-1:1:function:fn"}},
        ),
        _rule("other", ("elsewhere.example.org",), {"S3Action": {"BucketName": "nope"}}),
    ]
    raw = _raw("Question", to='"Help Desk" <help@inbox.example.com>', cc="x@elsewhere.test").as_bytes()
    result = sink.inbound(rules).deliver(raw)

    assert [r["rule"] for r in result.rules] == ["store"]
    key = f"in/{result.message_id}"
    assert sink.objects["mailbox", key].endswith(raw)
    arn, event = sink.async_[0]
    record = event["Records"][0]
    assert record["eventSource"] == "aws:ses" and record["eventVersion"] == "1.0"
    m, receipt = record["ses"]["mail"], record["ses"]["receipt"]
    assert m["messageId"] == result.message_id and m["source"] == "sender@example.com"
    assert m["destination"] == ["help@inbox.example.com", "x@elsewhere.test"]
    assert m["timestamp"] == "2023-11-14T22:13:20.250Z"
    assert m["commonHeaders"]["subject"] == "Question"
    assert m["commonHeaders"]["to"] == ['"Help Desk" <help@inbox.example.com>']
    assert m["commonHeaders"]["from"] == ["Sender <sender@example.com>"]
    assert {"name": "Subject", "value": "Question"} in m["headers"]
    assert receipt["recipients"] == ["help@inbox.example.com"]
    assert receipt["action"] == {"type": "Lambda", "functionArn": arn, "invocationType": "Event"}
    for verdict in ("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict", "dmarcVerdict"):
        assert receipt[verdict] == {"status": "PASS"}
    assert "content" not in record["ses"]  # the Lambda action never carries the body


def test_rule_without_recipients_takes_everything_and_stop_rule_set_stops() -> None:
    sink = _Sink(reply={"disposition": "STOP_RULE_SET"})
    rules = [
        _rule("first", (), {"LambdaAction": {"FunctionArn": "fn-a", "InvocationType": "RequestResponse"}}),
        _rule("second", (), {"S3Action": {"BucketName": "b"}}),
    ]
    result = sink.inbound(rules).deliver(_raw().as_bytes())
    assert [r["rule"] for r in result.rules] == ["first"] and sink.objects == {}
    assert result.rules[0]["actions"][0]["disposition"] == "STOP_RULE_SET"


def test_no_matching_rule_is_a_clear_error() -> None:
    sink = _Sink()
    with pytest.raises(mail.NoMatchingRule, match="nobody@nowhere.test"):
        sink.inbound([_rule("only", ("example.com",), {"S3Action": {"BucketName": "b"}})]).deliver(
            _raw(to="nobody@nowhere.test").as_bytes()
        )


def test_recipient_matching_follows_ses_rules() -> None:
    rule = _rule("r", ("exact@a.com", "b.com", ".c.com"))
    assert rule.accepts("Exact@A.com") and rule.accepts("any@b.com") and rule.accepts("x@sub.c.com")
    assert not rule.accepts("other@a.com") and not rule.accepts("x@sub.b.com") and not rule.accepts("x@c.com")


class _Res:
    def __init__(self, name: str, after: str | None = None, **rule: Any) -> None:
        self.type = "AWS::SES::ReceiptRule"
        self.properties = {
            "RuleSetName": "s",
            "Rule": {"Name": name, "Actions": [], **rule},
            **({"After": after} if after else {}),
        }


def test_rules_follow_after() -> None:
    rules = mail.receipt_rules({"B": _Res("b", "a"), "A": _Res("a", None)})
    assert [r.name for r in rules] == ["a", "b"]


def test_rules_are_disabled_unless_enabled_as_in_cloudformation() -> None:
    rules = mail.receipt_rules(
        {
            "Default": _Res("default"),
            "On": _Res("on", Enabled=True),
            "OnText": _Res("on-text", Enabled="true"),
            "Off": _Res("off", Enabled=False),
        }
    )
    assert {r.name: r.enabled for r in rules} == {
        "default": False,
        "on": True,
        "on-text": True,
        "off": False,
    }


def test_mail_a_disabled_rule_would_take_is_refused_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    sink = _Sink()
    rules = [
        _rule("sleeping", ("example.com",), {"S3Action": {"BucketName": "b"}}, enabled=False),
        _rule("awake", ("other.example",), {"S3Action": {"BucketName": "b"}}),
    ]
    with caplog.at_level("WARNING", logger="local_runtime.mail"):
        with pytest.raises(mail.NoMatchingRule, match=r"sleeping -> \['example.com'\] \(disabled\)"):
            sink.inbound(rules).deliver(_raw(to="a@example.com").as_bytes())
    assert sink.objects == {}
    warning = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warning == [
        "SES receipt rule 'sleeping' is disabled (Enabled defaults to false): not applied to a@example.com"
    ]


def test_ses_v2_raw_mail_with_a_pdf_attachment_is_shown_usefully(ses: Any) -> None:
    """SES v2 ``Content.Raw`` with a text body and PDF attachments (built two common ways)."""
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    modern = EmailMessage()
    modern["From"] = "Sender <sender@example.com>"
    modern["To"] = "Dana Doe <dana@example.com>"
    modern["Subject"] = "Your document D-0001 – ready"
    modern.set_content("Hello Dana,\nyour document is attached.\n")
    modern.add_attachment(pdf, maintype="application", subtype="pdf", filename="D-0001.pdf")
    legacy = MIMEMultipart()
    legacy["From"] = "sender@example.com"
    legacy["To"] = "lee@example.com"
    legacy["Subject"] = "Second document"
    legacy.attach(MIMEText("See attachment.", "plain", "utf-8"))
    part = MIMEApplication(pdf, _subtype="pdf")
    part.add_header("Content-Disposition", "attachment", filename="D-0002.pdf")
    legacy.attach(part)
    v2 = boto3.client("sesv2", region_name=REGION)
    for message, to in ((modern, "dana@example.com"), (legacy, "lee@example.com")):
        v2.send_email(
            FromEmailAddress="sender@example.com",
            Destination={"ToAddresses": [to]},
            Content={"Raw": {"Data": message.as_bytes()}},
        )

    second, first = mail.sent_emails(ACCOUNT, REGION)
    assert first["kind"] == "raw" and first["from"] == "sender@example.com"
    assert first["to"] == ["dana@example.com"] and first["subject"] == "Your document D-0001 – ready"
    assert first["text"] == "Hello Dana,\nyour document is attached.\n" and first["html"] is None
    assert first["attachments"] == [{"filename": "D-0001.pdf", "content_type": "application/pdf", "size": len(pdf)}]
    assert second["to"] == ["lee@example.com"] and second["text"] == "See attachment."
    assert second["attachments"] == [{"filename": "D-0002.pdf", "content_type": "application/pdf", "size": len(pdf)}]
