"""Purchase orders: drafted by the daily reorder check, received into stock by a person."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from tandem.inventory.domain.errors import (
    ProductNotFound,
    PurchaseOrderAlreadyReceived,
    PurchaseOrderNotFound,
    StaleState,
)
from tandem.inventory.domain.events import PurchaseOrderDrafted, PurchaseOrderReceived, StockReceived
from tandem.inventory.domain.model import (
    MovementKind,
    PurchaseOrder,
    PurchaseOrderStatus,
    StockLevel,
    StockSummary,
    movement,
)
from tandem.inventory.domain.rules import needs_reorder
from tandem.inventory.service.base import UseCases
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ConditionFailed
from tandem.shared.paging import Page


def _due(summary: StockSummary) -> bool:
    return needs_reorder(
        active=summary.active,
        available=summary.level.available,
        reorder_point=summary.reorder_point,
        has_open_order=summary.open_purchase_order_id is not None,
    )


class PurchasingUseCases(UseCases):
    def run_reorder_check(self, context: MessageContext) -> list[PurchaseOrder]:
        """Draft one purchase order (reorder quantity) per active sku at or below its reorder point that has
        no open one. The draft and the sku's open-order mark are one conditional transaction, so running
        twice, or twice at once, drafts nothing new."""
        with self.uow() as uow:
            candidates = uow.stock.reorder_candidates()
        drafted = []
        for summary in filter(_due, candidates):
            po = self._retrying(partial(self._draft, summary, context))
            if po is not None:
                drafted.append(po)
        return drafted

    def _draft(self, summary: StockSummary, context: MessageContext) -> PurchaseOrder | None:
        moment = self.clock.now()
        po = PurchaseOrder(
            id=str(self.clock.new_id()),
            sku=summary.level.sku,
            quantity=summary.reorder_quantity,
            status=PurchaseOrderStatus.DRAFTED,
            created_at=moment,
        )
        with self.uow() as uow:
            uow.purchase_orders.add(po)
            uow.record(
                self._envelope(
                    PurchaseOrderDrafted(purchase_order_id=po.id, sku=po.sku, quantity=po.quantity), context, moment
                )
            )
            try:
                uow.commit()
            except ConditionFailed:
                return None  # drafted by a concurrent run, or no longer due
        return po

    def list_purchase_orders(
        self, status: PurchaseOrderStatus | None, *, limit: int, cursor: str | None = None
    ) -> Page[PurchaseOrder]:
        """Purchase orders newest first, all or those in ``status``."""
        with self.uow() as uow:
            return uow.purchase_orders.list_newest_first(status=status, limit=limit, cursor=cursor)

    def receive_purchase_order(self, po_id: str, context: MessageContext) -> tuple[PurchaseOrder, StockLevel]:
        """Book the order's quantity into stock and mark it received, in one transaction (twice: 409)."""

        def attempt() -> tuple[PurchaseOrder, StockLevel]:
            with self.uow() as uow:
                po = uow.purchase_orders.get(po_id)
                if po is None:
                    raise PurchaseOrderNotFound(details={"id": po_id[:64]})
                if po.status is PurchaseOrderStatus.RECEIVED:
                    raise PurchaseOrderAlreadyReceived(details={"id": po.id})
                summary = uow.stock.get_summary(po.sku)
                if summary is None:  # pragma: no cover - a purchase order is only drafted for a known sku
                    raise ProductNotFound(details={"sku": po.sku})
                moment = self.clock.now()
                move = movement(
                    MovementKind.RECEIPT, po.sku, po.quantity, id=self.clock.new_id(), at=moment, reference=po.id
                )
                after = summary.level.apply(move)
                received = replace(po, status=PurchaseOrderStatus.RECEIVED, received_at=moment)
                uow.purchase_orders.mark_received(received)
                uow.stock.apply(
                    move,
                    expected_version=summary.level.version,
                    close_purchase_order=summary.open_purchase_order_id == po.id,
                )
                uow.record(
                    self._envelope(
                        PurchaseOrderReceived(purchase_order_id=po.id, sku=po.sku, quantity=po.quantity),
                        context,
                        moment,
                    )
                )
                uow.record(
                    self._envelope(
                        StockReceived(
                            sku=po.sku,
                            quantity=po.quantity,
                            on_hand=after.on_hand,
                            available=after.available,
                            purchase_order_id=po.id,
                        ),
                        context,
                        moment,
                    )
                )
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    if failed.label == "purchase_order":
                        raise PurchaseOrderAlreadyReceived(details={"id": po.id}) from failed
                    raise StaleState() from failed
            return received, after

        return self._retrying(attempt)
