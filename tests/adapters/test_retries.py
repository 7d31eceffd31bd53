"""The retry loop the CIM and Notify clients share: how often it calls and how long it waits."""

from __future__ import annotations

import random

import pytest

from checker_console.adapters.retries import (
    TryAgain,
    backoff_seconds,
    longest_backoff_seconds,
    retrying,
)


def _flaky(failures: int, calls: list[int]) -> int:
    calls.append(len(calls) + 1)
    if len(calls) <= failures:
        raise TryAgain(f"call {len(calls)} failed")
    return len(calls)


def test_a_call_that_fails_twice_then_works_is_made_three_times() -> None:
    calls: list[int] = []
    for attempt in retrying(3, 0.001, random.Random(1)):
        with attempt:
            result = _flaky(2, calls)

    assert result == 3 and calls == [1, 2, 3]


def test_after_the_last_retry_the_last_problem_comes_out_as_it_is() -> None:
    calls: list[int] = []
    with pytest.raises(TryAgain, match="call 3 failed"):
        for attempt in retrying(2, 0.001, random.Random(1)):
            with attempt:
                _flaky(99, calls)

    assert calls == [1, 2, 3]


def test_an_error_that_is_not_try_again_is_never_retried() -> None:
    calls: list[int] = []
    with pytest.raises(ValueError):
        for attempt in retrying(5, 0.001, random.Random(1)):
            with attempt:
                calls.append(1)
                raise ValueError("refused")

    assert calls == [1]


def test_waits_are_full_jitter_from_the_given_random_and_none_follows_the_last_call() -> None:
    rng, twin = random.Random(7), random.Random(7)
    states = []
    with pytest.raises(TryAgain):
        for attempt in retrying(2, 0.01, rng):
            with attempt:
                states.append(attempt.retry_state)
                raise TryAgain("down")

    expected = [backoff_seconds(0, 0.01, twin), backoff_seconds(1, 0.01, twin)]
    assert states[-1].idle_for == pytest.approx(sum(expected))  # what it slept, in all
    assert 0 <= expected[0] <= 0.01 and 0 <= expected[1] <= 0.02
    assert rng.random() == twin.random()  # two draws, one per wait, none after the last call


def test_no_wait_is_longer_than_the_cap() -> None:
    rng = random.Random(3)

    waits = [backoff_seconds(retry, 1.0, rng, cap_s=4.0) for retry in range(10)]

    assert max(waits) <= 4.0
    assert longest_backoff_seconds(10, 1.0, cap_s=4.0) == 1 + 2 + 4 * 8
