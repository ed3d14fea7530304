"""The source resolver of renders run by the service (never the CLI's file-reading default)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from framelane.core.settings import Settings
from framelane.render.errors import SourceNotFound
from framelane.render.sources.resolve import SourceResolver


class UnavailableResolver:
    """Used only while the SSRF-safe ingest resolver is not installed: refuses every URL."""

    def resolve(self, url: str, kind: str) -> Path:
        raise SourceNotFound(
            f"Fetching {kind} sources is not available on this server yet: {url}",
            details={"url": url},
        )


def service_resolver(
    settings: Settings,
    workspace_id: str,
    workdir: Path,
    should_stop: Callable[[], bool] | None = None,
) -> SourceResolver:
    """`framelane.ingest.resolver.make_resolver` (SSRF guard, own-workspace storage URLs);
    `should_stop`: the job's cancel check, asked while sources download."""
    try:
        module = importlib.import_module("framelane.ingest.resolver")
    except ImportError:
        return UnavailableResolver()
    resolver: SourceResolver = module.make_resolver(settings, workspace_id, workdir, should_stop)
    return resolver
