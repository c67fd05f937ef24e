"""Support adapters: DynamoDB, S3, SES, Secrets Manager."""
