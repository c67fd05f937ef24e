"""The billing use cases: one ``BillingService``, its methods grouped by topic in this package's modules.

``tandem.billing.bootstrap.services()`` builds it with the adapters; tests build it with fakes.
"""

from __future__ import annotations

from tandem.billing.service.cancellations import Cancellation, CancellationOutcome, CancellationUseCases
from tandem.billing.service.common import BillingConfig, Reply
from tandem.billing.service.credit_notes import OrderCredit
from tandem.billing.service.invoices import InvoiceUseCases, IssueOutcome, IssueResult
from tandem.billing.service.notifications import NotificationUseCases, ReminderReport
from tandem.billing.service.payments import PaymentOutcome, PaymentResult, RefundResult
from tandem.billing.service.refunds import RefundUseCases

__all__ = [
    "BillingConfig",
    "BillingService",
    "Cancellation",
    "CancellationOutcome",
    "IssueOutcome",
    "IssueResult",
    "OrderCredit",
    "PaymentOutcome",
    "PaymentResult",
    "RefundResult",
    "ReminderReport",
    "Reply",
]


class BillingService(InvoiceUseCases, CancellationUseCases, NotificationUseCases, RefundUseCases):
    """Invoices (``invoices``), credit notes (``credit_notes``), payments (``payments``), an order's
    cancellation (``cancellations``), mail (``notifications``), refunds and held payments (``refunds``).

    Built with ``BillingService(uow, clock, documents=..., mailer=..., markers=..., config=...)`` (and, for the
    webhook, ``webhook_secrets=...``): ``uow`` makes a new unit of work per use case call; ``clock`` gives the
    time, new ids and pauses.
    """
