"""Build the HR service from the function's environment, lazily and in one place.

``HR_TABLE`` (HrTable) and ``BANK_DETAILS_KEY_ID`` (``BankDetailsKey``: HR's functions may only encrypt
with it). Clients come from tandem.shared.aws.bootstrap's cache, looked up when used.
"""

from __future__ import annotations

import os

from tandem.hr.adapters.dynamodb import DynamoUnitOfWork
from tandem.hr.adapters.kms import KmsBankDetailsSealer
from tandem.hr.service import HrService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock


@per_environment("HR_TABLE", "BANK_DETAILS_KEY_ID")
def services() -> HrService:
    """The HR service of this function's environment, built on first use."""
    table = os.environ["HR_TABLE"]

    def unit_of_work() -> DynamoUnitOfWork:
        """A fresh unit of work (it holds per-request state: never share one)."""
        return DynamoUnitOfWork(table, client("dynamodb"))

    return HrService(unit_of_work, Clock(), seal=KmsBankDetailsSealer(os.environ.get("BANK_DETAILS_KEY_ID") or ""))
