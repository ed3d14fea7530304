"""Modules that register job runners at import; every worker imports them all."""

from __future__ import annotations

from importlib import import_module

RUNNER_MODULES: tuple[str, ...] = (
    "framelane.renders.actors",
    "framelane.tasks.actors",
    "framelane.ingest.gate",  # holds jobs back until their uploads are probed
)


def load_runners() -> None:
    for module in RUNNER_MODULES:
        import_module(module)
