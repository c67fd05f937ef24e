"""One test per private moto seam the runtime relies on: an upgrade that moves one fails here."""

from __future__ import annotations

import inspect


def test_lambda_invoke_seams() -> None:
    from moto.awslambda.models import LambdaBackend, LambdaFunction
    from moto.awslambda_simple.models import LambdaSimpleBackend

    assert list(inspect.signature(LambdaFunction._invoke_lambda).parameters) == ["self", "event"]
    assert list(inspect.signature(LambdaFunction.invoke).parameters) == [
        "self",
        "body",
        "request_headers",
        "response_headers",
    ]
    assert "invoke" in LambdaSimpleBackend.__dict__ or LambdaSimpleBackend.invoke is not LambdaBackend.invoke


def test_botocore_stubber_dispatch_seam() -> None:
    from moto.core.botocore_stubber import BotocoreStubber

    assert list(inspect.signature(BotocoreStubber.process_request).parameters) == ["self", "request"]


def test_events_seams() -> None:
    from moto.events.models import EventPattern, EventsBackend, Rule

    assert list(inspect.signature(Rule.send_to_targets).parameters)[:2] == ["self", "original_event"]
    assert "events" in inspect.signature(EventsBackend.put_events).parameters
    assert EventPattern.load('{"source": ["a"]}').matches_event({"source": "a"})
    assert not EventPattern.load(None).get_pattern()  # a schedule-only rule: no pattern (matches all in moto)
    assert "self.state" in inspect.getsource(Rule.__init__)


def test_dynamodb_stream_seams() -> None:
    from moto.dynamodb.models.table import StreamShard
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    assert list(inspect.signature(StreamShard.add).parameters) == ["self", "old", "new"]
    assert {"get_shard_iterator", "get_records"} <= set(dir(DynamoDBStreamsBackend))
    src = inspect.getsource(StreamShard)
    assert "starting_sequence_number" in src and "self.items" in src
    from moto.dynamodb.models.table import StreamRecord

    assert '"ApproximateCreationDateTime": utcnow()' in inspect.getsource(StreamRecord.__init__)  # a datetime


def test_stepfunctions_clock_seams() -> None:
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends  # noqa: F401

    assert list(inspect.signature(WaitFunction._wait_interval).parameters) == ["self", "env", "wait_seconds"]
    assert hasattr(retrier_decl, "time")


def test_ses_identity_seam() -> None:
    from moto.ses.models import SESBackend

    assert "email_identities" in inspect.getsource(SESBackend.__init__)


def test_botocore_create_client_seam() -> None:
    import botocore.session

    create_client = getattr(botocore.session.Session.create_client, "__wrapped__", None) or (
        botocore.session.Session.create_client
    )
    assert list(inspect.signature(create_client).parameters)[:2] == ["self", "service_name"]


def test_stepfunctions_task_timeout_seams() -> None:
    """stepfunctions.install swaps ``threading``/``Thread`` of execute_state and ``Event`` of callback."""
    from moto.stepfunctions.parser.asl.component.state.exec import execute_state
    from moto.stepfunctions.parser.asl.eval.callback import callback

    src = inspect.getsource(execute_state.ExecutionState._evaluate_with_timeout)
    assert "threading.Event()" in src and "Thread(target=" in src and ".wait(timeout_seconds)" in src
    assert hasattr(execute_state, "threading") and hasattr(execute_state, "Thread")
    assert "= Event()" in inspect.getsource(callback.CallbackEndpoint.__init__)
    assert "= Event()" in inspect.getsource(callback.HeartbeatEndpoint.__init__)
    assert "wait(timeout=" in inspect.getsource(callback.CallbackEndpoint.wait)
    assert "wait(timeout=self._heartbeat_seconds)" in inspect.getsource(callback.HeartbeatEndpoint.clear_and_wait)
    assert hasattr(callback, "Event")


def test_stepfunctions_client_and_parser_seams() -> None:
    from moto.stepfunctions.parser.asl.parse import asl_parser
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor  # noqa: F401
    from moto.stepfunctions.parser.asl.utils import boto_client

    assert "boto3.client(" in inspect.getsource(boto_client.boto_client_for)
    assert hasattr(boto_client, "boto3")
    src = inspect.getsource(asl_parser)
    assert "def parse(definition: str)" in src and "return program, tree" in src


def test_stepfunctions_send_task_failure_seam() -> None:
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.responses import StepFunctionResponse

    assert "cause" in inspect.signature(StepFunctionsParserBackend.send_task_failure).parameters
    assert hasattr(StepFunctionResponse, "send_task_failure") and hasattr(StepFunctionResponse, "stepfunction_backend")


def test_events_archive_jsonpath_seam() -> None:
    import jsonpath_ng.ext
    from moto.events import utils

    assert "from jsonpath_ng.ext import parse" in inspect.getsource(utils.EventTemplateParser.parse)
    assert callable(jsonpath_ng.ext.parse)


def test_s3_notification_lambda_seam() -> None:
    from moto.s3 import notifications

    # lambda_bridge replaces it, so the original's signature is the one to hold
    assert list(inspect.signature(notifications._invoke_awslambda).parameters) == [
        "account_id",
        "event_body",
        "fn_arn",
        "region_name",
    ]
    assert "_invoke_awslambda(" in inspect.getsource(notifications.send_event)
