"""Lazy wiring of the outbox relay, the sweeper and the user pool's triggers from their function's environment.

``EVENT_BUS_NAME`` (where events go), ``POISON_QUEUE_URL`` (entries that can never be
published), and for the sweeper ``OUTBOX_TABLES`` (comma-separated context tables) and
``OUTBOX_SWEEP_GRACE_SECONDS`` (how old a pending item must be; default 120); for the user pool's triggers
``SIGN_UP_GROUP`` (default ``customer``) and ``MFA_REQUIRED_GROUPS`` (comma-separated). Clients come
from ``tandem.shared.aws.bootstrap``'s cache, so tests can start moto or stub them first.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from tandem.shared.aws.bootstrap import client
from tandem.shared.aws.publisher import OutboxPublisher
from tandem.shared.aws.relay import OutboxRelay
from tandem.shared.aws.sweeper import GRACE, OutboxSweeper
from tandem.shared.aws.user_pool import UserPoolTriggers


def _poison_queue_url() -> str | None:
    return os.environ.get("POISON_QUEUE_URL") or None


def relay(logger: Any = None) -> OutboxRelay:
    """The relay: publishes stream records, deletes what it published from the record's table."""
    queue = _poison_queue_url()
    return OutboxRelay(
        os.environ["EVENT_BUS_NAME"],
        client("events"),
        poison_queue_url=queue,
        sqs_client=client("sqs") if queue else None,
        logger=logger,
        dynamodb_client=client("dynamodb"),
    )


def sweeper(logger: Any = None) -> OutboxSweeper:
    """The sweeper over every table in ``OUTBOX_TABLES``."""
    queue = _poison_queue_url()
    publisher = OutboxPublisher(
        os.environ["EVENT_BUS_NAME"],
        client("events"),
        dynamodb=client("dynamodb"),
        poison_queue_url=queue,
        sqs=client("sqs") if queue else None,
        logger=logger,
    )
    tables = [name.strip() for name in os.environ.get("OUTBOX_TABLES", "").split(",") if name.strip()]
    grace = os.environ.get("OUTBOX_SWEEP_GRACE_SECONDS")
    return OutboxSweeper(
        tables, publisher, client("dynamodb"), grace=timedelta(seconds=float(grace)) if grace else GRACE
    )


def user_pool_triggers() -> UserPoolTriggers:
    """The post-confirmation and pre-token-generation triggers of the user pool."""
    groups = [name.strip() for name in os.environ.get("MFA_REQUIRED_GROUPS", "").split(",") if name.strip()]
    return UserPoolTriggers(
        client("cognito-idp"), sign_up_group=os.environ.get("SIGN_UP_GROUP") or "customer", mfa_groups=groups
    )
