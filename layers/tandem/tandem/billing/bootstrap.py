"""Wire the billing service and its adapters from the environment, lazily and in one place.

BILLING_TABLE, DOCUMENTS_BUCKET, SENDER_EMAIL, BASE_CURRENCY (default EUR), PAYMENT_TERMS_DAYS
(default 14), SELLER_NAME / SELLER_ADDRESS / SELLER_VAT_ID / SELLER_PAYMENT_DETAILS / VAT_EXEMPTION_NOTE
(what the documents say of the seller; placeholder defaults in ``adapters.pdf``), PAYMENT_WEBHOOK_SECRET_ID
(webhook only: the Secrets Manager secret holding the signing secrets, see ``adapters.secrets``),
BUSINESS_TIME_ZONE (default Europe/Paris: the day documents are dated with).
Each function sets only what it uses. boto3 clients come from
``tandem.shared.aws.bootstrap``'s cache, on first use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tandem.billing.adapters import pdf
from tandem.billing.adapters.dynamodb import DynamoUnitOfWork
from tandem.billing.adapters.markers import DynamoMarkers
from tandem.billing.adapters.pdf import Seller
from tandem.billing.adapters.s3 import S3Documents
from tandem.billing.adapters.secrets import SecretsManagerWebhookSecrets
from tandem.billing.adapters.ses import SesMailer
from tandem.billing.domain.rules import DEFAULT_PAYMENT_TERMS_DAYS
from tandem.billing.service import BillingConfig, BillingService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock, business_zone


@dataclass(frozen=True, slots=True)
class Settings:
    """What billing reads from the environment."""

    table: str
    bucket: str
    sender: str
    seller: Seller
    config: BillingConfig
    webhook_secret_id: str

    @classmethod
    def from_environment(cls) -> Settings:
        environ = os.environ
        seller = Seller(
            name=environ.get("SELLER_NAME") or pdf.DEFAULT_SELLER_NAME,
            address=environ.get("SELLER_ADDRESS") or pdf.DEFAULT_SELLER_ADDRESS,
            vat_id=environ.get("SELLER_VAT_ID") or pdf.DEFAULT_SELLER_VAT_ID,
            payment_details=environ.get("SELLER_PAYMENT_DETAILS") or pdf.DEFAULT_PAYMENT_DETAILS,
            exemption_note=environ.get("VAT_EXEMPTION_NOTE") or pdf.DEFAULT_EXEMPTION_NOTE,
        )
        config = BillingConfig(
            base_currency=environ.get("BASE_CURRENCY") or "EUR",
            payment_terms_days=int(environ.get("PAYMENT_TERMS_DAYS") or DEFAULT_PAYMENT_TERMS_DAYS),
        )
        # Every billing function has the table; the bucket and the sender only those that use them.
        return cls(
            environ["BILLING_TABLE"],
            environ.get("DOCUMENTS_BUCKET", ""),
            environ.get("SENDER_EMAIL", ""),
            seller,
            config,
            # Unset (every function but the webhook): no secret, every signature fails (401), nothing is recorded.
            environ.get("PAYMENT_WEBHOOK_SECRET_ID", ""),
        )


class _Client:
    """A boto3 client taken from the shared cache when it is used: a function creates only the clients
    it uses (an S3 client costs ~80 ms of cold start), and always the current one (tests reset the cache
    for each fresh moto)."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(client(self._service), name)


@per_environment(
    "BILLING_TABLE",
    "DOCUMENTS_BUCKET",
    "SENDER_EMAIL",
    "SELLER_NAME",
    "SELLER_ADDRESS",
    "SELLER_VAT_ID",
    "SELLER_PAYMENT_DETAILS",
    "VAT_EXEMPTION_NOTE",
    "BASE_CURRENCY",
    "PAYMENT_TERMS_DAYS",
    "PAYMENT_WEBHOOK_SECRET_ID",
    "BUSINESS_TIME_ZONE",
)
def services() -> BillingService:
    """The billing service of this function, built on first use and kept for the container's life."""
    settings = Settings.from_environment()

    def unit_of_work() -> DynamoUnitOfWork:
        return DynamoUnitOfWork(settings.table, client("dynamodb"))

    return BillingService(
        unit_of_work,
        Clock(zone=business_zone(os.environ.get("BUSINESS_TIME_ZONE"))),
        documents=S3Documents(settings.bucket, _Client("s3"), settings.seller),
        mailer=SesMailer(settings.sender, _Client("sesv2")),
        markers=DynamoMarkers(settings.table, _Client("dynamodb")),
        config=settings.config,
        webhook_secrets=SecretsManagerWebhookSecrets(settings.webhook_secret_id, _Client("secretsmanager")),
    )
