"""The features of one process, merged: what the app factory and the workers consume.

`Wiring.of(features)` is built once by the app factory (held on `app.state.wiring`) and by the
worker entry point (held by its consumer); nothing in it is process-wide. Removing a feature
from the list removes every route, runner, check, gate, hook, subscriber and service it
declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from framelane.core.events import SUBSCRIBERS
from framelane.db.session import configure_sessions
from framelane.kit.feature import (
    CommandRegistrar,
    DeletionHook,
    EventSubscriber,
    Feature,
    PartRunner,
    ReadinessCheck,
    ReadinessGate,
    RenderPreprocessor,
    Service,
    SourceCopier,
)
from framelane.kit.running import Runner

V = TypeVar("V")


class WiringConflict(ValueError):
    """Two features declared the same runner, readiness check or feature name."""


def merged(name: str, mappings: Iterable[tuple[str, Mapping[str, V]]]) -> dict[str, V]:
    """The union of the features' mappings; a key declared twice is a wiring error."""
    merged_map: dict[str, V] = {}
    for owner, mapping in mappings:
        for key, value in mapping.items():
            if key in merged_map:
                raise WiringConflict(f"{name} {key!r} is declared twice (again by {owner!r}).")
            merged_map[key] = value
    return merged_map


def wrapped(runners: dict[str, Runner], features: Sequence[Feature]) -> dict[str, Runner]:
    """The runners with the features' wrappers put around them, in the features' order."""
    for feature in features:
        for kind, wrap in feature.runner_wrappers.items():
            if kind in runners:
                runners[kind] = wrap(runners[kind])
    return runners


@dataclass(frozen=True, slots=True)
class Wiring:
    features: tuple[Feature, ...]
    runners: Mapping[str, Runner]
    part_runners: Mapping[str, PartRunner]
    readiness_checks: Mapping[str, ReadinessCheck]
    readiness_gates: tuple[ReadinessGate, ...]
    deletion_hooks: tuple[DeletionHook, ...]
    event_subscribers: tuple[EventSubscriber, ...]
    render_preprocessors: tuple[RenderPreprocessor, ...]
    api_services: tuple[Service, ...]
    worker_services: tuple[Service, ...]
    commands: tuple[CommandRegistrar, ...]
    source_copier: SourceCopier | None

    @classmethod
    def of(cls, features: Sequence[Feature]) -> Wiring:
        features = tuple(features)
        merged("feature", ((f.name, {f.name: f}) for f in features))
        copiers = [f.source_copier for f in features if f.source_copier is not None]
        if len(copiers) > 1:
            raise WiringConflict("Only one feature may declare the source copier.")
        return cls(
            features=features,
            runners=wrapped(merged("runner", ((f.name, f.runners) for f in features)), features),
            part_runners=merged("part runner", ((f.name, f.part_runners) for f in features)),
            readiness_checks=merged(
                "readiness check", ((f.name, f.readiness_checks) for f in features)
            ),
            readiness_gates=tuple(g for f in features for g in f.readiness_gates),
            deletion_hooks=tuple(h for f in features for h in f.deletion_hooks),
            event_subscribers=tuple(s for f in features for s in f.event_subscribers),
            render_preprocessors=tuple(p for f in features for p in f.render_preprocessors),
            api_services=tuple(s for f in features for s in f.api_services),
            worker_services=tuple(s for f in features for s in f.worker_services),
            commands=tuple(c for f in features for c in f.commands),
            source_copier=copiers[0] if copiers else None,
        )

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    def bind_events(self, database_url: str) -> None:
        """Sessions opened on `database_url` in this process publish domain events to these
        features' subscribers (a process serves one feature list per database)."""
        configure_sessions(database_url, {SUBSCRIBERS: self.event_subscribers})
