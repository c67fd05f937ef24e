"""Build the support service from the function's environment, lazily and in one place.

``SUPPORT_TABLE``; ``INBOUND_MAIL_BUCKET`` (raw MIME as SES stores it, and the files); ``SUPPORT_ADDRESS``
(template parameter ``SupportAddress``: the mailbox, the sender of answers, the base of the plus-addressed
Reply-To and the domain of our Message-IDs); ``THREAD_SECRET_ID`` (Secrets Manager: the thread-token
secrets). The SLA's business calendar: ``BUSINESS_TIME_ZONE`` (``BusinessTimeZone``), ``SUPPORT_HOURS``
(``SupportHours``, e.g. ``mon-fri 09:00-17:00``), ``SUPPORT_HOLIDAY_COUNTRY`` and ``SUPPORT_HOLIDAY_SUBDIVISION``
(``SupportHolidayCountry``/``SupportHolidaySubdivision``: public holidays from ``holidays``; empty: none); the
policies per priority are ``sla.DEFAULT_POLICIES``. Round-robin: ``USER_POOL_ID`` (the agents are the ``support``
group's enabled members) and ``SUPPORT_AUTO_ASSIGN`` (``SupportAutoAssign``, ``false`` switches it off).
Notices: ``CSAT_LINK_BASE`` (``CsatLinkBase``) and ``SUPPORT_TEAM_LEAD_ADDRESS`` (``SupportTeamLeadAddress``).
Clients come from tandem.shared.aws.bootstrap's cache, looked up when used.
"""

from __future__ import annotations

import os

from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock, business_zone
from tandem.support.adapters.cognito import CognitoAgentRoster, NoAgents
from tandem.support.adapters.dynamodb import DynamoUnitOfWork
from tandem.support.adapters.s3 import S3MailStore
from tandem.support.adapters.secrets import SecretsManagerThreadSecrets
from tandem.support.adapters.ses import SesMailer
from tandem.support.domain.business_hours import BusinessCalendar, parse_hours
from tandem.support.domain.sla import SlaSettings
from tandem.support.ports import AgentRoster
from tandem.support.service import MailSettings, SupportService
from tandem.support.service.base import DEFAULT_CSAT_LINK_BASE, DEFAULT_TEAM_LEAD_ADDRESS

DEFAULT_SUPPORT_ADDRESS = "support@tandem.example"
DEFAULT_SUPPORT_HOURS = "mon-fri 09:00-17:00"


def sla_settings() -> SlaSettings:
    """The calendar from the environment; a wrong value fails here, at the function's first call, saying what."""
    hours = parse_hours(os.environ.get("SUPPORT_HOURS") or DEFAULT_SUPPORT_HOURS)
    zone = business_zone(os.environ.get("BUSINESS_TIME_ZONE")).key
    country = os.environ.get("SUPPORT_HOLIDAY_COUNTRY") or None
    subdivision = (os.environ.get("SUPPORT_HOLIDAY_SUBDIVISION") or None) if country else None
    return SlaSettings(calendar=BusinessCalendar(zone, hours, country, subdivision))


@per_environment(
    "SUPPORT_TABLE",
    "INBOUND_MAIL_BUCKET",
    "SUPPORT_ADDRESS",
    "THREAD_SECRET_ID",
    "BUSINESS_TIME_ZONE",
    "SUPPORT_HOURS",
    "SUPPORT_HOLIDAY_COUNTRY",
    "SUPPORT_HOLIDAY_SUBDIVISION",
    "USER_POOL_ID",
    "SUPPORT_AUTO_ASSIGN",
    "CSAT_LINK_BASE",
    "SUPPORT_TEAM_LEAD_ADDRESS",
)
def services() -> SupportService:
    """The support service of this function's environment, built on first use."""
    table = os.environ["SUPPORT_TABLE"]
    bucket = os.environ.get("INBOUND_MAIL_BUCKET") or ""
    address = os.environ.get("SUPPORT_ADDRESS") or DEFAULT_SUPPORT_ADDRESS
    secrets = SecretsManagerThreadSecrets(os.environ.get("THREAD_SECRET_ID") or "", client("secretsmanager"))

    def unit_of_work() -> DynamoUnitOfWork:
        return DynamoUnitOfWork(table, client("dynamodb"))

    return SupportService(
        unit_of_work,
        Clock(),
        store=S3MailStore(bucket),
        mailer=SesMailer(),
        mail=MailSettings(
            support_address=address,
            secrets=secrets,
            csat_link_base=os.environ.get("CSAT_LINK_BASE") or DEFAULT_CSAT_LINK_BASE,
            team_lead_address=os.environ.get("SUPPORT_TEAM_LEAD_ADDRESS") or DEFAULT_TEAM_LEAD_ADDRESS,
        ),
        sla=sla_settings(),
        agents=agent_roster(),
    )


def agent_roster() -> AgentRoster:
    """The ``support`` group of the stack's user pool; nobody when switched off or no pool is given (a
    function that opens no tickets)."""
    pool = os.environ.get("USER_POOL_ID") or ""
    if not pool or (os.environ.get("SUPPORT_AUTO_ASSIGN") or "true").strip().lower() == "false":
        return NoAgents()
    return CognitoAgentRoster(pool)
