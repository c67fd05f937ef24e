"""Purchase orders: drafted by the daily reorder check, received into stock by a person."""

from __future__ import annotations

from dataclasses import replace

from tandem.inventory.domain.errors import (
    ProductNotFound,
    PurchaseOrderAlreadyReceived,
    PurchaseOrderNotFound,
    StaleState,
)
from tandem.inventory.domain.events import PurchaseOrderDrafted, PurchaseOrderReceived, StockReceived
from tandem.inventory.domain.model import (
    MovementKind,
    Page,
    PurchaseOrder,
    PurchaseOrderStatus,
    StockLevel,
    StockSummary,
    movement,
)
from tandem.inventory.domain.rules import needs_reorder
from tandem.inventory.ports import InventoryReader, UnitOfWork
from tandem.inventory.service import Clock, retrying
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ConditionFailed


def run_reorder_check(uow: UnitOfWork, reader: InventoryReader, context: MessageContext, *,
                      clock: Clock | None = None) -> list[PurchaseOrder]:
    """Draft one purchase order (reorder quantity) per active sku at or below its reorder point that has
    no open one. The draft and the sku's open-order mark are one conditional transaction, so running
    twice, or twice at once, drafts nothing new."""
    clock = clock or Clock()
    drafted = []
    for summary in reader.reorder_candidates():
        if not needs_reorder(active=summary.active, available=summary.level.available,
                             reorder_point=summary.reorder_point,
                             has_open_order=summary.open_purchase_order_id is not None):
            continue
        po = retrying(lambda s=summary: _draft(s, uow, context, clock), sleep=clock.sleep)
        if po is not None:
            drafted.append(po)
    return drafted


def _draft(summary: StockSummary, uow: UnitOfWork, context: MessageContext, clock: Clock) -> PurchaseOrder | None:
    moment = clock.now()
    po = PurchaseOrder(id=str(clock.ids()), sku=summary.level.sku, quantity=summary.reorder_quantity,
                       status=PurchaseOrderStatus.DRAFTED, created_at=moment)
    with uow:
        uow.add_purchase_order(po)
        uow.record(clock.wrap(PurchaseOrderDrafted(purchase_order_id=po.id, sku=po.sku, quantity=po.quantity),
                              context, moment))
        try:
            uow.commit()
        except ConditionFailed:
            return None  # drafted by a concurrent run, or no longer due
    return po


def list_purchase_orders(reader: InventoryReader, *, status: str | None, limit: int,
                         cursor: str | None = None) -> Page:
    return reader.list_purchase_orders(status=status, limit=limit, cursor=cursor)


def receive_purchase_order(po_id: str, uow: UnitOfWork, reader: InventoryReader, context: MessageContext, *,
                           clock: Clock | None = None) -> tuple[PurchaseOrder, StockLevel]:
    """Book the order's quantity into stock and mark it received, in one transaction (twice: 409)."""
    clock = clock or Clock()

    def attempt() -> tuple[PurchaseOrder, StockLevel]:
        po = reader.get_purchase_order(po_id)
        if po is None:
            raise PurchaseOrderNotFound(details={"id": po_id[:64]})
        if po.status is PurchaseOrderStatus.RECEIVED:
            raise PurchaseOrderAlreadyReceived(details={"id": po.id})
        summary = reader.get_summary(po.sku)
        if summary is None:  # pragma: no cover - a purchase order is only drafted for a known sku
            raise ProductNotFound(details={"sku": po.sku})
        moment = clock.now()
        move = movement(MovementKind.RECEIPT, po.sku, po.quantity, id=clock.ids(), at=moment, reference=po.id)
        after = summary.level.apply(move)
        received = replace(po, status=PurchaseOrderStatus.RECEIVED, received_at=moment)
        with uow:
            uow.mark_received(received)
            uow.apply(move, expected_version=summary.level.version,
                      close_purchase_order=summary.open_purchase_order_id == po.id)
            uow.record(clock.wrap(PurchaseOrderReceived(purchase_order_id=po.id, sku=po.sku, quantity=po.quantity),
                                  context, moment))
            uow.record(clock.wrap(StockReceived(sku=po.sku, quantity=po.quantity, on_hand=after.on_hand,
                                                available=after.available, purchase_order_id=po.id),
                                  context, moment))
            try:
                uow.commit()
            except ConditionFailed as failed:
                if failed.label == "purchase_order":
                    raise PurchaseOrderAlreadyReceived(details={"id": po.id}) from failed
                raise StaleState() from failed
        return received, after

    return retrying(attempt, sleep=clock.sleep)
