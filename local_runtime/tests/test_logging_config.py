"""A function's LoggingConfig.LogGroup is where Lambda says it logs (context and environment), as on AWS;
without one, Lambda's default /aws/lambda/<name>."""

from __future__ import annotations

from core_helpers import copy_fixture
from local_runtime.lambda_model import FunctionSpec, LambdaContext

from local_runtime import LocalRuntime


def test_without_logging_config_the_group_is_lambdas_default() -> None:
    spec = FunctionSpec(logical_id="Fn", name="stack-Fn-1", arn="arn:fn", handler="app.handler", code_dir=None)
    assert spec.log_group_name == "/aws/lambda/stack-Fn-1"
    assert LambdaContext(spec, "req", deadline=0).log_group_name == "/aws/lambda/stack-Fn-1"


def test_a_log_group_of_its_own_reaches_the_context_and_the_environment(tmp_path) -> None:
    template = copy_fixture(tmp_path)
    text = template.read_text()
    anchor = "      CodeUri: functions/echo/\n      Handler: app.lambda_handler\n"
    assert text.count(anchor) == 1
    text = text.replace(anchor, anchor + "      LoggingConfig: {LogGroup: !Ref EchoLogGroup}\n")
    text = text.replace(
        "\nResources:\n",
        "\nResources:\n  EchoLogGroup:\n    Type: AWS::Logs::LogGroup\n"
        "    Properties: {LogGroupName: !Sub '/custom/${AWS::StackName}/echo', RetentionInDays: 7}\n",
        1,
    )
    template.write_text(text)
    with LocalRuntime(template, serve_http=False) as rt:
        spec = rt.lambdas.spec("EchoFunction")
        assert spec.log_group_name == "/custom/local/echo"
        assert rt.lambdas.environment("EchoFunction")["AWS_LAMBDA_LOG_GROUP_NAME"] == "/custom/local/echo"
        assert LambdaContext(spec, "req", deadline=0).log_group_name == "/custom/local/echo"
