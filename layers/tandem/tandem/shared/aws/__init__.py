"""The AWS side of the shared layer: the only place in tandem.shared where boto3, botocore or Powertools
idempotency appear (outbox unit of work, relay, sweeper, publisher, idempotent consumers, client cache)."""
