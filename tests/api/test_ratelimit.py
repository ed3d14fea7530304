"""The in-process moving window answers as `limits`' moving window does, without its threads."""

from __future__ import annotations

import threading
import time

import pytest
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from framelane.api.ratelimit import LocalMovingWindow, RateLimiter
from framelane.core.settings import RateLimits
from tests.fixtures.clock import Clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(time, "time", clock)
    return clock


def reference(rates: RateLimits) -> RateLimiter:
    """The same rules answered by `limits`' own moving window over its memory storage."""
    limiter = RateLimiter(rates, None)
    limiter.local = None
    limiter.limiter = MovingWindowRateLimiter(storage_from_string("memory://"))
    return limiter


class TestLocalMovingWindow:
    def test_the_default_storage_is_local(self) -> None:
        assert isinstance(RateLimiter(RateLimits(), None).local, LocalMovingWindow)
        assert RateLimiter(RateLimits(), "memory://").local is not None

    def test_every_answer_matches_the_limits_library(self, clock: Clock) -> None:
        rates = RateLimits(per_key="3/minute")
        ours, theirs = RateLimiter(rates, None), reference(rates)
        # hits spread over two windows: allowed, refused at the limit, allowed once the
        # oldest hit has left the window; two identities never share a budget
        for offset, identity in [
            (0, "a"),
            (10, "a"),
            (20, "a"),
            (30, "a"),
            (31, "b"),
            (59.5, "a"),
            (60.5, "a"),
            (61, "a"),
            (71, "a"),
            (200, "a"),
        ]:
            clock.now = 1_000_000.0 + offset
            assert ours.check(ours.per_key, identity) == theirs.check(theirs.per_key, identity)

    def test_a_refused_hit_does_not_count(self, clock: Clock) -> None:
        limiter = RateLimiter(RateLimits(per_key="2/second"), None)
        answers = [limiter.check(limiter.per_key, "a").allowed for _ in range(5)]
        assert answers == [True, True, False, False, False]
        clock.now += 1.01
        assert limiter.check(limiter.per_key, "a").allowed

    def test_idle_identities_are_forgotten(self, clock: Clock) -> None:
        limiter = RateLimiter(RateLimits(per_key="5/minute"), None)
        local = limiter.local
        assert local is not None
        limiter.check(limiter.per_key, "idle")
        clock.now += LocalMovingWindow.SWEEP_SECONDS + 1
        limiter.check(limiter.per_key, "busy")
        assert [key[1] for key in local._hits] == ["busy"]

    def test_no_thread_is_started(self, clock: Clock) -> None:
        limiter = RateLimiter(RateLimits(per_key="100/minute"), None)
        before = threading.active_count()
        for _ in range(50):
            limiter.check(limiter.per_key, "a")
            clock.now += 0.05
        assert threading.active_count() == before
