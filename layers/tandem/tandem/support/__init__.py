"""Support desk bounded context: tickets from email, forms and the app, agents answering, SLAs and a
knowledge base (issue 10). This session holds the pure domain only; tables, SES, S3 and routes come next."""
