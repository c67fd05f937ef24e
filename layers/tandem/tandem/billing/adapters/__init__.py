"""The only billing modules that talk to AWS or render documents."""
