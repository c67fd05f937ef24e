"""Payroll errors. HTTP status comes from the base class (tandem.shared.errors); ``code`` is what clients see."""

from __future__ import annotations

from tandem.shared.errors import Conflict, Forbidden, ValidationFailed


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
