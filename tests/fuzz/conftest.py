"""The fuzz tests run on a local runtime of their own (the same one `make run` starts, see tests/e2e/conftest.py):
what they store — random products, leads, stock — never shows in another test's listing."""

from tests.e2e.conftest import http, runtime

__all__ = ["http", "runtime"]
