"""A resource that cannot be resolved or created is skipped, and the console says which and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from local_runtime.provision import HANDLERS, MODEL_ONLY

from local_runtime import LocalRuntime

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Unresolvable:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Select [5, [only-one]]
  Failing:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
  Fine:
    Type: AWS::SQS::Queue
"""


def test_skipped_resources_are_reported_with_the_reason(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    with LocalRuntime(template, serve_http=False) as rt:
        resources = rt.stack.resources
        assert resources["Fine"].emulated
        assert not resources["Unresolvable"].emulated and not resources["Failing"].emulated
        assert resources["Unresolvable"].note.startswith("unresolvable properties:")
        assert resources["Failing"].note.startswith("provisioning failed: KeyError")
    err = capfd.readouterr().err
    assert "skipped Unresolvable (AWS::SQS::Queue): unresolvable properties:" in err
    assert "skipped Failing (AWS::DynamoDB::Table): provisioning failed: KeyError" in err
    assert "Fine" not in err


def test_each_type_has_one_home() -> None:
    assert not set(HANDLERS) & MODEL_ONLY
    assert all(t.startswith("AWS::") and t.count("::") == 2 for t in HANDLERS)
