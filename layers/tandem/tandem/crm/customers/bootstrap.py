"""Wire the customers service from the environment, lazily and in one place.

``CRM_TABLE`` (shared with the leads context). The service is built once per configuration: on Lambda
that is once per container; where one process hosts several functions or stacks (the local runtime, the
tests) each environment gets its own. The DynamoDB client is taken from tandem.shared.aws.bootstrap's
cache for each unit of work, so a test that starts a fresh moto (and resets that cache) is served by a
fresh client.
"""

from __future__ import annotations

import os

from tandem.crm.customers.adapters.dynamodb import DynamoUnitOfWork
from tandem.crm.customers.service import CustomersService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock


@per_environment("CRM_TABLE")
def services() -> CustomersService:
    """The customers service of this function's environment."""
    table_name = os.environ["CRM_TABLE"]

    def unit_of_work() -> DynamoUnitOfWork:
        """A fresh unit of work (it holds per-request state: never share one)."""
        return DynamoUnitOfWork(table_name, client("dynamodb"))

    return CustomersService(unit_of_work, Clock())
