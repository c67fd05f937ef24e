"""Build the payroll service from the function's environment, lazily and in one place.

``PAYROLL_TABLE`` (the context's table); Step Functions is only called to answer a waiting run (the token
arrives with the task), so no state machine ARN is needed. Clients come from tandem.shared.aws.bootstrap's cache.
"""

from __future__ import annotations

import os

from tandem.payroll import saga
from tandem.payroll.adapters.dynamodb import DynamoUnitOfWork
from tandem.payroll.adapters.stepfunctions import StepFunctionsTaskTokens
from tandem.payroll.service import PayrollService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock
from tandem.shared.saga import SagaActions


@per_environment("PAYROLL_TABLE")
def services() -> PayrollService:
    """The payroll service of this function's environment, built on first use."""
    table = os.environ["PAYROLL_TABLE"]

    def unit_of_work() -> DynamoUnitOfWork:
        return DynamoUnitOfWork(table, client("dynamodb"))

    return PayrollService(unit_of_work, Clock(), tokens=StepFunctionsTaskTokens())


def saga_actions() -> SagaActions:
    """The run's task actions on this environment's service."""
    return saga.actions(services())
