"""Build the payroll service from the function's environment, lazily and in one place.

``PAYROLL_TABLE`` (the context's table); Step Functions is only called to answer a waiting run (the token
arrives with the task), so no state machine ARN is needed. Clients come from tandem.shared.aws.bootstrap's cache.
The outputs after posting, only where a function has them: ``PAYROLL_DOCUMENTS_BUCKET`` (bank files and
payslip PDFs), ``BANK_DETAILS_KEY_ID`` (the outputs function alone: opens HR's sealed accounts),
``SENDER_EMAIL``, ``PAYROLL_DEBTOR_NAME``/``_IBAN``/``_BIC`` (the company's account the wages leave from),
``EMPLOYER_NAME``/``EMPLOYER_ADDRESS`` (the payslip's header).
"""

from __future__ import annotations

import functools
import os

from tandem.payroll import saga
from tandem.payroll.adapters.dynamodb import DynamoUnitOfWork
from tandem.payroll.adapters.kms import KmsBankDetails
from tandem.payroll.adapters.pdf import DEFAULT_EMPLOYER_ADDRESS, DEFAULT_EMPLOYER_NAME, Employer
from tandem.payroll.adapters.s3 import S3PayrollDocuments
from tandem.payroll.adapters.ses import SesPayslipMailer
from tandem.payroll.adapters.stepfunctions import StepFunctionsTaskTokens
from tandem.payroll.domain.bank import DebtorAccount
from tandem.payroll.service import PayrollOutputs, PayrollService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock
from tandem.shared.saga import SagaActions

_OUTPUT_VARIABLES = (
    "PAYROLL_DOCUMENTS_BUCKET",
    "BANK_DETAILS_KEY_ID",
    "SENDER_EMAIL",
    "PAYROLL_DEBTOR_NAME",
    "PAYROLL_DEBTOR_IBAN",
    "PAYROLL_DEBTOR_BIC",
    "EMPLOYER_NAME",
    "EMPLOYER_ADDRESS",
)


def _outputs() -> PayrollOutputs:
    """Built on first use: only the functions that serve or write documents have the bucket."""
    environ = os.environ
    employer = Employer(
        environ.get("EMPLOYER_NAME") or DEFAULT_EMPLOYER_NAME,
        environ.get("EMPLOYER_ADDRESS") or DEFAULT_EMPLOYER_ADDRESS,
    )
    key_id, sender = environ.get("BANK_DETAILS_KEY_ID"), environ.get("SENDER_EMAIL")
    debtor = None
    if environ.get("PAYROLL_DEBTOR_IBAN"):
        debtor = DebtorAccount(
            environ.get("PAYROLL_DEBTOR_NAME") or employer.name,
            environ["PAYROLL_DEBTOR_IBAN"],
            environ.get("PAYROLL_DEBTOR_BIC") or "",
        )
    return PayrollOutputs(
        documents=S3PayrollDocuments(environ["PAYROLL_DOCUMENTS_BUCKET"], client("s3"), employer),
        debtor=debtor,
        bank=KmsBankDetails(key_id) if key_id else None,
        mailer=SesPayslipMailer(sender, client("sesv2")) if sender else None,
        employer_name=employer.name,
    )


@per_environment("PAYROLL_TABLE", *_OUTPUT_VARIABLES)
def services() -> PayrollService:
    """The payroll service of this function's environment, built on first use."""
    table = os.environ["PAYROLL_TABLE"]

    def unit_of_work() -> DynamoUnitOfWork:
        return DynamoUnitOfWork(table, client("dynamodb"))

    outputs = functools.cache(_outputs)
    return PayrollService(unit_of_work, Clock(), tokens=StepFunctionsTaskTokens(), outputs=outputs)


def saga_actions() -> SagaActions:
    """The run's task actions on this environment's service."""
    return saga.actions(services())
