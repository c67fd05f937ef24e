"""The support desk's use cases: ``SupportService`` is composed of one class per group (``base`` holds what
they share). Inbound mail (``mail_in``) and the agent's desk (``desk``)."""

from __future__ import annotations

from tandem.support.service.base import MailSettings
from tandem.support.service.desk import Desk, TicketThread
from tandem.support.service.mail_in import MailIn, Received


class SupportService(MailIn, Desk):
    """Every support use case; built by ``bootstrap.services()``."""


__all__ = ["MailSettings", "Received", "SupportService", "TicketThread"]
