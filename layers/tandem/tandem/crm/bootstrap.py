"""Wire the CRM adapters from the environment, lazily and in one place.

Handlers call these per invocation; boto3 clients are cached in tandem.shared.aws.bootstrap,
so the only per-call cost is a tiny wrapper object. Tests can call the service functions
with fakes instead, or run these under moto after setting the environment.
"""

from __future__ import annotations

import os

from tandem.crm.adapters.ack_quota import DynamoAcknowledgementQuota
from tandem.crm.adapters.customers import CustomerUnitOfWork, DynamoCustomerRepository
from tandem.crm.adapters.dynamodb import CrmUnitOfWork, DynamoLeadRepository
from tandem.crm.adapters.ses import SesMailer
from tandem.shared.aws.bootstrap import client


def unit_of_work() -> CrmUnitOfWork:
    """A fresh unit of work on CRM_TABLE (it holds per-request state: never share one)."""
    return CrmUnitOfWork(os.environ["CRM_TABLE"], client("dynamodb"))


def leads() -> DynamoLeadRepository:
    return DynamoLeadRepository(os.environ["CRM_TABLE"], client("dynamodb"))


def mailer() -> SesMailer:
    return SesMailer(os.environ["SENDER_EMAIL"], client("sesv2"))


def acknowledgement_quota() -> DynamoAcknowledgementQuota:
    """The per-address daily acknowledgement counter, kept in CRM_TABLE."""
    return DynamoAcknowledgementQuota(os.environ["CRM_TABLE"], client("dynamodb"))


def customers() -> DynamoCustomerRepository:
    """Customers, their timelines and order/invoice links, in CRM_TABLE."""
    return DynamoCustomerRepository(os.environ["CRM_TABLE"], client("dynamodb"))


def customer_unit_of_work() -> CustomerUnitOfWork:
    """A fresh unit of work for one commerce event's timeline writes (never share one)."""
    return CustomerUnitOfWork(os.environ["CRM_TABLE"], client("dynamodb"))
