"""The payroll run's task actions (``{"action": ...}`` from ``statemachines/payroll_run.asl.json``): each
action's input model and the service step it runs. docs/hr-payroll.md has the machine's contract."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tandem.payroll.domain.errors import InvalidSagaInput
from tandem.payroll.domain.stored import RunRecord
from tandem.payroll.service import BatchOutcome, IssueOutcome, PayrollService
from tandem.shared.saga import SagaAction, SagaActions


class RunInput(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    run_id: str = Field(min_length=1, max_length=64)


class BatchInput(RunInput):
    batch: int = Field(ge=1, le=100_000)


class FailedBatchInput(BatchInput):
    cause: str = Field(default="the batch's task failed", max_length=2000)


class AwaitApprovalInput(RunInput):
    task_token: str = Field(min_length=1, max_length=8192)


def run_state(record: RunRecord) -> dict[str, object]:
    run = record.run
    return {"run_id": run.run_id, "period": str(run.period), "status": run.status.value, "kind": run.kind.value}


def batch_state(outcome: BatchOutcome) -> dict[str, object]:
    return {"batch": outcome.number, "payslips": outcome.payslips, "failures": outcome.failures,
            "skipped": outcome.skipped}  # fmt: skip


def issue_state(outcome: IssueOutcome) -> dict[str, object]:
    return {"batch": outcome.number, "issued": outcome.issued, "mailed": outcome.mailed,
            "not_mailed": [{"employee_id": e, "reason": r} for e, r in sorted(outcome.not_mailed.items())]}  # fmt: skip


def actions(service: PayrollService) -> SagaActions:
    """snapshot, compute_batch, fail_batch, finish, await_approval, post, discard; after posting
    write_bank_file and issue_payslips (in ``PayrollRunOutputsFunction``, which alone opens bank details)."""

    def snapshot(given: RunInput) -> dict[str, object]:
        return {"run_id": given.run_id, "batches": [{"batch": n} for n in service.snapshot(given.run_id)]}

    def compute_batch(given: BatchInput) -> dict[str, object]:
        return batch_state(service.compute_batch(given.run_id, given.batch))

    def fail_batch(given: FailedBatchInput) -> dict[str, object]:
        return batch_state(service.fail_batch(given.run_id, given.batch, given.cause))

    def finish(given: RunInput) -> dict[str, object]:
        return run_state(service.finish(given.run_id))

    def await_approval(given: AwaitApprovalInput) -> dict[str, object]:
        return run_state(service.await_approval(given.run_id, given.task_token))

    def post(given: RunInput) -> dict[str, object]:
        return run_state(service.post(given.run_id))

    def discard(given: RunInput) -> dict[str, object]:
        return {"run_id": given.run_id, "discarded": service.discard(given.run_id)}

    def write_bank_file(given: RunInput) -> dict[str, object]:
        record = service.write_bank_file(given.run_id)
        return {**run_state(record), "bank_file_key": record.bank_file_key}

    def issue_payslips(given: BatchInput) -> dict[str, object]:
        return issue_state(service.issue_payslips(given.run_id, given.batch))

    return SagaActions(
        {
            "snapshot": SagaAction(RunInput, snapshot),
            "compute_batch": SagaAction(BatchInput, compute_batch),
            "fail_batch": SagaAction(FailedBatchInput, fail_batch),
            "finish": SagaAction(RunInput, finish),
            "await_approval": SagaAction(AwaitApprovalInput, await_approval),
            "post": SagaAction(RunInput, post),
            "discard": SagaAction(RunInput, discard),
            "write_bank_file": SagaAction(RunInput, write_bank_file),
            "issue_payslips": SagaAction(BatchInput, issue_payslips),
        },
        invalid_input=InvalidSagaInput,
    )
