from __future__ import annotations

import time

from local_runtime.clock import Clock


def test_sped_up_clock_sleeps_and_advances_faster() -> None:
    clock = Clock(speed=1000)
    t0, v0 = time.monotonic(), clock.time()
    clock.sleep(60)
    real = time.monotonic() - t0
    assert 0.05 <= real < 0.5
    assert clock.time() - v0 >= 59
    assert Clock(speed=1).real_seconds(2) == 2
