"""Build the HR services from the function's environment, lazily and in one place.

``HR_TABLE`` (HrTable) and ``BANK_DETAILS_KEY_ID`` (``BankDetailsKey``: HR's functions may only encrypt
with it); recruitment also ``HR_DOCUMENTS_BUCKET`` (the CVs) and ``SENDER_EMAIL`` (the acknowledgement).
Clients come from tandem.shared.aws.bootstrap's cache, looked up when used.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from tandem.hr.adapters.dynamodb import DynamoUnitOfWork
from tandem.hr.adapters.kms import KmsBankDetailsSealer
from tandem.hr.adapters.s3 import S3CvStore
from tandem.hr.adapters.ses import SesApplicantMailer
from tandem.hr.service import HrService, RecruitmentService
from tandem.hr.service.recruitment import CvCollaborators
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock


def _units_of_work() -> Callable[[], DynamoUnitOfWork]:
    table = os.environ["HR_TABLE"]  # read when the service is built, like every variable

    def unit_of_work() -> DynamoUnitOfWork:
        """A fresh unit of work (it holds per-request state: never share one)."""
        return DynamoUnitOfWork(table, client("dynamodb"))

    return unit_of_work


@per_environment("HR_TABLE", "BANK_DETAILS_KEY_ID")
def services() -> HrService:
    """The HR service of this function's environment, built on first use."""
    return HrService(_units_of_work(), Clock(), seal=KmsBankDetailsSealer(os.environ.get("BANK_DETAILS_KEY_ID") or ""))


@per_environment("HR_TABLE", "BANK_DETAILS_KEY_ID", "HR_DOCUMENTS_BUCKET", "SENDER_EMAIL")
def recruitment() -> RecruitmentService:
    """Recruitment of this function's environment: the public form, the CV's arrival, candidates and hiring."""
    collaborators = CvCollaborators(
        documents=S3CvStore(os.environ["HR_DOCUMENTS_BUCKET"]),
        mailer=SesApplicantMailer(os.environ.get("SENDER_EMAIL") or ""),
        seal=KmsBankDetailsSealer(os.environ.get("BANK_DETAILS_KEY_ID") or ""),
    )
    return RecruitmentService(_units_of_work(), Clock(), collaborators)
