"""A second local runtime for the end-to-end tests of a company whose currency is the yen (BaseCurrency=JPY).

The runtime patches moto process-wide, so only one is live at a time (a new one stops the one before):
this package's ``runtime`` and ``http`` override the parent's for its tests only, and it runs, set up and
torn down, before the parent package's first test (pytest collects ``jpy/`` before the ``test_*.py``
files beside it). The parent's runtime then starts clean. Its answers are held to docs/openapi.json like
every other, but are not recorded as the document's examples (those are the EUR company's).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from local_runtime import LocalRuntime
from tests.e2e.api_contract import ApiContract
from tests.e2e.conftest import BUILD_DIR, CLOCK_SPEED, PARAMETERS, ROOT, Http

YEN_PARAMETERS = {**PARAMETERS, "Stage": "localjpy", "BaseCurrency": "JPY"}


@pytest.fixture(scope="package")
def runtime():
    assert LocalRuntime._current is None, "the yen runtime must not interleave with another live runtime"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POWERTOOLS_METRICS_DISABLED", "true")
        template = Path(BUILD_DIR) / "template.yaml" if BUILD_DIR else ROOT / "template.yaml"
        rt = LocalRuntime(
            str(template), port=0, clock_speed=CLOCK_SPEED, parameters=YEN_PARAMETERS, shipped_code_only=bool(BUILD_DIR)
        )
        rt.start()
        try:
            yield rt
        finally:
            rt.stop()


@pytest.fixture(scope="package")
def http(runtime):
    return Http(runtime.url, ApiContract.committed())
