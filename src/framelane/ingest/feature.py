"""What the ingest feature plugs in: uploads, imports and assets over HTTP, the gate that holds
a render back until its uploads are probed, the upload watcher of `framelane serve`, the
`ingesting` step of jobs with `ingest_external: true`, and `framelane ingest …`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from framelane.ingest import cli
from framelane.kit.feature import CommandRegistrar, Feature

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from framelane.core.settings import Settings
    from framelane.jobs.models import Job

COMMANDS: tuple[CommandRegistrar, ...] = (cli.register,)


class ExternalSources:
    """The `ingesting` step (`framelane.kit.feature.SourceCopier`): external sources are
    downloaded, probed and stored before the job is queued (`framelane.ingest.external`)."""

    def copy(
        self, settings: Settings, workspace_id: str, request: Any, should_stop: Callable[[], bool]
    ) -> Any:
        from framelane.ingest.external import copy_external_sources

        return copy_external_sources(settings, workspace_id, request, should_stop)

    def attach(self, session: Session, settings: Settings, job: Job, copied: Any) -> None:
        from framelane.ingest.external import attach_copied_sources

        attach_copied_sources(session, settings, job, copied)

    def discard(self, settings: Settings, copied: Any) -> None:
        from framelane.ingest.external import discard_copied_sources

        discard_copied_sources(settings, copied)


def feature() -> Feature:
    from framelane.ingest import actors, endpoints, gate

    return Feature(
        name="ingest",
        routers=(endpoints.router,),
        readiness_gates=(gate.uploads_ready,),
        api_services=(actors.start_watcher,),
        source_copier=ExternalSources(),
        commands=COMMANDS,
    )
