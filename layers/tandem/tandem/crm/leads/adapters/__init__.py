"""The only leads modules that talk to AWS."""
