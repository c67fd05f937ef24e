"""Make moto's Lambda run the runtime's handlers (``install_moto_bridge``).

- ``LambdaFunction._invoke_lambda(event) -> (payload, errored, logs)``: every invoke path
  (boto3 invoke, Step Functions tasks, moto's SQS/SNS mappings) ends here.
- ``LambdaFunction.invoke``: ``InvocationType=Event`` becomes the host's async invocation.
- ``LambdaSimpleBackend.invoke`` (``use_docker: False``) echoes the payload instead of
  calling the function: route it to the real ``LambdaBackend.invoke``.
- ``moto.s3.notifications._invoke_awslambda(account, event, arn, region)``: moto calls the function of a
  bucket notification synchronously, inside the upload; S3 invokes asynchronously (retries, on-failure
  destination), so it becomes the host's async invocation and the upload returns at once.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from local_runtime.lambda_model import not_found_payload

if TYPE_CHECKING:  # moto is imported when the bridge is installed
    from moto.awslambda.models import LambdaFunction
    from moto.awslambda_simple.models import LambdaSimpleBackend

    from local_runtime.lambda_host import LambdaHost

_active_host: LambdaHost | None = None
_originals: dict[str, Any] = {}


def set_active_host(host: LambdaHost | None) -> None:
    global _active_host
    _active_host = host


def _known(host: LambdaHost | None, name: str) -> bool:
    if host is None:
        return False
    try:
        host.spec(name)
    except KeyError:
        return False
    return True


def install_moto_bridge() -> None:
    from moto.awslambda.models import LambdaBackend, LambdaFunction
    from moto.awslambda_simple.models import LambdaSimpleBackend

    if _originals:
        return
    _originals["_invoke_lambda"] = LambdaFunction._invoke_lambda
    _originals["invoke"] = LambdaFunction.invoke
    _originals["simple_invoke"] = LambdaSimpleBackend.invoke
    from moto.s3 import notifications as s3_notifications

    _originals["s3_invoke"] = s3_notifications._invoke_awslambda

    def _invoke_lambda(self: LambdaFunction, event: str | None = None) -> tuple[str, bool, str]:
        host = _active_host
        if host is None or not _known(host, self.function_name):
            # moto would echo the event as a success: a function nothing runs has not run.
            return json.dumps(not_found_payload(getattr(self, "function_arn", self.function_name))), True, ""
        payload: object = event
        if isinstance(event, (str, bytes)):
            try:
                payload = json.loads(event)
            except ValueError:
                pass
        result = host.invoke(self.function_name, payload)
        return json.dumps(result.payload), result.errored, result.logs

    def invoke(self: LambdaFunction, body: str, request_headers: Any, response_headers: Any) -> str | bytes:
        host = _active_host
        inv_type = request_headers.get("x-amz-invocation-type", "RequestResponse")
        if host is not None and inv_type == "Event" and _known(host, self.function_name):
            host.invoke_async(self.function_name, json.loads(body) if body else {})
            return b""
        out = _originals["invoke"](self, body, request_headers, response_headers)
        if response_headers.get("x-amz-function-error"):
            response_headers["x-amz-function-error"] = "Unhandled"
        return out

    def simple_invoke(
        self: LambdaSimpleBackend,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> str | bytes | None:
        return LambdaBackend.invoke(self, function_name, qualifier, body, headers, response_headers)

    def s3_invoke(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        host, name = _active_host, fn_arn.split(":function:")[-1].split(":")[0]
        if host is not None and _known(host, name):
            host.invoke_async(name, event_body)
            return
        _originals["s3_invoke"](account_id, event_body, fn_arn, region_name)

    s3_notifications._invoke_awslambda = s3_invoke
    LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]
    LambdaFunction.invoke = invoke  # type: ignore[method-assign]
    LambdaSimpleBackend.invoke = simple_invoke  # type: ignore[method-assign]
