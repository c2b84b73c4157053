"""The sliding-window rate limiter on its own, with a clock the test moves (no sleeping, no timing)."""

from __future__ import annotations

import pytest

from mcts.api.limits import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_allows_the_limit_per_window_then_says_when_to_retry(clock: Clock) -> None:
    limiter = RateLimiter(3, clock=clock)
    for at in (1000.0, 1030.0, 1040.0):
        clock.now = at
        assert limiter.acquire("a") is None
    clock.now = 1050.0
    assert limiter.acquire("a") == pytest.approx(10.0)  # the request of t=1000 leaves the window at 1060
    clock.now = 1060.0
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") == pytest.approx(30.0)  # next to leave: t=1030


def test_buckets_are_independent(clock: Clock) -> None:
    limiter = RateLimiter(1, clock=clock)
    assert limiter.acquire("key:one") is None
    assert limiter.acquire("key:one") is not None
    assert limiter.acquire("key:two") is None
    assert limiter.acquire("addr:127.0.0.1") is None


def test_refused_requests_do_not_count(clock: Clock) -> None:
    limiter = RateLimiter(1, clock=clock)
    limiter.acquire("a")
    for _ in range(100):
        assert limiter.acquire("a") is not None
    clock.now += 60
    assert limiter.acquire("a") is None


def test_memory_stays_bounded_and_idle_buckets_go_first(clock: Clock) -> None:
    limiter = RateLimiter(2, max_buckets=100, clock=clock)
    limiter.acquire("busy")
    limiter.acquire("busy")
    clock.now += 61  # "busy" is idle now
    for i in range(1000):
        limiter.acquire(f"addr:{i}")
    assert len(limiter._buckets) <= 100
    assert "busy" not in limiter._buckets
    assert limiter.acquire("addr:999") is None  # the recent buckets are kept and still count
    assert limiter.acquire("addr:999") is not None
