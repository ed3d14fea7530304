"""The event catalog, subscription patterns and the JSON envelope every receiver gets."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

JOB_SUFFIXES = ("processing", "progress", "completed", "failed", "cancelled")
KNOWN_EVENTS: tuple[str, ...] = (
    *(f"render.{suffix}" for suffix in JOB_SUFFIXES),
    *(f"task.{suffix}" for suffix in JOB_SUFFIXES),
    "asset.ready",
    "asset.failed",
    "webhook.test",
    "batch.completed",  # every render of a project batch is terminal
)
FAMILIES = frozenset(name.split(".", 1)[0] for name in KNOWN_EVENTS)


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is not a valid subscription, or None.

    Valid: an exact event name, `*` (every event), or `<family>.*` (`render.*`, `task.*`,
    `asset.*`, `webhook.*`, `batch.*`).
    """
    if pattern == "*" or pattern in KNOWN_EVENTS:
        return None
    family, dot, rest = pattern.partition(".")
    if dot and rest == "*" and family in FAMILIES:
        return None
    return (
        f"unknown event {pattern!r}; use one of {', '.join(KNOWN_EVENTS)}, '*' or "
        f"'<family>.*' with a family in {', '.join(sorted(FAMILIES))}"
    )


def matches(patterns: list[str], event_type: str) -> bool:
    """Whether an endpoint subscribed to `patterns` receives `event_type`."""
    family = event_type.split(".", 1)[0]
    return any(p == "*" or p == event_type or p == f"{family}.*" for p in patterns)


def envelope(
    event_id: str,
    event_type: str,
    created_at: datetime,
    data: dict[str, Any],
    metadata: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": event_type,
        "created_at": created_at.isoformat().replace("+00:00", "Z"),
        "data": data,
        "metadata": metadata,
    }


def encode(body: dict[str, Any]) -> str:
    """The exact text sent (and signed): compact, key order kept, UTF-8."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)
