"""Events the customers context publishes: none yet. It only reads sales and billing events (``inbound``);
a first event here would be a ``DomainEvent`` with ``context = "crm"``, as the leads' are."""

from __future__ import annotations
