"""The HR domain: pure Python, no AWS, no environment (docs/architecture.md)."""
