"""A small in-process cache with a time-to-live, for what authenticating a read looks up.

Only answers that may be trusted for a few seconds go in (a live key, a verified workspace);
`forget` drops entries and refuses every store that began before it, so a lookup that raced a
revoke cannot put the old answer back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """`key → value`, each entry trusted for `ttl` seconds from when it was stored."""

    def __init__(
        self, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[str, tuple[float, V]] = {}
        self._generation = 0
        self._lock = threading.Lock()

    @property
    def generation(self) -> int:
        """Take before a lookup; `put` with it stores only if nothing was forgotten since."""
        return self._generation

    def get(self, key: str, ttl: float) -> V | None:
        entry = self._entries.get(key)
        if entry is None or self.clock() - entry[0] >= ttl:
            return None
        return entry[1]

    def put(self, key: str, value: V, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self._entries.pop(key, None)
            if len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = (self.clock(), value)

    def forget(self, matches: Callable[[str, V], bool]) -> None:
        with self._lock:
            self._generation += 1
            for key in [k for k, (_, v) in self._entries.items() if matches(k, v)]:
                del self._entries[key]

    def clear(self) -> None:
        self.forget(lambda _key, _value: True)
