"""The only CRM modules that talk to AWS."""
