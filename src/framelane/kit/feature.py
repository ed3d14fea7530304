"""The record a feature package declares to plug into the service.

Each feature exposes one `Feature` (in its `feature.py`); the composition root
(`framelane.composition`) lists them statically, and the app factory, the worker entry point and
the command line consume that list. Nothing is registered by importing a module.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter

# `service(settings)` starts background work and returns its stop function.
Service = Callable[[Any], Callable[[], None]]
# `register(subparsers)` adds the feature's `framelane …` subcommands.
CommandRegistrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


@dataclass(frozen=True, slots=True)
class Feature:
    """Everything one feature contributes; every field is optional."""

    name: str
    routers: tuple[APIRouter, ...] = ()
    # job kind or task type → runner(RunContext) -> RunResult
    runners: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # name → check(request); raises when the dependency is not ready (`/readyz`)
    readiness_checks: Mapping[str, Callable[[Any], None]] = field(default_factory=dict)
    # gate(session, job) -> bool: False holds a queued job back
    readiness_gates: tuple[Callable[[Any, Any], bool], ...] = ()
    # hook(session, settings, workspace_id) when a workspace is deleted
    deletion_hooks: tuple[Callable[[Any, Any, str], None], ...] = ()
    # subscriber(session, DomainEvent), called inside the publishing transaction
    event_subscribers: tuple[Callable[[Any, Any], None], ...] = ()
    # preprocessor(session, workspace_context, render_body) -> render_body
    render_preprocessors: tuple[Callable[[Any, Any, dict[str, Any]], dict[str, Any]], ...] = ()
    # started by `framelane serve` only (e.g. embedded workers, the upload watcher)
    api_services: tuple[Service, ...] = ()
    # started by every process that runs jobs: `serve` and `framelane worker`
    worker_services: tuple[Service, ...] = ()
    commands: tuple[CommandRegistrar, ...] = ()
