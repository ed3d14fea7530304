"""Tasks over HTTP: an app with the embedded worker, a media server on 127.0.0.1, tiny media.

The media generators are the ones the operation tests and the benchmark use
(`bench/tasks_media.py`), so every source here has a known answer.
"""

from __future__ import annotations

import functools
import io
import sys
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
from tests.fixtures.identity import VerifiedWorkspace, make_workspace

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import PlanLimits, Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import tasks_media

TERMINAL = {"completed", "failed", "cancelled"}
SPEECH_TEXT = "The weather is lovely today. Please upload the video before the meeting."
TRIAL_TASKS = 2


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings plus a `trial` plan allowing two tasks a month."""
    plans = {
        **settings.plans,
        "trial": PlanLimits(render_minutes=1, tasks=TRIAL_TASKS, concurrent_jobs=None),
    }
    return settings.model_copy(update={"plans": plans})


@pytest.fixture
def live(settings: Settings) -> Iterator[TestClient]:
    """The API with its embedded worker running, as `framelane serve` starts it."""
    app = create_app(settings, composition.features(), start_background=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def pro(settings: Settings) -> VerifiedWorkspace:
    return make_workspace(settings, name="Pro", email="owner@pro.test", plan="pro")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


class MediaServer:
    """Serves the files of one folder over HTTP on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        handler = functools.partial(Quiet, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MediaServer]:
    server = MediaServer(tmp_path_factory.mktemp("task-sources"))
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def save_rgb(array: NDArray[np.uint8], path: Path) -> Path:
    Image.fromarray(array).save(path)
    return path


@pytest.fixture(scope="session")
def speech(media: MediaServer) -> str:
    tasks_media.speak(SPEECH_TEXT, media.folder / "speech.wav")
    return "speech.wav"


@pytest.fixture(scope="session")
def person_png(media: MediaServer) -> tuple[str, NDArray[np.float32]]:
    """A 320x240 composite of a person over a known background, with its true matte."""
    image, matte = tasks_media.composite_person(
        tasks_media.known_background(320, 240), 0.4, (90, 20)
    )
    save_rgb(image, media.folder / "person.png")
    return "person.png", matte


@pytest.fixture(scope="session")
def person_mp4(media: MediaServer) -> str:
    """6 frames of the person sliding over the background (160x120)."""
    background = tasks_media.known_background(160, 120)
    frames = [tasks_media.composite_person(background, 0.2, (50 + i, 10))[0] for i in range(6)]
    tasks_media.write_mp4(frames, media.folder / "person.mp4", fps=25)
    return "person.mp4"


@pytest.fixture(scope="session")
def small_png(media: MediaServer) -> str:
    """48x32 of the known background (smooth gradients and blobs)."""
    save_rgb(tasks_media.known_background(48, 32), media.folder / "small.png")
    return "small.png"


@pytest.fixture(scope="session")
def small_mp4_with_audio(media: MediaServer, speech: str) -> str:
    frames = [tasks_media.known_background(64, 48, seed=i) for i in range(5)]
    tasks_media.write_mp4(frames, media.folder / "small.mp4", fps=25, audio=media.folder / speech)
    return "small.mp4"


@pytest.fixture(scope="session")
def long_mp4(media: MediaServer) -> str:
    """Many small frames: long enough to cancel mid-way, each quick enough (≈ 0.2 s at 2×) for
    the worker to notice a cancel between frames well within 2 s."""
    frames = [tasks_media.known_background(96, 72, seed=i % 5) for i in range(250)]
    tasks_media.write_mp4(frames, media.folder / "long.mp4", fps=25)
    return "long.mp4"


@pytest.fixture(scope="session")
def sideways_mp4(media: MediaServer, speech: str) -> tuple[str, NDArray[np.uint8]]:
    """6 frames of the portrait looking sideways, then 2 without a face; with speech audio."""
    face = tasks_media.sideways_face(0.5, (-0.25, 0.0))
    blank = tasks_media.known_background(face.shape[1], face.shape[0])
    tasks_media.write_mp4(
        [face] * 6 + [blank] * 2, media.folder / "side.mp4", fps=25, audio=media.folder / speech
    )
    return "side.mp4", face


@pytest.fixture(scope="session")
def not_media(media: MediaServer) -> str:
    (media.folder / "notes.mp4").write_text("this is not a video, whatever the name says\n" * 20)
    return "notes.mp4"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def wait_for(
    client: TestClient, ws: VerifiedWorkspace, job_id: str, predicate: Any, timeout: float = 60.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/tasks/{job_id}", headers=ws.headers).json()
        if predicate(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; last state {job}")
        time.sleep(0.05)


def finish(
    client: TestClient, ws: VerifiedWorkspace, job_id: str, timeout: float = 120.0
) -> dict[str, Any]:
    """Long-poll (`?wait=`) until the task is terminal."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/tasks/{job_id}?wait=20", headers=ws.headers).json()
        if job.get("status") in TERMINAL or time.monotonic() > deadline:
            return job


def download(
    client: TestClient, ws: VerifiedWorkspace, job_id: str, fmt: str | None = None
) -> bytes:
    """Follow `GET /v1/tasks/{id}/download` to the signed artifact and return its bytes."""
    query = f"?format={fmt}" if fmt else ""
    redirect = client.get(
        f"/v1/tasks/{job_id}/download{query}", headers=ws.headers, follow_redirects=False
    )
    assert redirect.status_code == 302, redirect.text
    artifact = client.get(path_of(redirect.headers["location"]))
    assert artifact.status_code == 200
    return artifact.content


def decode_rgb(data: bytes) -> list[NDArray[np.uint8]]:
    import av

    with av.open(io.BytesIO(data)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


@pytest.fixture(scope="session")
def bad_sources(media: MediaServer, person_png: tuple[str, NDArray[np.float32]]) -> dict[str, str]:
    """Sources each task must refuse with a known code."""
    folder = media.folder
    data = (folder / person_png[0]).read_bytes()
    (folder / "truncated.png").write_bytes(data[: len(data) // 3])
    frames = [tasks_media.known_background(96, 64, seed=i) for i in range(4)]
    tasks_media.write_mp4(frames, folder / "faceless.mp4", fps=25)
    Image.new("L", (2100, 2100)).save(folder / "large.png")
    return {"truncated": "truncated.png", "faceless": "faceless.mp4", "large": "large.png"}
