"""Payroll's table (``PayrollTable``): the only place boto3 meets it.

Items (every item has a ``type``; documents are JSON strings with amounts as decimal strings):

- employee (payroll's read model of HR): ``EMP#<id>``/``EMP``; GSI2 ``EMPLOYEES``/id, GSI3 ``SUB#<user_sub>``;
- salary structure: ``STRUCT#<id>``/``STRUCT``; GSI2 ``STRUCTURES``/created_at#id; the default's pointer
  ``STRUCT#DEFAULT``/``POINTER``;
- run: ``RUN#<id>``/``RUN``; GSI2 ``RUNS``/started_at#id; one Map batch of it (its employees, then its
  failures and the totals of its slips): ``RUN#<id>``/``BATCH#<n:05>``; snapshot-skipped ids beyond what the
  header holds: ``RUN#<id>``/``SKIPPED#<n:05>``;
- payslip, which is the period's uniqueness item: ``SLIP#<employee>#<period>``/``SLIP``; GSI2
  ``RUNSLIPS#<run>``/employee (a run's slips), GSI3 ``EMPSLIPS#<employee>``/period#run (an employee's).

One payslip per employee per period is the slip item's KEY: its put is conditional on the key being new (or
already this run's: a retried batch), so two runs can never both pay someone, whatever their timing. A
rejected run deletes its slip items, which frees its employees for a later run. A reversed run's slips are
kept, re-keyed to ``SLIP#<employee>#<period>``/``REVERSED#<run>`` (same document, same GSI2 and GSI3 keys: the
run's and the employee's listings still show them), which frees the period's key the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tandem.payroll.adapters import documents
from tandem.payroll.domain import codec
from tandem.payroll.domain.employee import Employment
from tandem.payroll.domain.events import PayrollEvent, PayslipIssued, RunTotals, on_the_bus
from tandem.payroll.domain.payslip import Payslip, PayslipFailure
from tandem.payroll.domain.read_model import EmployeeReadModel
from tandem.payroll.domain.rules import combined
from tandem.payroll.domain.stored import RunRecord, StoredPayslip, StoredStructure
from tandem.payroll.domain.work_calendar import PayPeriod
from tandem.shared.aws.cursor import decode_cursor, encode_cursor
from tandem.shared.aws.dynamo import batch_get, from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import iso
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_GET_KEYS = 100
# A DynamoDB item or key as plain values (what ``from_attributes`` gives): JSON-shaped, so typed loosely.
Item = dict[str, Any]


class DynamoUnitOfWork(OutboxUnitOfWork):
    """Payroll's repositories over one table; ``commit`` writes state and outbox items in one transaction."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client)
        self.employees = DynamoEmployees(self)
        self.structures = DynamoStructures(self)
        self.runs = DynamoRuns(self)
        self.payslips = DynamoPayslips(self)

    def record(self, events: Iterable[PayrollEvent | PayslipIssued], context: MessageContext) -> None:  # type: ignore[override]
        for event in events:
            super().record(Envelope.wrap(on_the_bus(event), context, occurred_at=self.clock()))

    # -- reads (plain values), outside the transaction
    def get(self, key: dict[str, str]) -> Item | None:
        with storage_errors("GetItem"):
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True)
        return from_attributes(response.get("Item"))

    def many(self, keys: list[dict[str, str]]) -> list[Item]:
        found: list[Item] = []
        for start in range(0, len(keys), BATCH_GET_KEYS):
            found.extend(batch_get(self.client, self.table_name, keys[start : start + BATCH_GET_KEYS]))
        return found

    def query(self, key_condition: str, values: Item, *, index: str | None = None,
              limit: int | None = None, cursor: Item | None = None, forward: bool = True,
              projection: str | None = None) -> tuple[list[Item], Item | None]:  # fmt: skip
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": to_attributes(values),
            "ScanIndexForward": forward,
        }
        if projection:
            request["ProjectionExpression"] = projection
        if index:
            request["IndexName"] = index
        else:
            request["ConsistentRead"] = True
        if limit:
            request["Limit"] = limit
        if cursor:
            request["ExclusiveStartKey"] = cursor
        with storage_errors("Query"):
            response = self.client.query(**request)
        return [from_attributes(i) or {} for i in response.get("Items", [])], response.get("LastEvaluatedKey")

    def query_all(self, key_condition: str, values: Item, *, index: str | None = None,
                  projection: str | None = None) -> list[Item]:  # fmt: skip
        items, cursor = self.query(key_condition, values, index=index, projection=projection)
        while cursor:
            more, cursor = self.query(key_condition, values, index=index, cursor=cursor, projection=projection)
            items.extend(more)
        return items

    def page(self, index: str, partition: str, *, limit: int, token: str | None,
             forward: bool = False) -> tuple[list[Item], str | None]:  # fmt: skip
        """One page of a GSI2 listing; a token is accepted back only as this listing issued it."""

        def issued(plain: Item) -> bool:
            return set(plain) == {"PK", "SK", "GSI2PK", "GSI2SK"} and plain["GSI2PK"] == partition

        start = decode_cursor(token, issued) if token else None
        items, last = self.query("GSI2PK = :p", {":p": partition}, index=index, limit=limit, cursor=start,
                                 forward=forward)  # fmt: skip
        return items, encode_cursor(last)


def _doc(item: Item) -> Item:
    return json.loads(str(item["doc"]))


def _employment_document(employment: Employment | None) -> Item | None:
    if employment is None:
        return None
    until = employment.termination_date
    return {"from": employment.hire_date.isoformat(), "until": None if until is None else until.isoformat()}


def _employment_of(employee_id: str, doc: Item | None) -> Employment | None:
    if doc is None:
        return None
    until = doc.get("until")
    return Employment(
        employee_id, date.fromisoformat(doc["from"]), None if until is None else date.fromisoformat(until)
    )


def _stored_slip(item: Item) -> StoredPayslip:
    issued = item.get("issued_at")
    return StoredPayslip(
        str(item["run_id"]),
        codec.payslip_of(_doc(item)),
        issued_at=None if issued is None else datetime.fromisoformat(str(issued)),
        pdf_key=None if item.get("pdf_key") is None else str(item["pdf_key"]),
        mail=None if item.get("mail") is None else str(item["mail"]),
    )


class DynamoEmployees:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def get(self, employee_id: str) -> EmployeeReadModel | None:
        item = self.uow.get({"PK": f"EMP#{employee_id}", "SK": "EMP"})
        return None if item is None else documents.employee_of(_doc(item), int(item["version"]))

    def save(self, employee: EmployeeReadModel) -> None:
        """Under the version it was read with (a lost race is ``ConditionFailed("employee")``: re-read)."""
        item: dict[str, Any] = {
            "PK": f"EMP#{employee.employee_id}",
            "SK": "EMP",
            "type": "employee",
            "doc": json.dumps(documents.employee_document(employee)),
            "version": employee.version + 1,
            "GSI2PK": "EMPLOYEES",
            "GSI2SK": employee.employee_id,
            "employment": json.dumps(_employment_document(employee.employment())),
        }
        if employee.user_sub:
            item |= {"GSI3PK": f"SUB#{employee.user_sub}", "GSI3SK": "EMP"}
        if employee.version:
            self.uow.put(item, label="employee", condition="version = :v", values={":v": employee.version})
        else:
            self.uow.put(item, label="employee", condition="attribute_not_exists(PK)")

    def many(self, employee_ids: list[str]) -> list[EmployeeReadModel]:
        items = self.uow.many([{"PK": f"EMP#{eid}", "SK": "EMP"} for eid in employee_ids])
        return [documents.employee_of(_doc(item), int(item["version"])) for item in items]

    def employments(self) -> list[Employment]:
        """Every hired employee's dates of employment, read from the small ``employment`` attribute only (not
        the whole record); an item written before that attribute existed is read whole."""
        items = self.uow.query_all("GSI2PK = :p", {":p": "EMPLOYEES"}, index="GSI2", projection="GSI2SK, employment")
        found: list[Employment | None] = []
        unknown: list[str] = []
        for item in items:
            if "employment" in item:
                found.append(_employment_of(str(item["GSI2SK"]), json.loads(str(item["employment"]))))
            else:
                unknown.append(str(item["GSI2SK"]))
        found.extend(employee.employment() for employee in self.many(unknown) if unknown)
        return [employment for employment in found if employment is not None]

    def by_user_sub(self, sub: str) -> EmployeeReadModel | None:
        items, _ = self.uow.query("GSI3PK = :p", {":p": f"SUB#{sub}"}, index="GSI3", limit=1)
        return documents.employee_of(_doc(items[0]), int(items[0]["version"])) if items else None


class DynamoStructures:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def add(self, stored: StoredStructure) -> None:
        """The structure, and the default pointer when it is the default (the first one always is)."""
        self.uow.put(
            {
                "PK": f"STRUCT#{stored.structure_id}",
                "SK": "STRUCT",
                "type": "structure",
                "doc": json.dumps(codec.structure_document(stored.structure)),
                "created_at": iso(stored.created_at),
                "created_by": stored.created_by,
                "GSI2PK": "STRUCTURES",
                "GSI2SK": f"{iso(stored.created_at)}#{stored.structure_id}",
            },
            label="structure",
            condition="attribute_not_exists(PK)",
        )
        if stored.is_default:
            pointer = {"PK": "STRUCT#DEFAULT", "SK": "POINTER", "type": "structure_pointer"}
            self.uow.put({**pointer, "structure_id": stored.structure_id}, label="default")

    def default_id(self) -> str | None:
        item = self.uow.get({"PK": "STRUCT#DEFAULT", "SK": "POINTER"})
        return None if item is None else str(item["structure_id"])

    def get(self, structure_id: str) -> StoredStructure | None:
        item = self.uow.get({"PK": f"STRUCT#{structure_id}", "SK": "STRUCT"})
        return None if item is None else self._stored(item, self.default_id())

    def list_newest(self, *, limit: int, cursor: str | None) -> Page[StoredStructure]:
        items, token = self.uow.page("GSI2", "STRUCTURES", limit=limit, token=cursor)
        default = self.default_id()
        return Page([self._stored(item, default) for item in items], token)

    @staticmethod
    def _stored(item: Item, default: str | None) -> StoredStructure:
        structure_id = str(item["PK"]).removeprefix("STRUCT#")
        return StoredStructure(
            structure_id,
            codec.structure_of(_doc(item)),
            structure_id == default,
            datetime.fromisoformat(str(item["created_at"])),
            str(item["created_by"]),
        )


# The header item holds at most this many snapshot-skipped ids (~40 KB of UUIDs); more (a second run of a
# 10,000 period skips everyone: ~400 KB, DynamoDB's item limit) go to ``RUN#<id>/SKIPPED#<n>`` items.
INLINE_SKIPPED = 1000
SKIPPED_PER_ITEM = 2000


class DynamoRuns:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow
        self._skipped_apart: dict[str, int] = {}  # run id -> skipped ids read from their own items

    def add(self, record: RunRecord) -> None:
        self.uow.put(self._item(record), label="run", condition="attribute_not_exists(PK)")
        self._put_skipped(record)

    def save(self, record: RunRecord, *, label: str = "run") -> None:
        """Under the version it was read with: a lost race is ``ConditionFailed(label)``."""
        self.uow.put(self._item(record), label=label, condition="version = :v", values={":v": record.version})
        self._put_skipped(record)

    def _put_skipped(self, record: RunRecord) -> None:
        """The skipped ids the header cannot hold, in the header's transaction (unchanged ones not rewritten)."""
        run_id, skipped = record.run.run_id, record.run.skipped_employee_ids
        if len(skipped) <= INLINE_SKIPPED or self._skipped_apart.get(run_id) == len(skipped):
            return
        for number, start in enumerate(range(0, len(skipped), SKIPPED_PER_ITEM), start=1):
            chunk = list(skipped[start : start + SKIPPED_PER_ITEM])
            item = {"PK": f"RUN#{run_id}", "SK": f"SKIPPED#{number:05d}", "type": "run_skipped"}
            self.uow.put({**item, "employee_ids": json.dumps(chunk)}, label="skipped")

    def _record(self, item: Item) -> RunRecord:
        doc = _doc(item)
        apart = int(doc.get("skipped_apart") or 0)
        if apart:
            run_id = str(doc["run_id"])
            values = {":p": f"RUN#{run_id}", ":s": "SKIPPED#"}
            parts = self.uow.query_all("PK = :p AND begins_with(SK, :s)", values)
            doc["skipped_employee_ids"] = [eid for part in parts for eid in json.loads(str(part["employee_ids"]))]
            self._skipped_apart[run_id] = apart
        return documents.run_of(doc, int(item["version"]))

    def _item(self, record: RunRecord) -> Item:
        run = record.run
        started = iso(run.started_at)
        doc = documents.run_document(record)
        if len(doc["skipped_employee_ids"]) > INLINE_SKIPPED:
            doc["skipped_apart"], doc["skipped_employee_ids"] = len(doc["skipped_employee_ids"]), []
        return {
            "PK": f"RUN#{run.run_id}",
            "SK": "RUN",
            "type": "run",
            "doc": json.dumps(doc),
            "status": run.status.value,
            "version": record.version + 1,
            "GSI2PK": "RUNS",
            "GSI2SK": f"{started}#{run.run_id}",
        }

    def get(self, run_id: str, *, with_results: bool = False, with_slips: bool = True) -> RunRecord | None:
        """The run's header; ``with_results``: its snapshot, failures and batch totals from its batch items,
        and (unless ``with_slips=False``) every slip it holds, for the steps that need each slip."""
        item = self.uow.get({"PK": f"RUN#{run_id}", "SK": "RUN"})
        if item is None:
            return None
        record = self._record(item)
        if with_results:
            run = record.run
            batches = self.uow.query_all("PK = :p AND begins_with(SK, :b)", {":p": f"RUN#{run_id}", ":b": "BATCH#"})
            employee_ids: list[str] = []
            paid_elsewhere: list[str] = []
            parts: list[RunTotals] = []
            for batch in batches:
                employee_ids.extend(json.loads(str(batch["employee_ids"])))
                paid_elsewhere.extend(json.loads(str(batch.get("skipped") or "[]")))
                for failure in json.loads(str(batch.get("failures") or "[]")):
                    run.failures[failure["employee_id"]] = codec.failure_of(failure)
                if batch.get("totals"):
                    parts.append(documents.totals_of(json.loads(str(batch["totals"]))))
            record.paid_elsewhere = tuple(paid_elsewhere)
            record.batch_totals = combined(parts)
            run.employee_ids = tuple(employee_ids)
            if with_slips:
                run.payslips = {slip.employee_id: slip for slip in self.uow.payslips.all_of_run(run_id)}
        return record

    def failures(self, run_id: str) -> list[PayslipFailure]:
        """The run's employees without a slip, from its batch items only (no slip is read)."""
        batches = self.uow.query_all("PK = :p AND begins_with(SK, :b)", {":p": f"RUN#{run_id}", ":b": "BATCH#"})
        found = [codec.failure_of(f) for batch in batches for f in json.loads(str(batch.get("failures") or "[]"))]
        return sorted(found, key=lambda f: f.employee_id)

    def list_newest(self, *, limit: int, cursor: str | None) -> Page[RunRecord]:
        items, token = self.uow.page("GSI2", "RUNS", limit=limit, token=cursor)
        return Page([self._record(item) for item in items], token)

    def put_batches(self, run_id: str, batches: list[list[str]]) -> None:
        """The snapshot's batches, written before the run says ``calculating`` (plain puts: a retried snapshot
        writes the same items again)."""
        requests = [
            {
                "PutRequest": {
                    "Item": to_attributes(
                        {
                            "PK": f"RUN#{run_id}",
                            "SK": f"BATCH#{number:05d}",
                            "type": "run_batch",
                            "employee_ids": json.dumps(ids),
                            "done": False,
                        }
                    )
                }
            }  # fmt: skip
            for number, ids in enumerate(batches, start=1)
        ]
        for start in range(0, len(requests), 25):
            chunk: Any = {self.uow.table_name: requests[start : start + 25]}
            while chunk:
                with storage_errors("BatchWriteItem"):
                    chunk = self.uow.client.batch_write_item(RequestItems=chunk).get("UnprocessedItems") or None

    def batch(self, run_id: str, number: int) -> tuple[list[str], bool]:
        """A batch's employee ids and whether it is done."""
        item = self.uow.get({"PK": f"RUN#{run_id}", "SK": f"BATCH#{number:05d}"})
        if item is None:
            return [], True
        return json.loads(str(item["employee_ids"])), bool(item.get("done"))

    def record_batch(self, run_id: str, number: int, failures: list[PayslipFailure], skipped: list[str],
                     totals: RunTotals) -> None:  # fmt: skip
        """The batch is done, with the employees that have no slip and why, and the totals of the slips it
        wrote (staged in the transaction of its last slips, so they can never disagree with them)."""
        self.uow.update(
            {"PK": f"RUN#{run_id}", "SK": f"BATCH#{number:05d}"},
            "SET #done = :t, failures = :f, skipped = :s, totals = :totals",
            label="batch",
            names={"#done": "done"},
            values={
                ":t": True,
                ":f": json.dumps([codec.failure_document(f) for f in failures]),
                ":s": json.dumps(skipped),
                ":totals": json.dumps(documents.totals_document(totals)),
            },
        )


class DynamoPayslips:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self.uow = uow

    def held(self, employee_ids: list[str], period: PayPeriod) -> dict[str, str]:
        """Employee id -> the run holding their slip for ``period``."""
        items = self.uow.many([{"PK": f"SLIP#{eid}#{period}", "SK": "SLIP"} for eid in employee_ids])
        return {str(item["employee_id"]): str(item["run_id"]) for item in items}

    def held_by(self, run_id: str, employee_ids: list[str], period: PayPeriod) -> list[Payslip]:
        """The slips ``run_id`` holds for ``period`` among ``employee_ids``."""
        items = self.uow.many([{"PK": f"SLIP#{eid}#{period}", "SK": "SLIP"} for eid in employee_ids])
        return [codec.payslip_of(_doc(item)) for item in items if item.get("run_id") == run_id]

    def year_before(self, employee_ids: list[str], period: PayPeriod) -> dict[str, list[Payslip]]:
        """Each employee's slips of the same calendar year before ``period`` (their year-to-date)."""
        months = [PayPeriod(period.year, m) for m in range(1, period.month)]
        keys = [{"PK": f"SLIP#{eid}#{month}", "SK": "SLIP"} for eid in employee_ids for month in months]
        found: dict[str, list[Payslip]] = {}
        for item in self.uow.many(keys) if keys else []:
            slip = codec.payslip_of(_doc(item))
            found.setdefault(slip.employee_id, []).append(slip)
        return found

    def add(self, run_id: str, slip: Payslip) -> None:
        """The slip, conditional on the employee having none for the period (or this run's: a retry)."""
        eid, period = slip.employee_id, str(slip.period)
        self.uow.put(
            {
                "PK": f"SLIP#{eid}#{period}",
                "SK": "SLIP",
                "type": "payslip",
                "employee_id": eid,
                "period": period,
                "run_id": run_id,
                "doc": json.dumps(codec.payslip_document(slip)),
                "GSI2PK": f"RUNSLIPS#{run_id}",
                "GSI2SK": eid,
                "GSI3PK": f"EMPSLIPS#{eid}",
                "GSI3SK": f"{period}#{run_id}",
            },
            label=f"slip:{eid}",
            condition="attribute_not_exists(PK) OR run_id = :run",
            values={":run": run_id},
        )

    def of_batch(self, run_id: str, employee_ids: list[str], period: PayPeriod) -> list[StoredPayslip]:
        """The slips this run holds for ``employee_ids`` (one BatchGetItem per 100), with their output marks."""
        items = self.uow.many([{"PK": f"SLIP#{eid}#{period}", "SK": "SLIP"} for eid in employee_ids])
        return sorted((_stored_slip(i) for i in items if i.get("run_id") == run_id), key=lambda s: s.slip.employee_id)

    def get(self, employee_id: str, period: PayPeriod) -> StoredPayslip | None:
        item = self.uow.get({"PK": f"SLIP#{employee_id}#{period}", "SK": "SLIP"})
        return None if item is None else _stored_slip(item)

    def mark_issued(self, stored: StoredPayslip, pdf_key: str, at: datetime) -> None:
        """Issued once: conditional on the slip still being this run's and not issued yet (a lost race is
        ``ConditionFailed("issued:<employee>")``: another attempt issued it)."""
        slip = stored.slip
        self.uow.update(
            {"PK": f"SLIP#{slip.employee_id}#{slip.period}", "SK": "SLIP"},
            "SET issued_at = :at, pdf_key = :key",
            label=f"issued:{slip.employee_id}",
            condition="run_id = :run AND attribute_not_exists(issued_at)",
            values={":at": iso(at), ":key": pdf_key, ":run": stored.run_id},
        )

    def claim_mail(self, stored: StoredPayslip) -> None:
        """Marks the slip's mail as being sent BEFORE it is sent (``ConditionFailed("mail:<employee>")`` when
        another attempt claimed it): a retried step never mails twice."""
        slip = stored.slip
        self.uow.update(
            {"PK": f"SLIP#{slip.employee_id}#{slip.period}", "SK": "SLIP"},
            "SET mail = :sending",
            label=f"mail:{slip.employee_id}",
            condition="run_id = :run AND attribute_not_exists(mail)",
            values={":sending": "sending", ":run": stored.run_id},
        )

    def record_mail(self, stored: StoredPayslip, outcome: str | None) -> None:
        """``sent`` or why not; None releases the claim (SES was unavailable: the retry sends it)."""
        slip = stored.slip
        key = {"PK": f"SLIP#{slip.employee_id}#{slip.period}", "SK": "SLIP"}
        if outcome is None:
            self.uow.update(key, "REMOVE mail", label=f"mail:{slip.employee_id}")
        else:
            self.uow.update(key, "SET mail = :m", label=f"mail:{slip.employee_id}", values={":m": outcome[:200]})

    def of_run(self, run_id: str, *, limit: int, cursor: str | None) -> Page[Payslip]:
        items, token = self.uow.page("GSI2", f"RUNSLIPS#{run_id}", limit=limit, token=cursor, forward=True)
        return Page([codec.payslip_of(_doc(item)) for item in items], token)

    def all_of_run(self, run_id: str) -> list[Payslip]:
        items = self.uow.query_all("GSI2PK = :p", {":p": f"RUNSLIPS#{run_id}"}, index="GSI2")
        return [codec.payslip_of(_doc(item)) for item in items]

    def of_employee(self, employee_id: str, *, limit: int, cursor: str | None) -> Page[StoredPayslip]:
        partition = f"EMPSLIPS#{employee_id}"

        def issued(plain: Item) -> bool:
            return set(plain) == {"PK", "SK", "GSI3PK", "GSI3SK"} and plain["GSI3PK"] == partition

        start = decode_cursor(cursor, issued) if cursor else None
        items, last = self.uow.query("GSI3PK = :p", {":p": partition}, index="GSI3", limit=limit, cursor=start,
                                     forward=False)  # fmt: skip
        slips = [
            StoredPayslip(str(item["run_id"]), codec.payslip_of(_doc(item)), item["type"] == "reversed_payslip")
            for item in items
        ]
        return Page(slips, encode_cursor(last))

    def release_run(self, run_id: str) -> int:
        """A reversed run's slips let go of their period: each moved to its ``REVERSED#<run>`` sort key and the
        uniqueness item deleted (only while it is still this run's), one transaction per 50 slips. Slips already
        moved are not read again, so a retried step finishes what is left. Returns how many moved now."""
        items = self.uow.query_all("GSI2PK = :p", {":p": f"RUNSLIPS#{run_id}"}, index="GSI2")
        held = [item for item in items if item["SK"] == "SLIP"]
        for start in range(0, len(held), 50):
            writes: list[Any] = []
            for item in held[start : start + 50]:  # GSI2 projects every attribute: the whole slip
                archived = {**item, "SK": f"REVERSED#{run_id}", "type": "reversed_payslip"}
                writes.append({"Put": {"TableName": self.uow.table_name, "Item": to_attributes(archived)}})
                writes.append({"Delete": {"TableName": self.uow.table_name,
                                          "Key": to_attributes({"PK": item["PK"], "SK": "SLIP"}),
                                          "ConditionExpression": "run_id = :run",
                                          "ExpressionAttributeValues": to_attributes({":run": run_id})}})  # fmt: skip
            if writes:
                with storage_errors("TransactWriteItems"):
                    self.uow.client.transact_write_items(TransactItems=writes)
        return len(held)

    def discard_run(self, run_id: str) -> int:
        """Deletes a rejected run's slips (25 a call), freeing its employees for the period."""
        items = self.uow.query_all("GSI2PK = :p", {":p": f"RUNSLIPS#{run_id}"}, index="GSI2")
        keys = [{"DeleteRequest": {"Key": to_attributes({"PK": i["PK"], "SK": i["SK"]})}} for i in items]
        for start in range(0, len(keys), 25):
            chunk: Any = {self.uow.table_name: keys[start : start + 25]}
            while chunk:
                with storage_errors("BatchWriteItem"):
                    chunk = self.uow.client.batch_write_item(RequestItems=chunk).get("UnprocessedItems") or None
        return len(keys)
