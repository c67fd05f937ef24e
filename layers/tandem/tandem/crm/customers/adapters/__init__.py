"""The only customers modules that talk to AWS."""
