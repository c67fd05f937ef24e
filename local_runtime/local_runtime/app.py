"""``LocalRuntime``: load, provision, run and stop a SAM application in one process.

Why one object: tests, the benchmark and the CLI all need the same lifecycle (start a
mock, provision, start pollers/schedulers, serve HTTP, stop cleanly, start again clean).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local_runtime import atomic, dynamodb_transactions, environ, eventbus, mail, stepfunctions, streams
from local_runtime import clock as clock_mod
from local_runtime.clients import Clients
from local_runtime.clock import Clock
from local_runtime.eventbus import EventDelivery
from local_runtime.http_server import HttpServer, routes_summary, serve
from local_runtime.lambda_loader import layer_root
from local_runtime.lambdas import FunctionSpec, InvocationResult, LambdaHost, install_moto_bridge, set_active_host
from local_runtime.provision import Provisioned, Provisioner
from local_runtime.s3_endpoint import S3Endpoint
from local_runtime.schedules import Scheduler
from local_runtime.shipped_imports import ShippedImports
from local_runtime.streams import StreamPollers
from local_runtime.targets import Targets
from local_runtime.template import Stack
from local_runtime.tracking import Tracker

if TYPE_CHECKING:  # moto is imported when a runtime provisions, not when this module is imported
    from moto.core.config import DefaultConfig
    from moto.core.models import MockAWS

ACCOUNT_ID = "123456789012"
MOCK_CONFIG: DefaultConfig = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    # botocore >= 1.44 sends stream calls to an account-prefixed host moto does not route.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}

log = logging.getLogger(__name__)


class LocalRuntime:
    """The whole local stack. See local_runtime/docs/python-api.md for the contract."""

    _current: LocalRuntime | None = None
    DRAIN_TIMEOUT = 2.0  # seconds stop() waits for running invocations and deliveries

    def __init__(
        self,
        template_path: str | os.PathLike[str],
        *,
        port: int = 3000,
        host: str = "127.0.0.1",
        clock_speed: float = 1.0,
        parameters: dict[str, Any] | None = None,
        start_mock: bool = True,
        serve_http: bool = True,
        stack_name: str = "local",
        region: str | None = None,
        shipped_code_only: bool = False,
        s3_port: int = 0,
    ) -> None:
        self.template_path = Path(template_path)
        # For a built artifact (``sam_build``): functions import only what ships (``shipped_imports``).
        self.shipped_code_only = shipped_code_only
        self._shipped_imports: ShippedImports | None = None
        self.port = port
        self.host = host
        self.parameters = dict(parameters or {})
        self.start_mock = start_mock
        self.serve_http = serve_http
        self.s3_port = s3_port  # S3 for browsers listens here when serve_http (0 = any free port)
        self.s3: S3Endpoint | None = None
        self.stack_name = stack_name
        self.region = region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self.account_id = ACCOUNT_ID
        self.clock = Clock(clock_speed)
        self.tracker = Tracker()
        self.summary_contributors: list[Callable[[LocalRuntime], dict[str, Any]]] = []
        self.allow_remote_tokens = False  # read by the HTTP side: /_local/token on a non-loopback bind
        self.clients = Clients(self.region)
        self.http: HttpServer | None = None
        self.stack: Stack | None = None
        self.provisioned: Provisioned | None = None
        self.lambdas: LambdaHost | None = None
        self.targets: Targets | None = None
        self.events: EventDelivery | None = None
        self.streams: StreamPollers | None = None
        self.schedules: Scheduler | None = None
        self._mock: MockAWS | None = None
        self._started = False
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ AWS clients
    def client(self, service: str) -> Any:
        """An in-process boto3 client (goes through moto while the mock is active)."""
        return self.clients(service)

    # ------------------------------------------------------------------ lifecycle
    def _prepare_process(self) -> None:
        environ.install()
        base = environ.base()
        base.update(_FAKE_ENV)
        base["AWS_DEFAULT_REGION"] = self.region
        base["AWS_REGION"] = self.region
        base.pop("AWS_PROFILE", None)
        atomic.install()
        atomic.install_client_lock()
        install_moto_bridge()
        dynamodb_transactions.install()
        eventbus.install()
        streams.install()
        stepfunctions.install()
        clock_mod.set_current(self.clock)
        # samtranslator warns about its own unpublished usage metrics on every translation
        logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)

    def provision(self) -> None:
        """Load, translate and create everything in moto (idempotent)."""
        with self._lock:
            if self.provisioned is not None:
                return
            # Patches into moto are process-wide: one live runtime per process.
            previous = LocalRuntime._current
            if previous is not None and previous is not self:
                previous.stop()
            LocalRuntime._current = self
            self._prepare_process()
            if self.serve_http and self.s3 is None:
                # Before any client exists: every S3 client (functions', provisioning's) must name this port.
                self.s3 = S3Endpoint(self.host, self.s3_port)
                self.s3.export(environ.base())
            if self.start_mock:
                from moto import mock_aws

                self._mock = mock_aws(config=MOCK_CONFIG)
                self._mock.start()
                # A new runtime starts clean even when another mock is still active
                # (mock_aws only resets for the outermost start). One runtime at a time.
                from moto.core.base_backend import BackendDict

                BackendDict.reset()
            else:
                from moto.core.models import default_user_config

                default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
                default_user_config.setdefault("lambda", {})["use_docker"] = False
            self.clients.clear()
            self.stack = Stack(
                self.template_path,
                parameters=self.parameters,
                region=self.region,
                account_id=self.account_id,
                stack_name=self.stack_name,
            )
            lambdas = self.lambdas = LambdaHost(
                region=self.region,
                account_id=self.account_id,
                clock=self.clock,
                tracker=self.tracker,
                hot_reload=not self.shipped_code_only,
            )
            targets = self.targets = Targets(self.clients, lambdas)
            lambdas.deliver = targets.deliver  # async destinations and dead-letter queues
            set_active_host(lambdas)
            provisioned = self.provisioned = Provisioner(self.stack, self.clients).run()
            for spec in provisioned.functions.values():
                lambdas.register(spec)
            if self.shipped_code_only:
                self._guard_imports(list(provisioned.functions.values()))
            self.events = EventDelivery(targets, self.tracker)
            self.streams = StreamPollers(
                provisioned.stream_mappings,
                lambdas=lambdas,
                targets=targets,
                clock=self.clock,
                account_id=self.account_id,
                region=self.region,
            )
            self.schedules = Scheduler(
                provisioned.schedules,
                targets=targets,
                clock=self.clock,
                account_id=self.account_id,
                region=self.region,
                rules=provisioned.rules,
            )

    def _guard_imports(self, specs: list[FunctionSpec]) -> None:
        code = {spec.code_dir for spec in specs if spec.code_dir is not None}
        layers = {layer for spec in specs for layer in spec.layer_dirs}
        self._shipped_imports = ShippedImports(
            roots=code | layers, search_path=[layer_root(layer) for layer in sorted(layers)] + sorted(code)
        )
        self._shipped_imports.install()

    def start(self) -> LocalRuntime:
        """Provision, start stream pollers and the schedule clock, then the HTTP server."""
        with self._lock:
            if self._started:
                return self
            self.provision()
            assert self.streams is not None and self.schedules is not None
            self.streams.start()
            self.schedules.start()
            self._started = True
            if self.serve_http:
                self.http = serve(self)
                if routes_summary not in self.summary_contributors:
                    self.summary_contributors.append(routes_summary)
            # Like provisioned concurrency: import every handler now, in the background, so the first
            # request or event does not pay for it (imports are slow; invocations wait for an import
            # already under way instead of doing it twice).
            threading.Thread(target=self._warm_handlers, name="warm-handlers", daemon=True).start()
        return self

    def _warm_handlers(self) -> None:
        lambdas = self.lambdas
        if lambdas is None:
            return
        for logical_id in list(lambdas.functions):
            try:
                lambdas.module_for(logical_id)
            except Exception as exc:  # the invocation will report it properly
                log.warning("could not pre-import %s: %s", logical_id, exc)

    def stop(self) -> None:
        """Stop HTTP, pollers, workers; stop the mock if we started it. Restartable."""
        with self._lock:
            if self.http is not None:
                try:
                    self.http.stop()
                finally:
                    self.http = None
            if self.s3 is not None:
                try:
                    self.s3.stop()
                finally:
                    self.s3 = None
            if self.schedules is not None:
                self.schedules.stop()
            if self.streams is not None:
                self.streams.stop()
            # Nothing new starts (no attempt, retry, delivery or destination); what is running
            # finishes, bounded, before the mock goes: late work must not land in the next runtime.
            if self.events is not None:
                self.events.stop()
            if self.lambdas is not None:
                self.lambdas.shutdown()
            stepfunctions.stop_executions(self.account_id, self.region)
            if not self.tracker.wait_zero(self.DRAIN_TIMEOUT):
                log.warning("local_runtime: %d invocation(s) still running at stop", self.tracker.count)
            if self.lambdas is not None:
                set_active_host(None)
            if self._mock is not None:
                self._mock.stop()
                self._mock = None
            if self._shipped_imports is not None:
                self._shipped_imports.uninstall()
                self._shipped_imports = None
            self._started = False
            self.provisioned = None
            if LocalRuntime._current is self:
                LocalRuntime._current = None
            self.clients.clear()

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ operations
    @property
    def url(self) -> str:
        return self.http.url if self.http is not None else ""

    def invoke(self, name_or_logical_id: str, event: Any) -> InvocationResult:
        """Synchronous in-process invocation (RequestResponse)."""
        self.provision()
        assert self.lambdas is not None
        return self.lambdas.invoke(name_or_logical_id, event)

    def sent_emails(self) -> list[dict[str, Any]]:
        """Mail SES (v1/v2, simple, template, raw) has accepted, newest first (as ``GET /_local/emails``)."""
        return mail.sent_emails(self.account_id, self.region)

    def physical_id(self, logical_id: str) -> Any:
        assert self.stack is not None, "provision() first"
        return self.stack.resources[logical_id].physical_id

    def _busy(self) -> bool:
        if self.tracker.count:
            return True
        if self.streams is not None and self.streams.pending():
            return True
        return stepfunctions.running_executions(self.account_id, self.region) > 0

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """True once no delivery, stream batch, async invocation or execution is in flight."""
        deadline = time.monotonic() + timeout
        quiet_since: float | None = None
        while time.monotonic() < deadline:
            if self._busy():
                quiet_since = None
            else:
                now = time.monotonic()
                if quiet_since is None:
                    quiet_since = now
                elif now - quiet_since >= 0.02:  # idle on two consecutive looks
                    return True
            time.sleep(0.005)
        return not self._busy()

    def summary(self) -> dict[str, Any]:
        """What runs locally: for the CLI banner and GET /_local/summary."""
        assert self.stack is not None and self.provisioned is not None, "provision() first"
        st, pv = self.stack, self.provisioned

        def of(rtype: str) -> list[dict[str, Any]]:
            return [
                {"logical_id": r.logical_id, "physical_id": r.physical_id, **r.attributes}
                for r in st.by_type(rtype)
                if r.emulated
            ]

        out: dict[str, Any] = {
            "stack": st.name,
            "region": st.region,
            "account_id": st.account_id,
            "functions": [
                {
                    "logical_id": f.logical_id,
                    "name": f.name,
                    "arn": f.arn,
                    "handler": f.handler,
                    "code_dir": str(f.code_dir or ""),
                }
                for f in pv.functions.values()
            ],
            "rules": [
                {
                    "logical_id": r.logical_id,
                    "name": r.name,
                    "bus": r.bus,
                    "pattern": r.pattern,
                    "schedule": r.schedule,
                    "targets": [t.get("Arn") for t in r.targets],
                }
                for r in pv.rules
            ],
            "state_machines": of("AWS::StepFunctions::StateMachine"),
            "schedules": self.schedules.list() if self.schedules is not None else [],
            "tables": of("AWS::DynamoDB::Table"),
            "queues": of("AWS::SQS::Queue"),
            "buses": of("AWS::Events::EventBus"),
            "buckets": of("AWS::S3::Bucket"),
            "s3_url": self.s3.url if self.s3 is not None else "",
            "layers": [{"arn": a, "dir": str(d)} for a, d in pv.layer_dirs.items()],
            "user_pools": of("AWS::Cognito::UserPool"),
            "stream_mappings": [
                {"logical_id": m.logical_id, "function": m.function, "stream": m.stream_arn} for m in pv.stream_mappings
            ],
            "not_emulated": [
                {"logical_id": r.logical_id, "type": r.type, "note": r.note}
                for r in st.resources.values()
                if not r.emulated
            ],
        }
        for contributor in self.summary_contributors:
            out.update(contributor(self))
        return out
