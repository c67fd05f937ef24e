"""Pure payroll domain: no boto3, no Powertools, no environment."""
