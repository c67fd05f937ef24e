"""Payroll's use cases: its read model of HR, salary structures, and the run from start to posting.

The run's steps are called by its state machine (``saga.py``): snapshot -> compute each batch (a Map) ->
finish -> await approval (task token) -> post; approval and rejection come over HTTP and answer the token.
Each step is idempotent: a retried task finds its work done and returns the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tandem.payroll.domain.bank import BankTransfer, DebtorAccount, PaymentOrder
from tandem.payroll.domain.commands import CreateStructure, HrFact
from tandem.payroll.domain.errors import (
    BankFileNotReady,
    InvalidBankDetails,
    InvalidEmployeeSnapshot,
    MailNotSent,
    NoSalaryStructure,
    PayrollRunNotAwaitingApproval,
    PayrollRunNotFound,
    PayrollRunTransitionRefused,
    PayslipNotFound,
    SalaryStructureNotFound,
)
from tandem.payroll.domain.events import PayslipIssued
from tandem.payroll.domain.mail import payslip_mail
from tandem.payroll.domain.model import PayrollRun, RunKind, RunStatus
from tandem.payroll.domain.payslip import FailureReason, Payslip, PayslipFailure, compute_payslip
from tandem.payroll.domain.read_model import EmployeeReadModel
from tandem.payroll.domain.rules import in_batches, totals_of, year_to_date_before
from tandem.payroll.domain.stored import RunRecord, StoredPayslip, StoredStructure
from tandem.payroll.domain.work_calendar import PayPeriod
from tandem.payroll.ports import BankDetails, PayrollDocuments, PayslipMailer, TaskTokens, UnitOfWork
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ConditionFailed, TransactionConflict
from tandem.shared.paging import Page
from tandem.shared.retry import retrying

ATTEMPTS = 4
# A batch's slips and its batch item fill one transaction (DynamoDB takes at most 100 items): one Map
# iteration = one BatchGetItem of employees, the year-to-date reads, ONE TransactWriteItems.
SLIPS_PER_TRANSACTION = 99
BATCH_SIZE = SLIPS_PER_TRANSACTION  # employees per Map iteration
APPROVAL_REJECTED = "PayrollRunRejected"  # the error SendTaskFailure gives the waiting state machine


@dataclass(frozen=True, slots=True)
class PayrollOutputs:
    """What the steps after posting need: the company's account the wages leave from, the stores and the
    mailer. Built by bootstrap only where a function uses them (the bank file alone gets ``bank``)."""

    documents: PayrollDocuments
    debtor: DebtorAccount | None = None
    bank: BankDetails | None = None
    mailer: PayslipMailer | None = None
    employer_name: str = "Tandem"


@dataclass(frozen=True, slots=True)
class IssueOutcome:
    number: int
    issued: int
    mailed: int
    not_mailed: dict[str, str]  # employee id -> why (no email address, an address SES refused)


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    number: int
    payslips: int
    failures: int
    skipped: int


class PayrollService:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        tokens: TaskTokens,
        batch_size: int = BATCH_SIZE,
        outputs: Callable[[], PayrollOutputs] | None = None,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.tokens = tokens
        self.batch_size = batch_size
        self._outputs = outputs

    @property
    def outputs(self) -> PayrollOutputs:
        if self._outputs is None:  # pragma: no cover - a function wired without the documents bucket
            raise RuntimeError("this function has no payroll documents configured")
        return self._outputs()

    # ------------------------------------------------------------ what payroll learns from HR
    def learn(self, fact: HrFact) -> bool:
        """Folds one of HR's facts into the employee's read model; False when it already knew it."""

        def attempt() -> bool:
            with self.uow() as uow:
                employee = uow.employees.get(fact.employee_id) or EmployeeReadModel(fact.employee_id)
                if not fact.applied_to(employee):
                    return False
                uow.employees.save(employee)
                uow.commit()
                return True

        return retrying(attempt, on=(ConditionFailed, TransactionConflict), attempts=ATTEMPTS, sleep=self.clock.sleep)

    # ------------------------------------------------------------ structures
    def create_structure(self, command: CreateStructure, by: str) -> StoredStructure:
        """Stores a validated structure; the first one, or one asked to be, becomes the default."""
        with self.uow() as uow:
            is_default = command.make_default or uow.structures.default_id() is None
            stored = StoredStructure(str(self.clock.new_id()), command.structure, is_default, self.clock.now(), by)
            uow.structures.add(stored)
            uow.commit()
        return stored

    def structure(self, structure_id: str) -> StoredStructure:
        with self.uow() as uow:
            stored = uow.structures.get(structure_id)
        if stored is None:
            raise SalaryStructureNotFound(details={"structure_id": structure_id[:64]})
        return stored

    def structures(self, limit: int, cursor: str | None) -> Page[StoredStructure]:
        with self.uow() as uow:
            return uow.structures.list_newest(limit=limit, cursor=cursor)

    # ------------------------------------------------------------ runs over HTTP
    def start_run(self, period_text: str, by: str, context: MessageContext) -> RunRecord:
        """A new run of the period with the default structure; its ``PayrollRunStarted`` starts the state
        machine (through the outbox: the run and the event are one transaction)."""
        period = PayPeriod.parse(period_text, self.clock.today())
        with self.uow() as uow:
            structure_id = uow.structures.default_id()
            stored = uow.structures.get(structure_id) if structure_id else None
            if stored is None:
                raise NoSalaryStructure()
            run = PayrollRun.start(str(self.clock.new_id()), period, stored.structure.currency, by, self.clock.now())
            record = RunRecord(run, stored.structure_id, 0, correlation_id=context.correlation_id)
            uow.runs.add(record)
            uow.record(run.events, context)
            uow.commit()
        return record

    def run(self, run_id: str) -> RunRecord:
        with self.uow() as uow:
            record = uow.runs.get(run_id)
        if record is None:
            raise PayrollRunNotFound(details={"run_id": run_id[:64]})
        return record

    def run_failures(self, run_id: str) -> list[PayslipFailure]:
        """The employees of the run without a slip, and why (read from its batches: no slip is loaded)."""
        self.run(run_id)
        with self.uow() as uow:
            return uow.runs.failures(run_id)

    def runs(self, limit: int, cursor: str | None) -> Page[RunRecord]:
        with self.uow() as uow:
            return uow.runs.list_newest(limit=limit, cursor=cursor)

    def payslips(self, run_id: str, limit: int, cursor: str | None) -> Page[Payslip]:
        """A run's slips; a reversal run's are the original's negated (stored once, never copied)."""
        run = self.run(run_id).run  # 404 for an unknown run, not an empty page
        with self.uow() as uow:
            if run.kind is RunKind.REVERSAL and run.reverses_run_id:
                page = uow.payslips.of_run(run.reverses_run_id, limit=limit, cursor=cursor)
                return Page([slip.negated() for slip in page.items], page.cursor)
            return uow.payslips.of_run(run_id, limit=limit, cursor=cursor)

    def reverse_run(self, run_id: str, by: str, reason: str | None, context: MessageContext) -> RunRecord:
        """A reversal run of a posted or paid run, ``calculated`` at once and started like any run (its
        ``PayrollRunStarted`` starts the state machine, which goes straight to the four-eyes approval). The
        reversal and the original (marked as being reversed, under its version) are one transaction: of two
        requests at the same moment one wins, the other re-reads and gets 409."""

        def attempt() -> RunRecord:
            with self.uow() as uow:
                original = self._load(uow, run_id, with_results=True)
                reversal = PayrollRun.reversal_of(original.run, str(self.clock.new_id()), by, self.clock.now(), reason)
                record = RunRecord(reversal, original.structure_id, 0, correlation_id=context.correlation_id,
                                   totals=reversal.totals, employee_count=len(reversal.employee_ids))  # fmt: skip
                uow.runs.add(record)
                uow.runs.save(original, label="original")
                uow.record(reversal.events, context)
                uow.commit()
            return record

        return retrying(attempt, on=(ConditionFailed, TransactionConflict), attempts=ATTEMPTS, sleep=self.clock.sleep)

    def approve(self, run_id: str, by: str, context: MessageContext) -> RunRecord:
        """Four eyes (403 ``four_eyes_required`` for the starter), then the waiting state machine goes on."""
        record = self._decide(run_id, lambda run: run.approve(by, self.clock.now()), context)
        assert record.task_token is not None  # _decide refuses a run that is not waiting yet
        self.tokens.succeed(record.task_token, {"run_id": run_id, "approved_by": by})
        return record

    def reject(self, run_id: str, by: str, reason: str, context: MessageContext) -> RunRecord:
        """Ends the run; the state machine discards its slips, which frees its employees for a new run. A
        rejected reversal leaves its original as it was (no longer being reversed), in the same transaction."""
        record = self._decide(run_id, lambda run: run.reject(by, reason, self.clock.now()), context, original=True)
        assert record.task_token is not None
        self.tokens.fail(record.task_token, APPROVAL_REJECTED, f"rejected by {by}"[:256])
        return record

    def _decide(self, run_id: str, decide: Callable[[PayrollRun], bool], context: MessageContext, *,
                original: bool = False) -> RunRecord:  # fmt: skip
        """``original``: a decided reversal run also lets go of its original (a rejection)."""
        with self.uow() as uow:
            record = uow.runs.get(run_id)
            if record is None:
                raise PayrollRunNotFound(details={"run_id": run_id[:64]})
            if record.task_token is None and record.run.status is RunStatus.CALCULATED:
                raise PayrollRunNotAwaitingApproval(details={"run_id": run_id})
            if decide(record.run):
                uow.runs.save(record)
                reversed_run = self._original_of(uow, record) if original else None
                if reversed_run is not None and reversed_run.run.drop_reversal(run_id):
                    uow.runs.save(reversed_run, label="original")
                uow.record(record.run.events, context)
                uow.commit()
        return record

    def _original_of(self, uow: UnitOfWork, record: RunRecord) -> RunRecord | None:
        run = record.run
        if run.kind is not RunKind.REVERSAL or run.reverses_run_id is None:
            return None
        return self._load(uow, run.reverses_run_id)

    def mark_paid(self, run_id: str, context: MessageContext) -> RunRecord:
        """The bank paid the wages: ``PayrollRunPaid`` (Dr net wages payable / Cr bank). Only after posting."""
        with self.uow() as uow:
            record = uow.runs.get(run_id, with_results=True)
            if record is None:
                raise PayrollRunNotFound(details={"run_id": run_id[:64]})
            if record.run.mark_paid(self.clock.now()):
                uow.runs.save(record)
                uow.record(record.run.events, context)
                uow.commit()
        return record

    def my_payslips(self, sub: str, limit: int, cursor: str | None) -> Page[StoredPayslip]:
        """The caller's own slips, matched by the token's sub to the employee HR linked it to."""
        with self.uow() as uow:
            employee = uow.employees.by_user_sub(sub)
            if employee is None:
                raise PayslipNotFound(details={"reason": "no employee is linked to this login"})
            return uow.payslips.of_employee(employee.employee_id, limit=limit, cursor=cursor)

    # ------------------------------------------------------------ the state machine's steps
    def _load(self, uow: UnitOfWork, run_id: str, *, with_results: bool = False, with_slips: bool = True) -> RunRecord:
        record = uow.runs.get(run_id, with_results=with_results, with_slips=with_slips)
        if record is None:
            raise PayrollRunNotFound(details={"run_id": run_id[:64]})
        return record

    def snapshot(self, run_id: str) -> list[int]:
        """The employees active in the period without a slip for it, in batches; the batch numbers for the
        Map. A retried snapshot returns the batches it made."""
        with self.uow() as uow:
            record = self._load(uow, run_id)
            run = record.run
            if run.status is not RunStatus.STARTED:
                return list(range(1, record.batch_count + 1))
            active = [e.employee_id for e in uow.employees.employments() if e.is_active_in(run.period)]
            held = uow.payslips.held(active, run.period)
            run.take_snapshot(active, {eid for eid, holder in held.items() if holder != run_id})
            ids = list(run.employee_ids)
            batches = in_batches(ids, self.batch_size)
            uow.runs.put_batches(run_id, batches)
            record.batch_count = len(batches)
            uow.runs.save(record)
            uow.commit()
        return list(range(1, len(batches) + 1))

    def compute_batch(self, run_id: str, number: int) -> BatchOutcome:
        """One Map iteration: each employee's slip or failure, the slips written in transactions of
        ``SLIPS_PER_TRANSACTION``, the batch's failures and totals with the last. An employee another run
        paid meanwhile is skipped. No ``PayslipIssued`` here: a computed slip is issued only once the run is
        approved (a rejected run's slips are discarded, never issued)."""
        with self.uow() as uow:
            record = self._load(uow, run_id)
            ids, done = uow.runs.batch(run_id, number)
            if done:
                return BatchOutcome(number, 0, 0, 0)
            structure = uow.structures.get(record.structure_id)
            if structure is None:
                raise SalaryStructureNotFound(details={"structure_id": record.structure_id})
            employees = {e.employee_id: e for e in uow.employees.many(ids)}
            before = uow.payslips.year_before(ids, record.run.period)
        slips: list[Payslip] = []
        failures: list[PayslipFailure] = []
        for eid in ids:
            result = self._compute(record, structure, employees.get(eid), eid, before.get(eid, []))
            (slips if isinstance(result, Payslip) else failures).append(result)  # type: ignore[arg-type]
        skipped = self._store_slips(record, slips, failures, number)
        return BatchOutcome(number, len(slips) - len(skipped), len(failures), len(skipped))

    @staticmethod
    def _compute(record: RunRecord, stored: StoredStructure, employee: EmployeeReadModel | None, eid: str,
                 earlier: list[Payslip]) -> Payslip | PayslipFailure:  # fmt: skip
        try:
            snapshot = employee.snapshot() if employee else None
        except InvalidEmployeeSnapshot as invalid:  # listed with the reason; the batch's others are paid
            details = invalid.details if isinstance(invalid.details, dict) else {}
            problem = f" ({details.get('field')}: {details.get('problem')})" if details.get("field") else ""
            return PayslipFailure(eid, FailureReason.INVALID_EMPLOYEE_DATA, f"{invalid.message}{problem}"[:200])
        if snapshot is None:
            return PayslipFailure(eid, FailureReason.INVALID_EMPLOYEE_DATA, "payroll has no record of this employee")
        return compute_payslip(stored.structure, snapshot, record.run.period, year_to_date_before(earlier))

    def _store_slips(self, record: RunRecord, slips: list[Payslip], failures: list[PayslipFailure],
                     number: int) -> list[str]:  # fmt: skip
        """Writes the slips chunk by chunk; an employee whose slip another run holds is dropped from its chunk
        and the chunk written again. Returns those employees (skipped: the other run pays them). The last
        chunk marks the batch done with its failures and the totals of the slips written, which ``finish``
        adds up instead of reading every slip."""
        run_id = record.run.run_id
        skipped: list[str] = []
        chunks = [slips[i : i + SLIPS_PER_TRANSACTION] for i in range(0, len(slips), SLIPS_PER_TRANSACTION)] or [[]]
        for index, chunk in enumerate(chunks):
            pending = list(chunk)
            while True:
                try:
                    with self.uow() as uow:
                        for slip in pending:
                            uow.payslips.add(run_id, slip)
                        if index == len(chunks) - 1:
                            lost = set(skipped)
                            written = totals_of(slip for slip in slips if slip.employee_id not in lost)
                            uow.runs.record_batch(run_id, number, failures, skipped, written)
                        uow.commit()
                    break
                except ConditionFailed as failed:
                    if not failed.label.startswith("slip:"):
                        raise
                    taken = failed.label.removeprefix("slip:")
                    skipped.append(taken)
                    pending = [slip for slip in pending if slip.employee_id != taken]
        return skipped

    def fail_batch(self, run_id: str, number: int, cause: str) -> BatchOutcome:
        """A batch whose Lambda kept failing: every employee of it without a slip is listed with the cause, so
        the run still reaches ``calculated`` and the others are paid."""
        with self.uow() as uow:
            record = self._load(uow, run_id)
            ids, done = uow.runs.batch(run_id, number)
            if done:
                return BatchOutcome(number, 0, 0, 0)
            kept = uow.payslips.held_by(run_id, ids, record.run.period)  # written before the batch failed
        with_slip = {slip.employee_id for slip in kept}
        missing = [eid for eid in ids if eid not in with_slip]
        failures = [PayslipFailure(e, FailureReason.INVALID_EMPLOYEE_DATA, f"batch failed: {cause}"[:200])
                    for e in missing]  # fmt: skip
        with self.uow() as uow:
            uow.runs.record_batch(run_id, number, failures, [], totals_of(kept))
            uow.commit()
        return BatchOutcome(number, len(ids) - len(missing), len(failures), 0)

    def finish(self, run_id: str) -> RunRecord:
        """Every employee has a slip or a failure: ``calculated`` with the totals, ``PayrollRunCalculated``.
        The totals are the batches' (each stored with its slips): no slip is read."""
        with self.uow() as uow:
            record = self._load(uow, run_id, with_results=True, with_slips=False)
            run = record.run
            if run.status is RunStatus.CALCULATING and record.paid_elsewhere:
                # another run took them between the snapshot and the batch: skipped, like the snapshot's
                lost = set(record.paid_elsewhere)
                run.employee_ids = tuple(e for e in run.employee_ids if e not in lost)
                run.skipped_employee_ids = (*run.skipped_employee_ids, *record.paid_elsewhere)
            if run.finish_calculation(record.batch_totals):
                record.totals, record.failure_count = record.batch_totals, len(run.failures)
                uow.runs.save(record)
                uow.record(run.events, self._saga_context(record))
                uow.commit()
        return record

    def await_approval(self, run_id: str, task_token: str) -> RunRecord:
        """Keeps the WaitForApproval task's token on the run, for ``approve``/``reject`` to answer."""

        def attempt() -> RunRecord:
            with self.uow() as uow:
                record = self._load(uow, run_id)
                if record.task_token != task_token:
                    record.task_token = task_token
                    uow.runs.save(record)
                    uow.commit()
                return record

        return retrying(attempt, on=(ConditionFailed, TransactionConflict), attempts=ATTEMPTS, sleep=self.clock.sleep)

    def post(self, run_id: str) -> RunRecord:
        """``posted``: the accrual lines go to the ledger on ``PayrollRunPosted``, in the run's transaction.
        A reversal run: ``PayrollRunReversed``, and its original marked ``reversed`` in the same transaction;
        then the original's slips let go of the period (kept, re-keyed), so a new run can pay its employees."""
        with self.uow() as uow:
            record = self._load(uow, run_id, with_results=True)  # a reversal has none: its lines are on its header
            original = self._original_of(uow, record)
            if record.run.post():
                uow.runs.save(record)
                if original is not None and original.run.mark_reversed(run_id):
                    uow.runs.save(original, label="original")
                uow.record(record.run.events, self._saga_context(record))
                uow.commit()
            if original is not None and original.run.status is RunStatus.REVERSED:
                uow.payslips.release_run(original.run.run_id)  # a retried step finishes what is left
        return record

    def discard(self, run_id: str) -> int:
        """A rejected run's slips are deleted: its employees can be paid by a later run."""
        with self.uow() as uow:
            record = self._load(uow, run_id)
            if record.run.status is not RunStatus.REJECTED:
                return 0
            return uow.payslips.discard_run(run_id)

    # ------------------------------------------------------------ the outputs after posting
    def _posted(self, uow: UnitOfWork, run_id: str) -> RunRecord:
        record = self._load(uow, run_id)
        if record.run.status not in (RunStatus.POSTED, RunStatus.PAID):
            raise PayrollRunTransitionRefused(
                details={"run_id": run_id, "status": record.run.status.value, "wanted": "outputs"}
            )
        return record

    def write_bank_file(self, run_id: str) -> RunRecord:
        """The run's SEPA ``pain.001.001.03``: one transfer per employee with a net above 0, ``CtrlSum`` = Σ net,
        validated, stored at a fixed key and recorded on the run. A retry finds the key recorded and returns."""
        outputs = self.outputs
        assert outputs.bank is not None and outputs.debtor is not None
        with self.uow() as uow:
            record = self._posted(uow, run_id)
            if record.bank_file_key:
                return record
            slips = uow.payslips.all_of_run(run_id)
            employees = {e.employee_id: e for e in uow.employees.many([s.employee_id for s in slips])}
        run = record.run
        transfers = []
        for slip in sorted(slips, key=lambda s: s.employee_id):
            employee = employees.get(slip.employee_id)
            if slip.net <= 0:
                continue  # nothing to pay (PaymentOrder would leave it out too): no need to open the account
            if employee is None or not employee.bank_account_sealed:
                raise InvalidBankDetails(
                    f"employee {slip.employee_id} has no bank account: ask HR to enter one, then rerun the step",
                    details={"field": "bank_account", "employee_id": slip.employee_id},
                )
            iban, bic = outputs.bank.open(slip.employee_id, employee.bank_account_sealed)
            transfers.append(
                BankTransfer(slip.employee_id, employee.name, iban, bic, slip.net, f"Salary {run.period}",
                             end_to_end_id=slip.employee_id.replace("-", "")[:35])
            )  # fmt: skip
        if not transfers:
            return record  # nothing to pay (everyone skipped, or every net 0): no file; GET says so (409)
        execution = max(run.period.last_day, self.clock.today())
        order = PaymentOrder.of(outputs.debtor, execution, run_id.replace("-", "")[:35], run.currency, transfers)
        key = outputs.documents.write_bank_file(run_id, order, self.clock.now())

        def record_key() -> RunRecord:
            with self.uow() as uow:
                fresh = self._load(uow, run_id)
                if fresh.bank_file_key != key:
                    fresh.bank_file_key = key
                    uow.runs.save(fresh)
                    uow.commit()
                return fresh

        return retrying(record_key, on=(ConditionFailed, TransactionConflict), attempts=ATTEMPTS,
                        sleep=self.clock.sleep)  # fmt: skip

    def bank_file(self, run_id: str) -> bytes:
        """The stored bank file; ``BankFileNotReady`` (409) until the step wrote it."""
        record = self.run(run_id)
        document = self.outputs.documents.read(record.bank_file_key) if record.bank_file_key else None
        if document is None:
            nothing_to_pay = record.totals is not None and record.totals.net <= 0
            raise BankFileNotReady(
                "The run pays nobody: it has no bank file" if nothing_to_pay else None,
                details={"run_id": run_id, "status": record.run.status.value, "nothing_to_pay": nothing_to_pay},
            )
        return document

    def issue_payslips(self, run_id: str, number: int) -> IssueOutcome:
        """One batch of the posted run: each slip's PDF stored, the slip marked issued with its
        ``PayslipIssued`` (one transaction per ``SLIPS_PER_TRANSACTION``), then one mail per employee, each
        claimed on its slip before it is sent so a retried step never mails anyone twice."""
        with self.uow() as uow:
            record = self._posted(uow, run_id)
            ids, _ = uow.runs.batch(run_id, number)
            slips = uow.payslips.of_batch(run_id, ids, record.run.period)
            employees = {e.employee_id: e for e in uow.employees.many(ids)}
        names = {eid: e.name for eid, e in employees.items()}
        rendered = self._issue(record, [s for s in slips if s.issued_at is None], names)
        not_mailed: dict[str, str] = {}
        mailed = 0
        for stored in slips:
            if stored.mail is not None:
                continue  # sent, refused or being sent by an earlier attempt: never twice
            employee = employees.get(stored.slip.employee_id)
            outcome = self._mail(stored, employee.name if employee else "", employee.email if employee else "",
                                 rendered)  # fmt: skip
            if outcome == "sent":
                mailed += 1
            elif outcome is not None:
                not_mailed[stored.slip.employee_id] = outcome
        return IssueOutcome(number, len(rendered), mailed, not_mailed)

    def _issue(self, record: RunRecord, pending: list[StoredPayslip], names: dict[str, str]) -> dict[str, bytes]:
        """Stores each PDF, then marks its slip issued with ``PayslipIssued`` in the same transaction."""
        run_id, context = record.run.run_id, self._saga_context(record)
        rendered: dict[str, bytes] = {}
        for start in range(0, len(pending), SLIPS_PER_TRANSACTION):
            chunk = pending[start : start + SLIPS_PER_TRANSACTION]
            keys: dict[str, str] = {}
            for stored in chunk:
                eid = stored.slip.employee_id
                keys[eid], rendered[eid] = self.outputs.documents.write_payslip(run_id, stored.slip, names.get(eid, ""))
            while chunk:
                try:
                    with self.uow() as uow:
                        now = self.clock.now()
                        for stored in chunk:
                            uow.payslips.mark_issued(stored, keys[stored.slip.employee_id], now)
                        uow.record([_issued_after_posting(run_id, stored.slip) for stored in chunk], context)
                        uow.commit()
                    break
                except ConditionFailed as failed:  # another attempt issued that one: drop it, write the rest
                    if not failed.label.startswith("issued:"):
                        raise
                    taken = failed.label.removeprefix("issued:")
                    chunk = [s for s in chunk if s.slip.employee_id != taken]
        return rendered

    def _mail(self, stored: StoredPayslip, name: str, email: str, rendered: dict[str, bytes]) -> str | None:
        """Claim, then send: ``sent``, why not, or None when another attempt holds the claim."""
        outputs = self.outputs
        assert outputs.mailer is not None
        try:
            with self.uow() as uow:
                uow.payslips.claim_mail(stored)
                uow.commit()
        except ConditionFailed:
            return None
        outcome = "sent"
        try:
            if not email:
                raise MailNotSent("no email address")
            pdf = rendered.get(stored.slip.employee_id)
            if pdf is None and stored.pdf_key:
                pdf = outputs.documents.read(stored.pdf_key)
            if pdf is None:
                raise MailNotSent("the payslip PDF is missing")
            outputs.mailer.send(payslip_mail(stored.slip, employee_name=name, email=email,
                                             employer_name=outputs.employer_name, pdf=pdf))  # fmt: skip
        except MailNotSent as refused:
            outcome = str(refused)
        except Exception:
            self._record_mail(stored, None)  # SES unavailable: released, so the retried step sends it
            raise
        self._record_mail(stored, outcome)
        return outcome

    def _record_mail(self, stored: StoredPayslip, outcome: str | None) -> None:
        with self.uow() as uow:
            uow.payslips.record_mail(stored, outcome)
            uow.commit()

    def payslip_pdf(self, run_id: str, employee_id: str) -> bytes:
        """A run's payslip PDF (payroll): 404 for an unknown run, or a slip not issued (yet)."""
        self.run(run_id)
        from_store = self.outputs.documents.read_payslip(run_id, employee_id)
        if from_store is None:
            raise PayslipNotFound(details={"run_id": run_id, "employee_id": employee_id[:64]})
        return from_store

    def my_payslip_pdf(self, sub: str, run_id: str) -> bytes:
        """The caller's own slip of run ``run_id``: the key is built from the employee linked to the login, so
        another employee's slip is never reachable (404, as for a run without a slip of theirs)."""
        with self.uow() as uow:
            employee = uow.employees.by_user_sub(sub)
        if employee is None:
            raise PayslipNotFound(details={"reason": "no employee is linked to this login"})
        from_store = self.outputs.documents.read_payslip(run_id, employee.employee_id)
        if from_store is None:
            raise PayslipNotFound(details={"id": run_id[:64]})
        return from_store

    @staticmethod
    def _saga_context(record: RunRecord) -> MessageContext:
        correlation = record.correlation_id or record.run.run_id
        return MessageContext(correlation_id=correlation, causation_id=f"payroll-run:{record.run.run_id}"[:128])


def _issued_after_posting(run_id: str, slip: Payslip) -> PayslipIssued:
    """The slip's ``PayslipIssued``, recorded when its PDF is stored after the run is posted (not at compute
    time: a rejected run's slips were never issued)."""
    return PayslipIssued(run_id, slip.employee_id, str(slip.period), slip.currency, slip.net)
