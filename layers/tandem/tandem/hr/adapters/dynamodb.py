"""HR on HrTable: employees with their change history, leave requests, the approvers' queue, the outbox.

Access patterns (single table, ``HrTable``):
* employee by id:           PK=EMP#<id>, SK=EMPLOYEE (the aggregate as JSON in ``doc``, ``version``)
* its change history:       PK=EMP#<id>, SK=CHANGE#<n, 6 digits> (one item per EmployeeChanged, written
                            with it; the aggregate's ``doc`` is what is read, these are the audit trail)
* its leave requests:       PK=EMP#<id>, SK=LEAVE#<leave id> (one consistent Query: overlaps and balances)
* employees newest first:   GSI2PK=EMPLOYEE, GSI2SK=<hired_at ISO>#<id>
* employee by login:        GSI3PK=SUB#<user_sub>, GSI3SK=EMPLOYEE; the claim PK=SUB#<sub>, SK=SUB makes a
                            login belong to one employee (conditional put in the hire transaction)
* leave request by id:      GSI3PK=LEAVE#<id>, GSI3SK=LEAVE (then the item, under its version)
* the approvers' queue:     GSI2PK=LEAVE#<status>, GSI2SK=<requested_at ISO>#<id>, ``manager_id`` as
                            recorded on the request's first day (filtered for a manager's queue)
* candidate by id:          PK=CAND#<id>, SK=CANDIDATE (the application as JSON in ``doc``, ``status``, ``version``)
* candidates newest first:  GSI2PK=CANDIDATE, GSI2SK=<submitted_at ISO>#<id>
* outbox:                   PK=OUTBOX#<event id>, GSI1 (tandem.shared.aws.outbox)
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import TypeAdapter

from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.errors import ConcurrentCandidateUpdate, ConcurrentEmployeeUpdate, UserSubTaken
from tandem.hr.domain.events import EmployeeChanged, LeaveDay
from tandem.hr.domain.leave import LeaveKind, LeavePeriod, LeaveRequest, LeaveStatus
from tandem.hr.domain.model import Employee, PersonalDetails, RecordedChange, Termination
from tandem.hr.domain.records import EmployeeRecord
from tandem.hr.domain.recruitment import Application, Candidate, CandidateStatus
from tandem.shared.aws.cursor import decode_cursor, encode_cursor, newest_first_in
from tandem.shared.aws.dynamo import from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import iso
from tandem.shared.errors import ConditionFailed, TransactionConflict
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LISTING_INDEX = "GSI2"
LOOKUP_INDEX = "GSI3"
issued_employee_cursor = newest_first_in(LISTING_INDEX, "EMPLOYEE", sort_key="EMPLOYEE", id_prefix="EMP#")
issued_candidate_cursor = newest_first_in(LISTING_INDEX, "CANDIDATE", sort_key="CANDIDATE", id_prefix="CAND#")

_details = TypeAdapter(PersonalDetails)
_record = TypeAdapter(EmployeeRecord)
_changes = TypeAdapter(list[RecordedChange])
_termination: TypeAdapter[Termination | None] = TypeAdapter(Termination | None)
_period = TypeAdapter(LeavePeriod)
_days_off = TypeAdapter(tuple[LeaveDay, ...])
_application = TypeAdapter(Application)


def employee_key(employee_id: UUID) -> dict[str, str]:
    return {"PK": f"EMP#{employee_id}", "SK": "EMPLOYEE"}


def sub_claim_key(sub: str) -> dict[str, str]:
    return {"PK": f"SUB#{sub}", "SK": "SUB"}


def leave_key(employee_id: UUID, leave_id: UUID) -> dict[str, str]:
    return {"PK": f"EMP#{employee_id}", "SK": f"LEAVE#{leave_id}"}


def employee_item(employee: Employee, version: int) -> dict[str, Any]:
    hired = iso(_hired_at(employee))
    doc = {
        "details": _details.dump_python(employee.details, mode="json"),
        "hire_date": employee.hire_date.isoformat(),
        "hire_record": _record.dump_python(employee.hire_record, mode="json"),
        "bank": {"iban": employee.bank_account.iban, "bic": employee.bank_account.bic},
        "changes": _changes.dump_python(employee.changes, mode="json"),
        "termination": _termination.dump_python(employee.termination, mode="json"),
        "change_count": employee.change_count,
    }
    item: dict[str, Any] = {
        **employee_key(employee.id),
        "type": "employee",
        "id": str(employee.id),
        "name": employee.details.name,
        "doc": json.dumps(doc, separators=(",", ":")),
        "version": version,
        "GSI2PK": "EMPLOYEE",
        "GSI2SK": f"{hired}#{employee.id}",
    }
    if employee.details.user_sub:
        item |= {"GSI3PK": f"SUB#{employee.details.user_sub}", "GSI3SK": "EMPLOYEE"}
    return item


def _hired_at(employee: Employee) -> datetime:
    """The listing's order: newest hire date first (midnight UTC of it, the shape page tokens check)."""
    return datetime.combine(employee.hire_date, time(), tzinfo=UTC)


def employee_from_item(item: dict[str, Any]) -> Employee:
    doc = json.loads(item["doc"])
    employee = Employee(
        id=UUID(item["id"]),
        details=_details.validate_python(doc["details"]),
        hire_date=date.fromisoformat(doc["hire_date"]),
        hire_record=_record.validate_python(doc["hire_record"]),
        bank_account=BankAccount(doc["bank"]["iban"], doc["bank"]["bic"]),
        changes=_changes.validate_python(doc["changes"]),
        termination=_termination.validate_python(doc["termination"]),
        change_count=int(doc["change_count"]),
        version=int(item["version"]),
    )
    return employee


def change_item(employee_id: UUID, change: RecordedChange) -> dict[str, Any]:
    return {
        "PK": f"EMP#{employee_id}",
        "SK": f"CHANGE#{change.number:06d}",
        "type": "employee_change",
        "effective_date": change.effective_date.isoformat(),
        "fields": json.dumps(TypeAdapter(RecordedChange).dump_python(change, mode="json")["change"]),
        "recorded_at": iso(change.recorded_at),
    }


def leave_item(leave: LeaveRequest, version: int, manager_id: UUID | None) -> dict[str, Any]:
    requested = iso(leave.requested_at)
    return {
        **leave_key(leave.employee_id, leave.id),
        "type": "leave_request",
        "id": str(leave.id),
        "employee_id": str(leave.employee_id),
        "kind": leave.kind.value,
        "period": json.dumps(_period.dump_python(leave.period, mode="json")),
        "days_off": json.dumps(_days_off.dump_python(leave.days_off, mode="json")),
        "requested_at": requested,
        "status": leave.status.value,
        "decided_by": leave.decided_by,
        "decided_at": iso(leave.decided_at) if leave.decided_at else None,
        "note": leave.note,
        "manager_id": str(manager_id) if manager_id else None,
        "version": version,
        "GSI2PK": f"LEAVE#{leave.status.value}",
        "GSI2SK": f"{requested}#{leave.id}",
        "GSI3PK": f"LEAVE#{leave.id}",
        "GSI3SK": "LEAVE",
    }


def leave_from_item(item: dict[str, Any]) -> LeaveRequest:
    return LeaveRequest(
        id=UUID(item["id"]),
        employee_id=UUID(item["employee_id"]),
        kind=LeaveKind(item["kind"]),
        period=_period.validate_python(json.loads(item["period"])),
        days_off=_days_off.validate_python(json.loads(item["days_off"])),
        requested_at=datetime.fromisoformat(item["requested_at"]),
        status=LeaveStatus(item["status"]),
        decided_by=item.get("decided_by"),
        decided_at=datetime.fromisoformat(item["decided_at"]) if item.get("decided_at") else None,
        note=item.get("note"),
        version=int(item["version"]),
    )


def candidate_key(candidate_id: UUID) -> dict[str, str]:
    return {"PK": f"CAND#{candidate_id}", "SK": "CANDIDATE"}


def _iso_or_none(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None


def candidate_item(candidate: Candidate, version: int) -> dict[str, object]:
    doc = {
        "application": _application.dump_python(candidate.application, mode="json"),
        "cv_key": candidate.cv_key,
        "submitted_at": iso(candidate.submitted_at),
        "applied_at": _iso_or_none(candidate.applied_at),
        "cv_refusal": candidate.cv_refusal,
        "acknowledged_at": _iso_or_none(candidate.acknowledged_at),
        "employee_id": str(candidate.employee_id) if candidate.employee_id else None,
    }
    return {
        **candidate_key(candidate.id),
        "type": "candidate",
        "id": str(candidate.id),
        "status": candidate.status.value,
        "doc": json.dumps(doc, separators=(",", ":")),
        "version": version,
        "GSI2PK": "CANDIDATE",
        "GSI2SK": f"{iso(candidate.submitted_at)}#{candidate.id}",
    }


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def candidate_from_item(item: dict[str, object]) -> Candidate:
    doc = json.loads(str(item["doc"]))
    return Candidate(
        id=UUID(str(item["id"])),
        application=_application.validate_python(doc["application"]),
        cv_key=doc["cv_key"],
        submitted_at=datetime.fromisoformat(doc["submitted_at"]),
        status=CandidateStatus(str(item["status"])),
        applied_at=_moment(doc["applied_at"]),
        cv_refusal=doc["cv_refusal"],
        acknowledged_at=_moment(doc["acknowledged_at"]),
        employee_id=UUID(doc["employee_id"]) if doc["employee_id"] else None,
        version=int(str(item["version"])),
    )


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on HrTable; it owns the employee, leave and candidate repositories."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client)
        self.employees = DynamoEmployeeRepository(self)
        self.leaves = DynamoLeaveRepository(self)
        self.candidates = DynamoCandidateRepository(self)

    def commit(self) -> None:
        try:
            with storage_errors("TransactWriteItems"):
                super().commit()
        except TransactionConflict as race:
            raise ConcurrentEmployeeUpdate() from race
        except ConditionFailed as failed:
            if failed.label == "sub-claim":
                raise UserSubTaken() from failed
            if failed.label in ("employee", "leave"):
                raise ConcurrentEmployeeUpdate() from failed
            if failed.label == "candidate":
                raise ConcurrentCandidateUpdate() from failed
            raise

    def query(self, **request: Any) -> list[dict[str, Any]]:
        with storage_errors("Query"):
            response = self.client.query(TableName=self.table_name, **request)
        return [from_attributes(item) or {} for item in response.get("Items", [])]


def _version_condition(version: int) -> dict[str, Any]:
    if version == 0:
        return {"condition": "attribute_not_exists(PK)"}
    return {"condition": "version = :current", "values": {":current": version}}


class DynamoEmployeeRepository:
    """Employees: writes go into the unit of work's transaction, reads go to the table at once."""

    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def add(self, employee: Employee) -> None:
        if employee.details.user_sub:
            self.uow.put(
                {**sub_claim_key(employee.details.user_sub), "type": "sub_claim", "employee_id": str(employee.id)},
                label="sub-claim",
                condition="attribute_not_exists(PK)",
            )
        self._put(employee)

    def save(self, employee: Employee) -> None:
        self._put(employee)

    def _put(self, employee: Employee) -> None:
        self.uow.put(
            employee_item(employee, employee.version + 1), label="employee", **_version_condition(employee.version)
        )
        new = {e.change_number for e in employee.events if isinstance(e, EmployeeChanged) and e.changes is not None}
        for change in employee.changes:
            if change.number in new:
                self.uow.put(change_item(employee.id, change), label=f"change:{change.number}")
        employee.version += 1

    def bump(self, employee: Employee) -> None:
        """Claim the employee's next version without changing it (serialises their leave requests)."""
        self.uow.update(
            employee_key(employee.id),
            "SET version = :next",
            label="employee",
            condition="version = :current",
            values={":next": employee.version + 1, ":current": employee.version},
        )
        employee.version += 1

    def get(self, employee_id: UUID) -> Employee | None:
        with storage_errors("GetItem"):
            response = self.uow.client.get_item(
                TableName=self.uow.table_name, Key=to_attributes(employee_key(employee_id)), ConsistentRead=True
            )
        item = from_attributes(response.get("Item"))
        return employee_from_item(item) if item else None

    def by_user_sub(self, sub: str) -> Employee | None:
        items = self.uow.query(
            IndexName=LOOKUP_INDEX,
            KeyConditionExpression="GSI3PK = :pk AND GSI3SK = :sk",
            ExpressionAttributeValues=to_attributes({":pk": f"SUB#{sub}", ":sk": "EMPLOYEE"}),
        )
        # GSI3 holds keys only: the employee's id is in its PK (EMP#<id>)
        return self.get(UUID(items[0]["PK"].removeprefix("EMP#"))) if items else None

    def list_newest(self, limit: int, cursor: str | None) -> Page[Employee]:
        request: dict[str, Any] = {
            "IndexName": LISTING_INDEX,
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "EMPLOYEE"}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, issued_employee_cursor)
        with storage_errors("Query"):
            response = self.uow.client.query(TableName=self.uow.table_name, **request)
        employees = [employee_from_item(from_attributes(item) or {}) for item in response.get("Items", [])]
        return Page(items=employees, cursor=encode_cursor(response.get("LastEvaluatedKey")))


class DynamoLeaveRepository:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow
        self._managers: dict[UUID, UUID | None] = {}  # the manager recorded on each request read (the queue)

    def for_employee(self, employee_id: UUID) -> list[LeaveRequest]:
        items = self.uow.query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :leave)",
            ExpressionAttributeValues=to_attributes({":pk": f"EMP#{employee_id}", ":leave": "LEAVE#"}),
            ConsistentRead=True,
        )
        return sorted((leave_from_item(i) for i in items), key=lambda leave: leave.period.start)

    def get(self, leave_id: UUID) -> LeaveRequest | None:
        items = self.uow.query(
            IndexName=LOOKUP_INDEX,
            KeyConditionExpression="GSI3PK = :pk AND GSI3SK = :sk",
            ExpressionAttributeValues=to_attributes({":pk": f"LEAVE#{leave_id}", ":sk": "LEAVE"}),
        )
        if not items:
            return None
        with storage_errors("GetItem"):  # the index is eventually consistent: the item itself is the truth
            response = self.uow.client.get_item(
                TableName=self.uow.table_name,
                Key=to_attributes({"PK": items[0]["PK"], "SK": items[0]["SK"]}),  # GSI3 holds keys only
                ConsistentRead=True,
            )
        item = from_attributes(response.get("Item"))
        if not item:
            return None
        leave = leave_from_item(item)
        self._managers[leave.id] = UUID(item["manager_id"]) if item.get("manager_id") else None
        return leave

    def add(self, leave: LeaveRequest, employee: Employee) -> None:
        record = employee.record_as_of(leave.period.start) or employee.hire_record
        self.uow.employees.bump(employee)
        self.uow.put(leave_item(leave, 1, record.manager_id), label="leave", condition="attribute_not_exists(PK)")
        leave.version = 1

    def save(self, leave: LeaveRequest) -> None:
        manager = self._managers.get(leave.id)
        self.uow.put(leave_item(leave, leave.version + 1, manager), label="leave", **_version_condition(leave.version))
        leave.version += 1

    def queue(self, status: LeaveStatus, manager_id: UUID | None, limit: int) -> list[LeaveRequest]:
        request: dict[str, Any] = {
            "IndexName": LISTING_INDEX,
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": {":pk": f"LEAVE#{status.value}"},
        }
        if manager_id is not None:
            # A manager's reports are few among everyone's requests: filtered, not indexed (see docs).
            request["FilterExpression"] = "manager_id = :manager"
            request["ExpressionAttributeValues"][":manager"] = str(manager_id)
        request["ExpressionAttributeValues"] = to_attributes(request["ExpressionAttributeValues"])
        found: list[LeaveRequest] = []
        while len(found) < limit:
            with storage_errors("Query"):
                response = self.uow.client.query(TableName=self.uow.table_name, **request)
            found += [leave_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return found[:limit]


class DynamoCandidateRepository:
    """Candidates: one item each, written under its version; the listing is GSI2's CANDIDATE partition."""

    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def add(self, candidate: Candidate) -> None:
        self.save(candidate)

    def save(self, candidate: Candidate) -> None:
        self.uow.put(
            candidate_item(candidate, candidate.version + 1), label="candidate", **_version_condition(candidate.version)
        )
        candidate.version += 1

    def get(self, candidate_id: UUID) -> Candidate | None:
        with storage_errors("GetItem"):
            response = self.uow.client.get_item(
                TableName=self.uow.table_name, Key=to_attributes(candidate_key(candidate_id)), ConsistentRead=True
            )
        item = from_attributes(response.get("Item"))
        return candidate_from_item(item) if item else None

    def list_newest(self, limit: int, cursor: str | None) -> Page[Candidate]:
        request: dict[str, Any] = {
            "IndexName": LISTING_INDEX,
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI2PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "CANDIDATE"}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, issued_candidate_cursor)
        with storage_errors("Query"):
            response = self.uow.client.query(TableName=self.uow.table_name, **request)
        candidates = [candidate_from_item(from_attributes(item) or {}) for item in response.get("Items", [])]
        return Page(items=candidates, cursor=encode_cursor(response.get("LastEvaluatedKey")))
