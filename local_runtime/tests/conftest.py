"""The shared runtime of the core tests: the fixture app on a 1000x clock, without HTTP.

A test module gets a provisioned-only runtime (no stream pollers, no schedule clock) by
setting ``START_RUNTIME = False``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from core_helpers import FIXTURE_TEMPLATE

from local_runtime import LocalRuntime


@pytest.fixture(scope="module")
def rt(request: pytest.FixtureRequest) -> Iterator[LocalRuntime]:
    runtime = LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=1000)
    if getattr(request.module, "START_RUNTIME", True):
        runtime.start()
    else:
        runtime.provision()
    yield runtime
    runtime.stop()
