"""Wire the billing adapters from the environment, lazily and in one place.

BILLING_TABLE, DOCUMENTS_BUCKET, SENDER_EMAIL, BASE_CURRENCY (default EUR), PAYMENT_TERMS_DAYS
(default 14), SELLER_NAME / SELLER_ADDRESS (defaults in ``adapters.pdf``), PAYMENT_WEBHOOK_SECRET
(webhook only). boto3 clients come from ``tandem.shared.aws.bootstrap``'s cache.
"""

from __future__ import annotations

import os

from tandem.billing.adapters.dynamodb import DynamoBillingReader, DynamoBillingUnitOfWork
from tandem.billing.adapters.markers import DynamoMarkers
from tandem.billing.adapters.pdf import DEFAULT_SELLER_ADDRESS, DEFAULT_SELLER_NAME, Seller
from tandem.billing.adapters.s3 import S3Documents
from tandem.billing.adapters.ses import SesMailer
from tandem.billing.domain.rules import DEFAULT_PAYMENT_TERMS_DAYS
from tandem.shared.aws.bootstrap import client


def unit_of_work() -> DynamoBillingUnitOfWork:
    """A fresh unit of work on BILLING_TABLE (it holds per-request state: never share one)."""
    return DynamoBillingUnitOfWork(os.environ["BILLING_TABLE"], client("dynamodb"))


def reader() -> DynamoBillingReader:
    return DynamoBillingReader(os.environ["BILLING_TABLE"], client("dynamodb"))


def documents() -> S3Documents:
    seller = Seller(os.environ.get("SELLER_NAME") or DEFAULT_SELLER_NAME,
                    os.environ.get("SELLER_ADDRESS") or DEFAULT_SELLER_ADDRESS)
    return S3Documents(os.environ["DOCUMENTS_BUCKET"], client("s3"), seller)


def mailer() -> SesMailer:
    return SesMailer(os.environ["SENDER_EMAIL"], client("sesv2"))


def markers() -> DynamoMarkers:
    return DynamoMarkers(os.environ["BILLING_TABLE"], client("dynamodb"))


def base_currency() -> str:
    return os.environ.get("BASE_CURRENCY") or "EUR"


def payment_terms_days() -> int:
    return int(os.environ.get("PAYMENT_TERMS_DAYS") or DEFAULT_PAYMENT_TERMS_DAYS)


def webhook_secret() -> str:
    """Empty when unset: every signature then fails (401), nothing is recorded."""
    return os.environ.get("PAYMENT_WEBHOOK_SECRET", "")
