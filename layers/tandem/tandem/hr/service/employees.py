"""HR use cases: hire, change and terminate employees; the employee's own record; leave and its approval.

Every write is one transaction (state, history and outbox); a race on an employee's version is re-read
and re-decided (``ConcurrentEmployeeUpdate``). Who sees what is ``visibility``'s, who decides leave is
``leave_rules``' — the service only loads, calls the domain and stores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar
from uuid import UUID

from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.commands import ChangeEmployee, DecideLeave, HireEmployee, RequestLeave, TerminateEmployee
from tandem.hr.domain.errors import ConcurrentEmployeeUpdate, EmployeeNotFound, LeaveNotFound, NotAnEmployee
from tandem.hr.domain.events import HrEvent
from tandem.hr.domain.leave import LeaveRequest, LeaveStatus
from tandem.hr.domain.leave_rules import LeaveBalance, check_may_cancel, check_may_decide, leave_balance, request_leave
from tandem.hr.domain.model import Employee
from tandem.hr.domain.rules import leave_queue_scope
from tandem.hr.domain.visibility import PAY_GROUPS, Caller, employee_view
from tandem.hr.ports import BankDetailsSealer, UnitOfWork
from tandem.shared.auth import Identity
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.paging import Page
from tandem.shared.retry import retrying

ATTEMPTS = 4  # a write that loses a race on the employee's version is re-read and re-decided this often
QUEUE_LIMIT = 100
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EmployeeDetails:
    """An employee as the caller may see them (``visibility.employee_view``) and, for pay viewers and the
    employee themself, this year's paid-leave balance."""

    view: dict[str, object]
    balance: LeaveBalance | None


class HrService:
    """The HR use cases; a new unit of work per call."""

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock, *, seal: BankDetailsSealer) -> None:
        self.uow = uow
        self.clock = clock
        self.seal = seal

    # ------------------------------------------------------------------ employees
    def hire_employee(self, command: HireEmployee, context: MessageContext) -> Employee:
        """A new employee and ``EmployeeHired`` (the account sealed), in one transaction."""
        account = BankAccount.of(command.iban, command.bic)
        employee = Employee.hire(
            self.clock.new_id(),
            command.details,
            command.hire_date,
            command.record,
            account,
            at=self.clock.now(),
            seal=self.seal,
        )
        with self.uow() as uow:
            uow.employees.add(employee)
            self._record(uow, employee.events, context)
            uow.commit()
        return employee

    def list_employees(self, identity: Identity, limit: int, cursor: str | None = None) -> Page[EmployeeDetails]:
        """Employees, newest hire first, each as ``identity`` (``hr``/``payroll``) may see them today."""
        with self.uow() as uow:
            page = uow.employees.list_newest(limit, cursor)
            caller = self._caller(uow, identity)
        views = [EmployeeDetails(employee_view(e, caller, self._today()), None) for e in page.items]
        return Page(items=views, cursor=page.cursor)

    def employee_details(self, employee_id: UUID, identity: Identity) -> EmployeeDetails:
        """The employee as ``identity`` may see them today, or ``EmployeeNotFound``."""
        with self.uow() as uow:
            employee = self._employee(uow, employee_id)
            caller = self._caller(uow, identity)
            view = employee_view(employee, caller, self._today())
            leaves = uow.leaves.for_employee(employee.id) if "base_salary" in view else []
        balance = leave_balance(employee, self._today().year, leaves) if "base_salary" in view else None
        return EmployeeDetails(view, balance)

    def my_record(self, identity: Identity) -> EmployeeDetails:
        """GET /me: the caller's own employee record with their balance, or ``NotAnEmployee``."""
        with self.uow() as uow:
            employee = uow.employees.by_user_sub(identity.sub)
            if employee is None:
                raise NotAnEmployee()
            caller = Caller(identity.sub, identity.groups, employee.id)
            view = employee_view(employee, caller, self._today())
            balance = leave_balance(employee, self._today().year, uow.leaves.for_employee(employee.id))
        return EmployeeDetails(view, balance)

    def change_employee(self, command: ChangeEmployee, context: MessageContext) -> Employee:
        """An effective-dated change (history kept, ``EmployeeChanged`` numbered)."""

        def attempt() -> Employee:
            with self.uow() as uow:
                employee = self._employee(uow, command.employee_id)
                employee.change(command.effective_date, command.change, at=self.clock.now())
                uow.employees.save(employee)
                self._record(uow, employee.events, context)
                uow.commit()
            return employee

        return self._retrying(attempt)

    def terminate_employee(self, command: TerminateEmployee, context: MessageContext) -> Employee:
        def attempt() -> Employee:
            with self.uow() as uow:
                employee = self._employee(uow, command.employee_id)
                employee.terminate(command.termination_date, command.reason, at=self.clock.now())
                uow.employees.save(employee)
                self._record(uow, employee.events, context)
                uow.commit()
            return employee

        return self._retrying(attempt)

    # ------------------------------------------------------------------ leave
    def request_leave(self, command: RequestLeave, identity: Identity, context: MessageContext) -> LeaveRequest:
        """The caller's own request: refused outside employment, overlapping a live one, or beyond the balance."""

        def attempt() -> LeaveRequest:
            with self.uow() as uow:
                employee = uow.employees.by_user_sub(identity.sub)
                if employee is None:
                    raise NotAnEmployee()
                existing = uow.leaves.for_employee(employee.id)
                leave = request_leave(
                    self.clock.new_id(), employee, command.kind, command.period, existing, at=self.clock.now()
                )
                uow.leaves.add(leave, employee)
                self._record(uow, leave.events, context)
                uow.commit()
            return leave

        return self._retrying(attempt)

    def my_leave_requests(self, identity: Identity) -> list[LeaveRequest]:
        with self.uow() as uow:
            employee = uow.employees.by_user_sub(identity.sub)
            if employee is None:
                raise NotAnEmployee()
            return uow.leaves.for_employee(employee.id)

    def leave_queue(self, identity: Identity, status: LeaveStatus) -> list[LeaveRequest]:
        """``hr`` sees everyone's requests; a manager (an ``employee``) their reports'; oldest first."""
        with self.uow() as uow:
            scope = leave_queue_scope(identity.groups, self._caller(uow, identity).employee_id)
            return uow.leaves.queue(status, scope.manager_id, QUEUE_LIMIT)

    def decide_leave(self, command: DecideLeave, identity: Identity, context: MessageContext) -> LeaveRequest:
        """Approve or reject: the employee's manager on the day, or ``hr``; never the employee themself."""

        def attempt() -> LeaveRequest:
            with self.uow() as uow:
                leave = uow.leaves.get(command.leave_id)
                if leave is None:
                    raise LeaveNotFound(details={"id": str(command.leave_id)})
                employee = self._employee(uow, leave.employee_id)
                check_may_decide(self._caller(uow, identity), employee, self._today())
                sub, now = identity.sub, self.clock.now()
                changed = (
                    leave.approve(sub, at=now) if command.approve else leave.reject(sub, at=now, note=command.note)
                )
                if changed:
                    uow.leaves.save(leave)
                    self._record(uow, leave.events, context)
                    uow.commit()
            return leave

        return self._retrying(attempt)

    def cancel_leave(self, leave_id: UUID, identity: Identity, context: MessageContext) -> LeaveRequest:
        """Withdraw a requested or approved leave: the employee themself or ``hr``. ``LeaveCancelled`` says
        whether it had been approved, so payroll gives back the unpaid days it subtracted."""

        def attempt() -> LeaveRequest:
            with self.uow() as uow:
                leave = uow.leaves.get(leave_id)
                if leave is None:
                    raise LeaveNotFound(details={"id": str(leave_id)})
                check_may_cancel(self._caller(uow, identity), self._employee(uow, leave.employee_id))
                if leave.cancel(identity.sub, at=self.clock.now()):
                    uow.leaves.save(leave)
                    self._record(uow, leave.events, context)
                    uow.commit()
            return leave

        return self._retrying(attempt)

    # ------------------------------------------------------------------ helpers
    def _employee(self, uow: UnitOfWork, employee_id: UUID) -> Employee:
        employee = uow.employees.get(employee_id)
        if employee is None:
            raise EmployeeNotFound(details={"id": str(employee_id)})
        return employee

    def _caller(self, uow: UnitOfWork, identity: Identity) -> Caller:
        """The token as the domain's ``Caller``; an ``employee`` login is looked up to know whose manager it is."""
        groups = identity.groups | (PAY_GROUPS if "admin" in identity.groups else frozenset())
        employee_id = None
        if "employee" in identity.groups:
            me = uow.employees.by_user_sub(identity.sub)
            employee_id = me.id if me is not None else None
        return Caller(identity.sub, frozenset(groups), employee_id)

    def _today(self) -> date:
        return self.clock.today()

    def _record(self, uow: UnitOfWork, events: list[HrEvent], context: MessageContext) -> None:
        """Outbox items for the published events (``DomainEvent``s); HR-internal facts stay in the domain."""
        moment = self.clock.now()
        for event in events:
            if isinstance(event, DomainEvent):
                uow.record(Envelope.wrap(event, context, occurred_at=moment, event_id=self.clock.new_id()))
        events.clear()

    def _retrying(self, attempt: Callable[[], T]) -> T:
        return retrying(attempt, on=(ConcurrentEmployeeUpdate,), attempts=ATTEMPTS, sleep=self.clock.sleep)
