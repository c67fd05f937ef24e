"""Walks the stack in dependency sequence and creates each resource through its service's handler."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from local_runtime.intrinsics import IntrinsicError
from local_runtime.template import Resource, Stack

from . import cognito, dynamodb, events, functions, iam, kms, messaging, model_only, secrets, ses, storage, workflows
from .records import Context, Handler, Provisioned

# Resource type -> the function that creates it in moto. One module per service family.
HANDLERS: dict[str, Handler] = {
    **iam.HANDLERS,
    **dynamodb.HANDLERS,
    **storage.HANDLERS,
    **messaging.HANDLERS,
    **ses.HANDLERS,
    **secrets.HANDLERS,
    **kms.HANDLERS,
    **cognito.HANDLERS,
    **events.HANDLERS,
    **workflows.HANDLERS,
    **functions.HANDLERS,
}


def report_skipped(res: Resource) -> None:
    """One line on stderr per resource that is not there locally, with the reason (``res.note``)."""
    sys.stderr.write(f"local_runtime: skipped {res.logical_id} ({res.type}): {res.note}\n")


class Provisioner:
    """Creates every supported resource of the translated template in moto via boto3."""

    def __init__(self, stack: Stack, client: Callable[[str], Any]) -> None:
        self.stack = stack
        self.client = client
        self.ctx = Context(stack, client)
        self.out: Provisioned = self.ctx.out

    def run(self) -> Provisioned:
        for res in self.stack.resources.values():
            self._provision(res)
        functions.wire_invoke_configs(self.ctx)
        return self.out

    def _provision(self, res: Resource) -> None:
        try:
            res.properties = self.stack.resolve(res.raw_properties)
        except (IntrinsicError, KeyError, IndexError, TypeError) as e:
            self._skip(res, f"unresolvable properties: {type(e).__name__}: {e}")
            return
        handler = HANDLERS.get(res.type)
        if handler is None:
            res.emulated = res.type in model_only.MODEL_ONLY
            res.physical_id = model_only.physical_id(self.ctx, res)
            if not res.emulated:
                res.note = "not emulated"  # listed in the summary and the start-up banner
            return
        try:
            handler(self.ctx, res, res.properties)
        except Exception as e:  # one bad resource must not stop the stack
            self._skip(res, f"provisioning failed: {type(e).__name__}: {e}")

    def _skip(self, res: Resource, note: str) -> None:
        res.emulated = False
        res.note = note
        if res.physical_id is None:
            res.physical_id = self.stack.generated_name(res.logical_id)
        report_skipped(res)
