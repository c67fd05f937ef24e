"""A lost race is retried a few times with a short jittered pause; then the error is the caller's."""

from __future__ import annotations

import pytest
from tandem.shared.retry import jittered_pause, retrying


class Lost(Exception):
    pass


def flaky(failures: int):
    calls = []

    def operation():
        calls.append(1)
        if len(calls) <= failures:
            raise Lost()
        return len(calls)

    return operation, calls


def test_an_operation_that_wins_on_the_third_try_returns_its_result_after_two_pauses():
    operation, _ = flaky(2)
    pauses = []
    assert retrying(operation, on=(Lost,), attempts=5, sleep=pauses.append) == 3
    assert len(pauses) == 2 and all(0 < p < 0.2 for p in pauses)


def test_after_the_last_attempt_the_error_propagates():
    operation, calls = flaky(10)
    with pytest.raises(Lost):
        retrying(operation, on=(Lost,), attempts=4, sleep=lambda _: None)
    assert len(calls) == 4


def test_other_errors_are_not_retried():
    calls = []

    def operation():
        calls.append(1)
        raise ValueError("a bug, not a race")

    with pytest.raises(ValueError):
        retrying(operation, on=(Lost,), attempts=4, sleep=lambda _: None)
    assert calls == [1]


def test_pauses_grow_with_the_attempt():
    assert all(0.02 * n <= jittered_pause(n) <= 0.08 * n for n in range(1, 6))


class Labelled(Exception):
    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


def test_an_error_the_when_predicate_accepts_is_retried():
    calls = []

    def operation():
        calls.append(1)
        if len(calls) < 3:
            raise Labelled("counter")
        return "done"

    assert (
        retrying(
            operation,
            on=(Labelled,),
            attempts=4,
            sleep=lambda _: None,
            when=lambda e: getattr(e, "label", None) == "counter",
        )
        == "done"
    )
    assert len(calls) == 3


def test_an_error_the_when_predicate_refuses_propagates_at_once():
    calls = []

    def operation():
        calls.append(1)
        raise Labelled("order")

    with pytest.raises(Labelled):
        retrying(
            operation,
            on=(Labelled,),
            attempts=4,
            sleep=lambda _: None,
            when=lambda e: getattr(e, "label", None) == "counter",
        )
    assert len(calls) == 1
