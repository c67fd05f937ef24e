"""Adapters of the hr context: DynamoDB (HrTable) and KMS (the bank-details seal)."""
