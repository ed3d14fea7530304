"""`POST /v1/preview`, and renders whose sources come from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.fixtures.identity import VerifiedWorkspace
from tests.renders.conftest import tiny, wait_for

TERMINAL = {"completed", "failed", "cancelled"}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def sources(tmp_path: Path) -> Iterator[str]:
    """A blue 32×32 PNG at `<base>/blue.png`."""
    folder = tmp_path / "www"
    folder.mkdir()
    Image.new("RGB", (32, 32), (0, 0, 255)).save(folder / "blue.png")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def with_image(base: str, **overrides: Any) -> dict[str, Any]:
    return tiny(
        elements=[
            {
                "type": "image",
                "id": "logo",
                "source_url": f"{base}/blue.png",
                "duration": 1,
                "width": 64,
                "height": 36,
            }
        ],
        **overrides,
    )


def png_pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_dry_run_validates_for_free(live: TestClient, pro: VerifiedWorkspace) -> None:
    answer = live.post("/v1/preview", json={**tiny(extra=1), "dry_run": True}, headers=pro.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["valid"] and [w["path"] for w in body["warnings"]] == ["extra"]
    assert (body["width"], body["height"], body["duration"]) == (64, 36, 1.0)
    assert live.get("/v1/renders", headers=pro.headers).json()["data"] == []
    usage = live.get("/v1/workspace/usage", headers=pro.headers).json()
    assert usage["render_minutes"] == 0
    invalid = live.post("/v1/preview", json={"width": 64, "dry_run": True}, headers=pro.headers)
    assert invalid.status_code == 422 and invalid.json()["error"]["code"] == "validation_error"
    for options in ({"time": -1}, {"contact_sheet": 99}, {"dry_run": "maybe"}):
        bad = live.post("/v1/preview", json={**tiny(), **options}, headers=pro.headers)
        assert bad.status_code == 422, bad.text
        assert bad.json()["error"]["details"][0]["loc"] == [next(iter(options))]


@pytest.mark.slow
def test_preview_draws_a_frame_and_a_contact_sheet(
    live: TestClient, pro: VerifiedWorkspace, sources: str
) -> None:
    still = live.post("/v1/preview", json={**with_image(sources), "time": 0.5}, headers=pro.headers)
    assert still.status_code == 200 and still.headers["content-type"] == "image/png"
    pixels = png_pixels(still.content)
    assert pixels.shape == (36, 64, 3)
    red, green, blue = pixels[18, 32].astype(int)
    assert blue > 200 and red < 50 and green < 50
    sheet = live.post("/v1/preview", json={**tiny(), "contact_sheet": 4}, headers=pro.headers)
    assert sheet.status_code == 200 and png_pixels(sheet.content).shape[0] > 0


@pytest.mark.slow
def test_a_render_fetches_its_http_source(
    live: TestClient, pro: VerifiedWorkspace, sources: str
) -> None:
    job = live.post("/v1/renders", json=with_image(sources), headers=pro.headers).json()
    done = wait_for(live, pro, job["id"], lambda j: j["status"] in TERMINAL)
    assert done["status"] == "completed", done
    missing = tiny(
        elements=[{"type": "image", "id": "x", "duration": 1, "source_url": f"{sources}/nope.png"}]
    )
    job = live.post("/v1/renders", json=missing, headers=pro.headers).json()
    failed = wait_for(live, pro, job["id"], lambda j: j["status"] in TERMINAL)
    assert failed["status"] == "failed" and failed["error"]["code"] == "source_not_found"


@pytest.mark.slow
def test_ingest_external_copies_sources_first(
    live: TestClient, pro: VerifiedWorkspace, sources: str
) -> None:
    created = live.post(
        "/v1/renders", json=with_image(sources, ingest_external=True), headers=pro.headers
    )
    assert created.status_code == 202
    assert created.json()["status"] == "ingesting"
    done = wait_for(live, pro, created.json()["id"], lambda j: j["status"] in TERMINAL)
    assert done["status"] == "completed", done
    assets = live.get("/v1/workspace/assets", headers=pro.headers)
    assert assets.status_code == 200
