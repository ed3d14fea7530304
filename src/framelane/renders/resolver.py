"""The source resolver of renders run by the service (never the CLI's file-reading default)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from framelane.core.settings import Settings
from framelane.ingest.resolver import make_resolver
from framelane.render.sources.resolve import SourceResolver


def service_resolver(
    settings: Settings,
    workspace_id: str,
    workdir: Path,
    should_stop: Callable[[], bool] | None = None,
) -> SourceResolver:
    """The ingest feature's resolver: SSRF guard, own-workspace storage URLs, the source
    cache; `should_stop` is the job's cancel check, asked while sources download."""
    resolver: SourceResolver = make_resolver(settings, workspace_id, workdir, should_stop)
    return resolver
