"""The composition root: every feature listed once, and a product built from fewer features
loses exactly what those features declared (routes, runners, gates, hooks, subscribers,
services, commands) while the rest keeps working."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from framelane import composition
from framelane.api.app import background_services, create_app
from framelane.cli import build_parser
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.jobs.consumer import make_consumer
from framelane.kit.feature import Feature
from framelane.kit.wiring import Wiring
from framelane.webhooks.models import WebhookEvent
from framelane.webhooks.service import record_event
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.jobs.conftest import load

TINY: dict[str, Any] = {
    "width": 64,
    "height": 36,
    "duration": 1,
    "frame_rate": 5,
    "background_color": "#ff0000",
    "webhook_url": "http://127.0.0.1:9/hook",
    "elements": [{"type": "text", "id": "t1", "text": "Hi", "duration": 1, "font_size": 8}],
}


def without(*names: str) -> tuple[Feature, ...]:
    return tuple(f for f in composition.features() if f.name not in names)


def paths(settings: Settings, features: tuple[Feature, ...]) -> set[str]:
    return set(create_app(settings, features).openapi()["paths"])


def test_every_feature_is_listed_once_and_declares_something() -> None:
    features = composition.features()
    names = [f.name for f in features]
    assert len(names) == len(set(names))
    assert {"system", "identity", "files", "jobs", "renders", "webhooks", "ingest"} <= set(names)
    for feature in features:
        declared = [getattr(feature, f.name) for f in fields(feature) if f.name != "name"]
        assert any(declared), f"{feature.name} plugs nothing in"


def test_the_command_line_offers_every_features_commands(capsys: Any) -> None:
    commands = composition.commands()
    assert commands == tuple(c for f in composition.features() for c in f.commands)
    subcommands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"serve", "migrate", "worker", "admin", "render", "webhooks", "ingest"} <= set(
        subcommands
    )


def test_the_app_serves_the_routes_of_its_features_only(settings: Settings) -> None:
    removed = tuple(f for f in composition.features() if f.name in ("webhooks", "ingest"))
    gone = paths(settings, composition.features()) - paths(settings, without("webhooks", "ingest"))
    assert "/v1/webhooks" in gone and "/v1/uploads" in gone
    assert gone == paths(settings, removed)


def test_a_product_without_webhooks_and_ingest_still_renders(settings: Settings) -> None:
    reduced = without("webhooks", "ingest")
    wiring = Wiring.of(reduced)
    # Given a product without the webhooks and ingest features
    assert record_event not in wiring.event_subscribers and wiring.readiness_gates == ()
    assert wiring.source_copier is None
    services = background_services(settings, wiring)
    everything = background_services(settings, Wiring.of(composition.features()))
    assert len(services) == len(everything) - 2  # no webhook dispatcher, no upload watcher
    workspace = make_workspace(settings, name="Lean", email="owner@lean.test", plan="pro")
    with TestClient(create_app(settings, reduced), raise_server_exceptions=False) as client:
        # Its routes are gone, the rest answers
        assert client.get("/v1/webhooks", headers=workspace.headers).status_code == 404
        assert client.post("/v1/uploads", headers=workspace.headers, json={}).status_code == 404
        ready = client.get("/readyz").json()["checks"]
        assert set(ready) == {"database", "storage", "queue"}
        # A source copy it cannot do is refused at submission, with a clear code
        external = client.post(
            "/v1/renders", json={**TINY, "ingest_external": True}, headers=workspace.headers
        )
        assert external.status_code == 422
        assert external.json()["error"]["code"] == "capability_unsupported"
        submitted = client.post("/v1/renders", json=TINY, headers=workspace.headers)
        assert submitted.status_code == 202, submitted.text
    # When the worker built from the same list runs the job
    run_one_job(settings, wiring)
    # Then it completes, and no webhook event was stored for it
    job = load(settings, submitted.json()["id"])
    assert job.status == "completed", job.error
    assert webhook_events(settings, workspace) == []


def test_a_product_without_chunking_renders_in_one_piece(settings: Settings) -> None:
    # Given a product without the chunking feature
    wiring = Wiring.of(without("chunking"))
    assert wiring.part_runners == {}
    workspace = make_workspace(settings, name="Whole", email="owner@whole.test", plan="pro")
    with TestClient(create_app(settings, wiring.features)) as client:
        submitted = client.post("/v1/renders", json=TINY, headers=workspace.headers)
    # When its worker runs the render
    run_one_job(settings, wiring)
    # Then the renders feature's own runner rendered it, in one piece
    job = load(settings, submitted.json()["id"])
    assert job.status == "completed", job.error
    assert "chunks" not in (job.output or {})


def test_the_full_product_stores_the_webhook_event(settings: Settings) -> None:
    wiring = Wiring.of(composition.features())
    workspace = make_workspace(settings, name="Full", email="owner@full.test", plan="pro")
    with TestClient(create_app(settings, wiring.features)) as client:
        submitted = client.post("/v1/renders", json=TINY, headers=workspace.headers)
    run_one_job(settings, wiring)
    assert load(settings, submitted.json()["id"]).status == "completed"
    assert {"render.processing", "render.completed"} <= set(webhook_events(settings, workspace))


def run_one_job(settings: Settings, wiring: Wiring) -> None:
    """What the worker's consumer does with the next message: run its task."""
    huey = make_consumer(settings, wiring, 1, embedded=False).huey
    task = huey.dequeue()
    assert task is not None
    huey.execute(task)


def webhook_events(settings: Settings, workspace: VerifiedWorkspace) -> list[str]:
    """The types of the webhook events stored for the workspace."""
    with session_scope(settings.resolved_database_url) as session:
        stmt = select(WebhookEvent.type).where(WebhookEvent.workspace_id == workspace.id)
        return list(session.scalars(stmt))
