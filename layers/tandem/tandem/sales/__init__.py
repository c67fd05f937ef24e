"""Sales bounded context: orders, from placement through the fulfillment saga to shipment."""
