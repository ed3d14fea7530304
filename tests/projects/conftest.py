"""Projects over HTTP: helpers to create a project and apply ops."""

from __future__ import annotations

import functools
import io
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
from fastapi.testclient import TestClient
from numpy.typing import NDArray
from PIL import Image

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from tests.fixtures.identity import VerifiedWorkspace, make_workspace


def scene() -> dict[str, Any]:
    """Two coloured texts joined by a dissolve over a small canvas (3 s)."""
    return {
        "width": 64,
        "height": 36,
        "duration": 3,
        "frame_rate": 10,
        "background_color": "#000000",
        "elements": [
            {"type": "text", "id": "a", "text": "A", "time": 0, "duration": 2, "font_size": 8},
            {"type": "text", "id": "b", "text": "B", "time": 1.5, "duration": 1.5, "font_size": 8},
        ],
        "transitions": [{"type": "cross_dissolve", "duration": 0.5, "from_id": "a", "to_id": "b"}],
    }


def create(
    client: TestClient, ws: VerifiedWorkspace, request: dict[str, Any] | None = None, **body: Any
) -> dict[str, Any]:
    payload = {"render_request": request if request is not None else scene(), **body}
    response = client.post("/v1/projects", json=payload, headers=ws.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def ops(
    client: TestClient, ws: VerifiedWorkspace, project_id: str, *items: dict[str, Any], **body: Any
) -> Any:
    return client.post(
        f"/v1/projects/{project_id}/ops", json={"ops": list(items), **body}, headers=ws.headers
    )


def applied(
    client: TestClient, ws: VerifiedWorkspace, project_id: str, *items: dict[str, Any]
) -> dict[str, Any]:
    response = ops(client, ws, project_id, *items)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def request_of(client: TestClient, ws: VerifiedWorkspace, project_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/projects/{project_id}?view=full", headers=ws.headers)
    assert response.status_code == 200, response.text
    request: dict[str, Any] = response.json()["render_request"]
    return request


def element(request: dict[str, Any], element_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in request["elements"] if e.get("id") == element_id)
    return found


def failed(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    return error


TERMINAL = {"completed", "failed", "cancelled"}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def www(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1: red.png and green.png (16×16)."""
    folder = tmp_path / "www"
    folder.mkdir()
    Image.new("RGB", (16, 16), (255, 0, 0)).save(folder / "red.png")
    Image.new("RGB", (16, 16), (0, 255, 0)).save(folder / "green.png")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def live(settings: Settings) -> Iterator[TestClient]:
    """The API with its embedded worker and webhook dispatcher, as `framelane serve`."""
    app = create_app(settings, composition.features(), start_background=True)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def pro(settings: Settings) -> VerifiedWorkspace:
    return make_workspace(settings, name="Pro", email="owner@pro.test", plan="pro")


def finish(
    client: TestClient, ws: VerifiedWorkspace, job_id: str, timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/renders/{job_id}?wait=10", headers=ws.headers).json()
        if job.get("status") in TERMINAL:
            return job
        assert time.monotonic() < deadline, f"timed out: {job}"


def download(client: TestClient, ws: VerifiedWorkspace, job_id: str) -> bytes:
    redirect = client.get(
        f"/v1/renders/{job_id}/download", headers=ws.headers, follow_redirects=False
    )
    assert redirect.status_code == 302, redirect.text
    parts = urlsplit(redirect.headers["location"])
    artifact = client.get(f"{parts.path}?{parts.query}")
    assert artifact.status_code == 200
    return artifact.content


def rgb(data: bytes) -> NDArray[np.uint8]:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
