"""Every render example of the API documentation renders, its sources served by a real HTTP
server on 127.0.0.1 under the names the examples use."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient

from framelane.core.settings import Settings
from framelane.renders.examples import MEDIA, RENDER_EXAMPLES
from tests.fixtures.identity import VerifiedWorkspace
from tests.render.conftest import beep, write_video, write_wav
from tests.renders.conftest import wait_for
from tests.renders.test_preview_and_sources import QuietHandler
from tests.tokens.conftest import Api, make_token_user

pytestmark = pytest.mark.slow


def dark(index: int, size: tuple[int, int] = (160, 90)) -> np.ndarray:
    """A dark blue frame (the white titles and captions stand out on it)."""
    return np.full((size[1], size[0], 3), (10, 20, 60 + index % 40), np.uint8)


TEXT_AT = {"video_with_trim": (1.5, 0.85), "captions": (1.7, 0.75)}
"""Where each example shows its white text: (seconds, height as a fraction of the frame)."""


@pytest.fixture
def media(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "media"
    folder.mkdir()
    tone = beep(5.0, 440.0, 0.3)
    write_video(folder / "interview.mp4", seconds=5.0, fps=25, tone=tone, frame=dark)
    write_video(
        folder / "vertical.mp4", seconds=1.0, size=(90, 160), frame=lambda n: dark(n, (90, 160))
    )
    write_video(folder / "beach.mp4", seconds=2.5, tone=beep(2.5, 330.0, 0.3))
    write_video(folder / "city.mp4", seconds=2.5, tone=beep(2.5, 550.0, 0.3))
    write_wav(folder / "music.wav", beep(1.0, 220.0, 0.3))
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def brand_tokenset(client: TestClient, settings: Settings, ws: VerifiedWorkspace) -> str:
    api = Api(client, make_token_user(settings, ws.email))
    tokenset = api.tokenset(ws.id, "Brand")
    api.token(tokenset, {"name": "colors.background", "type": "color", "value": "#ffffff"})
    api.token(tokenset, {"name": "colors.accent", "type": "color", "value": "#2563eb"})
    modes = f"/tokensets/{tokenset['id']}/modes"
    dark = api.call("POST", modes, 201, json={"name": "Dark"})
    for token in api.call("GET", f"{modes}/{dark['id']}/tokens")["tokens"]:
        value = {"colors.background": "#111827", "colors.accent": "#f59e0b"}[token["name"]]
        api.call("PATCH", f"{modes}/{dark['id']}/tokens/{token['id']}", json={"value": value})
    return str(tokenset["id"])


def text_shows(container: Any, time: float, height: float) -> bool:
    """Whether white text is drawn in the band around `height` at `time` (on a dark video)."""
    for frame in container.decode(video=0):
        if frame.time is not None and frame.time >= time:
            rgb = frame.to_ndarray(format="rgb24")
            row = int(rgb.shape[0] * height)
            band = rgb[row - 20 : row + 20]
            return bool((band.min(axis=2) > 200).mean() > 0.01)
    return False


def served(example: dict[str, Any], base: str, tokenset_id: str) -> dict[str, Any]:
    text = json.dumps(example).replace(MEDIA, base).replace("tks_your_tokenset", tokenset_id)
    body: dict[str, Any] = json.loads(text)
    return body


def test_every_documented_example_renders(
    live: TestClient, settings: Settings, pro: VerifiedWorkspace, media: str
) -> None:
    tokenset_id = brand_tokenset(live, settings, pro)
    for name, example in RENDER_EXAMPLES.items():
        body = served(example["value"], media, tokenset_id)
        created = live.post("/v1/renders", json=body, headers=pro.headers)
        assert created.status_code == 202, (name, created.text)
        assert created.json()["warnings"] == [], name
        done = wait_for(
            live,
            pro,
            created.json()["id"],
            lambda j: j["status"] != "queued" and j["status"] != "processing",
            timeout=120,
        )
        assert done["status"] == "completed", (name, done)
        output = live.get(f"/v1/renders/{done['id']}/download", headers=pro.headers)
        assert output.status_code == 200, name
        path = settings.data_dir / f"{name}.mp4"
        path.write_bytes(output.content)
        with av.open(str(path)) as container:
            seconds = float(container.duration or 0) / av.time_base
            assert container.streams.video[0].width == body["width"], name
            if name in TEXT_AT:
                assert text_shows(container, *TEXT_AT[name]), name
        expected = body.get("duration") or {"video_with_trim": 3, "transition": 4}[name]
        assert seconds == pytest.approx(expected, abs=0.1), name
