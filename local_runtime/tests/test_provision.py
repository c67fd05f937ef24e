from __future__ import annotations

import pytest
from core_helpers import FIXTURE_TEMPLATE

from local_runtime import LocalRuntime


@pytest.fixture(scope="module")
def rt():
    runtime = LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=1000, parameters={"Stage": "prov"})
    runtime.provision()
    yield runtime
    runtime.stop()


def test_refs_and_getatts_match_cloudformation(rt: LocalRuntime) -> None:
    st = rt.stack
    q = st.resources["RecordQueue"]
    assert q.physical_id.startswith("https://sqs.") and q.physical_id.endswith(q.attributes["QueueName"])
    assert q.attributes["Arn"] == f"arn:aws:sqs:us-east-1:123456789012:{q.attributes['QueueName']}"
    assert q.attributes["QueueName"].startswith("local-RecordQueue-")
    table = st.resources["Table"]
    desc = rt.client("dynamodb").describe_table(TableName=table.physical_id)["Table"]
    assert table.attributes["StreamArn"] == desc["LatestStreamArn"]  # the real moto stream ARN
    assert desc["GlobalSecondaryIndexes"][0]["IndexName"] == "GSI1"
    ttl = rt.client("dynamodb").describe_time_to_live(TableName=table.physical_id)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "ttl"
    assert rt.physical_id("NamedTable") == "fixture-prov-named"
    assert rt.physical_id("Bus") == "fixture-prov"
    assert rt.physical_id("Flow").startswith("arn:aws:states:us-east-1:123456789012:stateMachine:")
    assert st.resources["Flow"].attributes["Name"] == rt.physical_id("Flow").rsplit(":", 1)[1]
    assert rt.physical_id("Pool").startswith("us-east-1_")
    assert rt.stack.outputs == {
        "BusName": "fixture-prov",
        "FlowArn": rt.physical_id("Flow"),
        "PoolArn": st.resources["Pool"].attributes["Arn"],
    }


def test_resources_exist_in_moto(rt: LocalRuntime) -> None:
    sqs = rt.client("sqs")
    attrs = sqs.get_queue_attributes(QueueUrl=rt.physical_id("WorkQueue"), AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "30"
    assert rt.stack.resources["DeadQueue"].attributes["Arn"] in attrs["RedrivePolicy"]
    assert rt.client("s3").head_bucket(Bucket=rt.physical_id("Bucket"))
    assert rt.client("events").describe_event_bus(Name="fixture-prov")["Name"] == "fixture-prov"
    rules = rt.client("events").list_rules(EventBusName="fixture-prov")["Rules"]
    assert len(rules) == 8  # 7 rules + the archive's managed rule
    assert rt.client("events").list_archives()["Archives"][0]["EventSourceArn"].endswith("event-bus/fixture-prov")
    fn = rt.client("lambda").get_function(FunctionName=rt.physical_id("EchoFunction"))["Configuration"]
    assert fn["Environment"]["Variables"]["BUS_NAME"] == "fixture-prov"
    assert rt.client("stepfunctions").describe_state_machine(stateMachineArn=rt.physical_id("Flow"))
    assert rt.client("scheduler").get_schedule(Name="fixture-prov-every-minute")["State"] == "ENABLED"
    # SES identity verified for both APIs
    assert "sender@fixture.example" in rt.client("ses").list_identities()["Identities"]
    v2 = rt.client("sesv2").get_email_identity(EmailIdentity="sender@fixture.example")
    assert v2["VerifiedForSendingStatus"] is True


def test_function_environment_is_resolved(rt: LocalRuntime) -> None:
    env = rt.lambdas.environment("EchoFunction")
    assert env["JOINED"] == "a|full|us-east-1"
    bus_arn = rt.stack.resources["Bus"].attributes["Arn"]
    queue_name = rt.stack.resources["RecordQueue"].attributes["QueueName"]
    assert env["SUBBED"] == f"local/{bus_arn}/{queue_name}/${{Literal}}"
    assert env["STREAM_ARN"] == rt.stack.resources["Table"].attributes["StreamArn"]
    assert env["TABLE_NAME"] == rt.physical_id("Table")
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == rt.physical_id("EchoFunction")
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["POWERTOOLS_TRACE_DISABLED"] == "true"
    assert env["_HANDLER"] == "app.lambda_handler"


def test_unknown_types_are_listed_not_emulated(rt: LocalRuntime) -> None:
    not_emulated = {r["logical_id"]: r["type"] for r in rt.summary()["not_emulated"]}
    assert not_emulated == {"Alarm": "AWS::CloudWatch::Alarm"}
    assert rt.physical_id("Alarm")  # still has an id, dependents resolve


def test_summary_lists_what_runs(rt: LocalRuntime) -> None:
    s = rt.summary()
    assert {f["logical_id"] for f in s["functions"]} == {
        "EchoFunction",
        "FailOnceFunction",
        "AlwaysFailFunction",
        "DlqFunction",
        "StreamFunction",
        "WorkFunction",
    }
    assert {t["logical_id"] for t in s["tables"]} == {"Table", "NamedTable"}
    assert {b["physical_id"] for b in s["buses"]} == {"fixture-prov"}
    assert {m["logical_id"] for m in s["stream_mappings"]} == {"StreamFunctionChanges"}
    assert {x["name"] for x in s["schedules"]} >= {"fixture-prov-every-minute"}
    rule = next(r for r in s["rules"] if r["logical_id"] == "EchoTransformRule")
    assert rule["targets"] == [rt.lambdas.spec("EchoFunction").arn] * 2
    assert len(s["state_machines"]) == 4 and len(s["queues"]) == 6


def test_sent_raw_mail_from_a_template_identity_is_listed_by_the_runtime(rt: LocalRuntime) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "sender@fixture.example", "to@example.com", "with a file"
    msg.set_content("see file")
    msg.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="f.pdf")
    rt.client("sesv2").send_email(
        FromEmailAddress="sender@fixture.example",
        Destination={"ToAddresses": ["to@example.com"]},
        Content={"Raw": {"Data": msg.as_bytes()}},
    )
    [sent] = [m for m in rt.sent_emails() if m["subject"] == "with a file"]
    assert sent["from"] == "sender@fixture.example" and sent["to"] == ["to@example.com"]
    assert sent["text"].strip() == "see file"
    assert [(a["filename"], a["content_type"]) for a in sent["attachments"]] == [("f.pdf", "application/pdf")]
