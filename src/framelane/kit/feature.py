"""The record a feature package declares to plug into the service.

Each feature package has a `feature.py` with `feature() -> Feature` (the heavy parts, routers
and runners, are imported inside it) and `COMMANDS` (its `framelane …` subcommands, cheap to
import). The composition root (`framelane.composition`) lists the feature modules statically;
the app factory, the worker entry point and the command line consume that list. Nothing is
registered by importing a module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # types only: declaring a feature (and `framelane --help`) imports none
    import argparse

    from fastapi import APIRouter, Request
    from sqlalchemy.orm import Session

    from framelane.core.events import DomainEvent
    from framelane.core.settings import Settings
    from framelane.jobs.models import Job
    from framelane.kit.context import WorkspaceContext
    from framelane.kit.running import Runner

Stop = Callable[[], None]
# `run(settings, job_id, part_id)`: one part of a job's work, taken from the queue
# (`framelane.jobs.parts`); the feature that made the parts keeps their state.
PartRunner = Callable[["Settings", str, str], None]
# `service(settings)` starts background work (threads) and returns its stop function.
Service = Callable[["Settings"], Stop]
# `register(subparsers)` adds the feature's `framelane …` subcommands.
CommandRegistrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
# `check(request)` raises when a dependency is not ready (`GET /readyz`).
ReadinessCheck = Callable[["Request"], None]
# `gate(session, job)`: False holds a queued job back (it is re-enqueued a moment later).
ReadinessGate = Callable[["Session", "Job"], bool]
# `hook(session, settings, workspace_id)`, inside the workspace-delete transaction.
DeletionHook = Callable[["Session", "Settings", str], None]
# `subscriber(session, event)`, inside the transaction that publishes the event.
EventSubscriber = Callable[["Session", "DomainEvent"], None]
# `preprocessor(session, ctx, body) -> body`: rewrites a render request before validation.
RenderPreprocessor = Callable[["Session", "WorkspaceContext", dict[str, Any]], dict[str, Any]]


class SourceCopier(Protocol):
    """The `ingesting` step of a job submitted with `ingest_external: true`: its external
    sources are copied into storage before it is queued. `copy` runs outside any transaction
    (`should_stop` is the job's cancel check); `attach` records the copies and points the
    job's request at them; `discard` removes them when the job went away meanwhile."""

    def copy(
        self, settings: Settings, workspace_id: str, request: Any, should_stop: Callable[[], bool]
    ) -> Any: ...

    def attach(self, session: Session, settings: Settings, job: Job, copied: Any) -> None: ...

    def discard(self, settings: Settings, copied: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class Feature:
    """Everything one feature contributes; every field but the name is optional."""

    name: str
    routers: tuple[APIRouter, ...] = ()
    # job kind (renders) or task type (AI tasks) → its runner
    runners: Mapping[str, Runner] = field(default_factory=dict)
    # job kind → a wrapper around another feature's runner of that kind (applied in the order
    # the features are listed; a wrapper whose runner is absent does nothing)
    runner_wrappers: Mapping[str, Callable[[Runner], Runner]] = field(default_factory=dict)
    # part kind → the runner of one part of a job (e.g. a time range of a split render)
    part_runners: Mapping[str, PartRunner] = field(default_factory=dict)
    readiness_checks: Mapping[str, ReadinessCheck] = field(default_factory=dict)
    readiness_gates: tuple[ReadinessGate, ...] = ()
    deletion_hooks: tuple[DeletionHook, ...] = ()
    event_subscribers: tuple[EventSubscriber, ...] = ()
    render_preprocessors: tuple[RenderPreprocessor, ...] = ()
    # started by `framelane serve` only (e.g. the upload watcher)
    api_services: tuple[Service, ...] = ()
    # started by every process that runs jobs: `serve` (embedded workers) and `framelane worker`
    worker_services: tuple[Service, ...] = ()
    commands: tuple[CommandRegistrar, ...] = ()
    source_copier: SourceCopier | None = None


class FeatureModule(Protocol):
    """What a feature's `feature.py` module provides (modules satisfy this protocol)."""

    COMMANDS: tuple[CommandRegistrar, ...]

    def feature(self) -> Feature: ...
