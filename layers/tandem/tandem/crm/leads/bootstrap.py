"""Wire the leads service from the environment, lazily and in one place.

``CRM_TABLE`` (shared with the customers context); ``SENDER_EMAIL`` where acknowledgements are sent. The
service is built once per configuration: on Lambda that is once per container; where one process hosts
several functions or stacks (the local runtime, the tests) each environment gets its own. Clients come
from tandem.shared.aws.bootstrap's cache at each use, so a test that starts a fresh moto (and resets that
cache) is served by fresh clients.
"""

from __future__ import annotations

import os

from tandem.crm.leads.adapters.dynamodb import DynamoAcknowledgementQuota, DynamoUnitOfWork
from tandem.crm.leads.adapters.ses import SesMailer
from tandem.crm.leads.service import LeadsService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock


@per_environment("CRM_TABLE", "SENDER_EMAIL")
def services() -> LeadsService:
    """The leads service of this function's environment."""
    table_name, sender = os.environ["CRM_TABLE"], os.environ.get("SENDER_EMAIL", "")

    def unit_of_work() -> DynamoUnitOfWork:
        """A fresh unit of work (it holds per-request state: never share one)."""
        return DynamoUnitOfWork(table_name, client("dynamodb"))

    return LeadsService(unit_of_work, Clock(), mailer=SesMailer(sender), quota=DynamoAcknowledgementQuota(table_name))
