"""HR errors. HTTP status comes from the base class (tandem.shared.errors); ``code`` is what clients see.

Each message says what to change; ``details`` names the field (``{"field": ..., "message": ...}``) where
one field is at fault, as the edge's validation errors do.
"""

from __future__ import annotations

from tandem.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed


def _field(name: str, message: str) -> list[dict[str, str]]:
    return [{"field": name, "message": message}]


class InvalidEmployeeField(ValidationFailed):
    """One field of an employee (or of a change to one) is invalid; ``details`` names it."""

    code = "invalid_employee_field"
    message = "An employee field is invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", details=_field(field, message))
        self.field = field


class InvalidIban(InvalidEmployeeField):
    code = "invalid_iban"

    def __init__(self, message: str, field: str = "iban") -> None:
        super().__init__(field, message)


class InvalidBic(InvalidEmployeeField):
    code = "invalid_bic"

    def __init__(self, message: str, field: str = "bic") -> None:
        super().__init__(field, message)


class EmployeeNotFound(NotFound):
    code = "employee_not_found"
    message = "No employee with this id"


class ChangeBeforeHire(InvalidEmployeeField):
    """A change (or a termination) dated before the hire date: nothing of the employee exists then."""

    code = "change_before_hire"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)


class EmployeeTerminated(Conflict):
    """The employee left: nothing may change after the termination date, and they cannot leave twice."""

    code = "employee_terminated"
    message = "The employee is terminated"


class NothingToChange(ValidationFailed):
    code = "nothing_to_change"
    message = "A change must set at least one field: base_salary, position, department, working_time, ..."


class InvalidLeaveRequest(ValidationFailed):
    """Dates, half days or kind of a leave request do not make sense; ``details`` names the field."""

    code = "invalid_leave_request"
    message = "The leave request is invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", details=_field(field, message))
        self.field = field


class LeaveOverlaps(Conflict):
    """The employee already has a requested or approved leave on (part of) these days."""

    code = "leave_overlaps"
    message = "You already have leave requested or approved on these days"


class InsufficientLeaveBalance(Conflict):
    code = "insufficient_leave_balance"
    message = "Not enough paid leave left this year"


class LeaveNotFound(NotFound):
    code = "leave_request_not_found"
    message = "No leave request with this id"


class InvalidLeaveTransition(Conflict):
    """The request's status does not allow this (``details``: from, to)."""

    code = "invalid_leave_transition"
    message = "The leave request's status does not allow this change"


class NotAllowedToDecideLeave(Forbidden):
    code = "not_allowed_to_decide_leave"
    message = "Only the employee's manager or HR may approve or reject this leave, and never the employee"


class NotAllowedToCancelLeave(Forbidden):
    code = "not_allowed_to_cancel_leave"
    message = "Only the employee themself or HR may cancel this leave"


class InvalidCandidate(ValidationFailed):
    code = "invalid_candidate"
    message = "The application is invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", details=_field(field, message))
        self.field = field


class CvRefused(InvalidCandidate):
    """The CV is of a type we do not take, too large, or its bytes are not what its type says."""

    code = "cv_refused"


class CandidateNotFound(NotFound):
    code = "candidate_not_found"
    message = "No candidate with this id"


class CvNotFound(NotFound):
    """The candidate has no accepted CV: it never arrived, or it was refused and deleted."""

    code = "cv_not_found"
    message = "This candidate has no CV: it never arrived or was refused"


class CandidateAlreadyDecided(Conflict):
    """A candidate is hired or rejected once; ``details.status`` says which."""

    code = "candidate_already_decided"
    message = "The candidate was already hired or rejected"


class CandidateHasNoCv(Conflict):
    """Hiring (or rejecting) a candidate whose CV never arrived or was refused: there is no application yet."""

    code = "candidate_has_no_cv"
    message = "The candidate's CV never arrived or was refused"


class ConcurrentCandidateUpdate(Conflict):
    """Two writes to one candidate at once (a notification redelivered while HR hires); the service retries."""

    code = "concurrent_candidate_update"
    message = "The candidate was changed at the same moment; try again"


class ConcurrentEmployeeUpdate(Conflict):
    """Someone else changed the employee (or asked for their leave) at the same moment; the service retries."""

    code = "concurrent_employee_update"
    message = "The employee was changed at the same moment; try again"


class UserSubTaken(Conflict):
    """A login (``user_sub``) belongs to one employee only: GET /me must know whose record it is."""

    code = "user_sub_taken"
    message = "This login is already linked to another employee"


class NotAnEmployee(NotFound):
    """The caller's login is linked to no employee record (GET /me and the employee's own leave)."""

    code = "employee_not_found"
    message = "Your login is not linked to an employee record; ask HR to link it"
