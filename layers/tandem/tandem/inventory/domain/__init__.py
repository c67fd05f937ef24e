"""Pure inventory domain: no boto3, no Powertools, no environment."""
