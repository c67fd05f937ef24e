"""Payroll errors. HTTP status comes from the base class (tandem.shared.errors); ``code`` is what clients see."""

from __future__ import annotations

from tandem.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed


class InvalidSalaryStructure(ValidationFailed):
    """A structure that cannot be evaluated (``details``: component, problem)."""

    code = "invalid_salary_structure"
    message = "The salary structure is invalid"


class SalaryStructureCycle(InvalidSalaryStructure):
    """Percentage components that depend on each other in a circle (``details.cycle``: the names, in order)."""

    code = "salary_structure_cycle"
    message = "The salary structure's components depend on each other in a cycle"


class InvalidPayrollPeriod(ValidationFailed):
    """A period that is not ``YYYY-MM`` or lies beyond next month."""

    code = "invalid_payroll_period"
    message = "The payroll period is invalid"


class InvalidEmployeeSnapshot(ValidationFailed):
    """What payroll learned about an employee cannot be paid (no salary record, termination before hire)."""

    code = "invalid_employee_snapshot"
    message = "The employee's payroll data is invalid"


class PayrollRunTransitionRefused(Conflict):
    """The run's status does not allow the requested step (``details``: run, status, wanted)."""

    code = "payroll_run_transition_refused"
    message = "The payroll run's status does not allow this step"


class FourEyesRequired(Forbidden):
    """The user who started a run may not approve it: a second person checks every payroll."""

    code = "four_eyes_required"
    message = "A payroll run must be approved by a payroll user other than the one who started it"


class InvalidBankDetails(ValidationFailed):
    """An IBAN with wrong check digits, a malformed BIC, an amount a bank cannot pay (``details.field``)."""

    code = "invalid_bank_details"
    message = "The bank details are invalid"


class SalaryStructureNotFound(NotFound):
    code = "salary_structure_not_found"
    message = "No such salary structure"


class NoSalaryStructure(Conflict):
    """A run needs the default structure: create one first (``POST /payroll/structures``)."""

    code = "no_salary_structure"
    message = "There is no salary structure to compute payslips with: create one first"


class PayrollRunNotFound(NotFound):
    code = "payroll_run_not_found"
    message = "No such payroll run"


class PayrollRunNotAwaitingApproval(Conflict):
    """Approve or reject arrived before the run's state machine reached its approval step."""

    code = "payroll_run_not_awaiting_approval"
    message = "The payroll run is not waiting for approval yet: try again in a moment"


class PayslipNotFound(NotFound):
    code = "payslip_not_found"
    message = "No such payslip"


class InvalidSagaInput(ValidationFailed):
    """A payroll run task got input it cannot use (the state machine's contract is broken)."""

    code = "invalid_payroll_saga_input"
    message = "The payroll run task's input is invalid"


class BankFileNotReady(Conflict):
    """The run's bank file is written after posting: not yet (or the run was never approved)."""

    code = "bank_file_not_ready"
    message = "The run has no bank file yet: it is written once the run is approved and posted"


class PayrollOutputFailed(Exception):
    """A bank file or payslip could not be stored or sent for a reason a retry will not fix (S3 or SES
    refused it): the run's execution fails loudly (its alarm), the run stays posted, the step can be rerun."""


class MailNotSent(Exception):
    """SES (or the address check) refused one payslip mail: that employee is listed as not mailed."""
