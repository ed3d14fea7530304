"""A live app whose renders are split into parts of 1 s from 3 s on, with two worker threads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.chunking.models import RenderChunk
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from tests.fixtures.identity import VerifiedWorkspace, make_workspace


@pytest.fixture
def chunk_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"chunk_seconds": 1.0, "chunk_min_seconds": 3.0, "embedded_workers": 2}
    )


@pytest.fixture
def chunked_live(chunk_settings: Settings) -> Iterator[TestClient]:
    app = create_app(chunk_settings, composition.features(), start_background=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def pro_ws(chunk_settings: Settings) -> VerifiedWorkspace:
    return make_workspace(chunk_settings, name="Pro", email="owner@chunks.test", plan="pro")


def moving_title(seconds: int, **overrides: Any) -> dict[str, Any]:
    """A 64×36 title sliding across for `seconds` at 10 fps."""
    body: dict[str, Any] = {
        "width": 64,
        "height": 36,
        "duration": seconds,
        "frame_rate": 10,
        "background_color": "#203040",
        "elements": [
            {
                "type": "text",
                "id": "t",
                "text": "Parts",
                "duration": seconds,
                "font_size": 10,
                "motion": [{"type": "slide_right", "time": 0, "duration": seconds}],
            }
        ],
    }
    body.update(overrides)
    return body


def parts_of(settings: Settings, job_id: str) -> list[RenderChunk]:
    with session_scope(settings.resolved_database_url) as session:
        parts = list(
            session.query(RenderChunk)
            .filter(RenderChunk.job_id == job_id)
            .order_by(RenderChunk.kind.desc(), RenderChunk.position)
        )
        session.expunge_all()
        return parts


def chunk_files(settings: Settings, ws: VerifiedWorkspace) -> list[Path]:
    folder = settings.data_dir / "storage" / ws.id / "chunks"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
