"""The only sales modules that talk to AWS."""
