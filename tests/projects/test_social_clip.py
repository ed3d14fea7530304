"""The "generate a social clip" flow by ops alone, on a generated talking clip (espeak-ng
speech over a small 16:9 video): trim → 9:16 crop → transcribe (the real task) → captions →
render at 1080×1920. The captions are timed to the transcript's words within one frame."""

from __future__ import annotations

import io
import math
import sys
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from numpy.typing import NDArray

from tests.fixtures.identity import VerifiedWorkspace
from tests.projects.conftest import applied, create, download, finish, request_of

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import tasks_media

pytestmark = pytest.mark.slow

SPEECH = "Hello there. Please upload the video today."
FPS = 25
IN_POINT, OUT_POINT = 0.1, 3.6
BAND = slice(1400, 1750)  # rows of the caption band (captions centred at y = 82 %)


def talking_clip(folder: Path) -> str:
    """4 s of a dark 320×180 scene (a grey square drifting along the top) with the speech."""
    wav = tasks_media.speak(SPEECH, folder / "speech.wav")
    frames = []
    for index in range(4 * FPS):
        frame = np.full((180, 320, 3), (30, 30, 40), dtype=np.uint8)
        frame[10:40, 100 + index : 130 + index] = (90, 90, 90)
        frames.append(frame)
    tasks_media.write_mp4(frames, folder / "talk.mp4", fps=FPS, audio=wav)
    return "talk.mp4"


def transcribe(client: TestClient, ws: VerifiedWorkspace, url: str) -> dict[str, Any]:
    created = client.post("/v1/tasks/transcribe", json={"source_url": url}, headers=ws.headers)
    assert created.status_code == 202, created.text
    deadline = time.monotonic() + 180
    while True:
        task: dict[str, Any] = client.get(
            f"/v1/tasks/{created.json()['id']}?wait=10", headers=ws.headers
        ).json()
        if task["status"] in ("completed", "failed", "cancelled"):
            assert task["status"] == "completed", task
            return task
        assert time.monotonic() < deadline, task


def caption_visible(frames: list[NDArray[np.uint8]]) -> list[bool]:
    """Whether anything brighter than the dark scene is drawn in the caption band."""
    return [bool((frame[BAND].max(axis=-1) > 150).sum() > 200) for frame in frames]


def decode(data: bytes) -> tuple[list[NDArray[np.uint8]], int, int]:
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return frames, stream.codec_context.width, stream.codec_context.height


def test_social_clip_by_ops(
    live: TestClient, pro: VerifiedWorkspace, www: tuple[Path, str]
) -> None:
    folder, base = www
    url = f"{base}/{talking_clip(folder)}"
    pid = create(
        live,
        pro,
        {"frame_rate": FPS, "elements": [{"type": "video", "id": "clip", "source_url": url}]},
    )["id"]
    applied(
        live,
        pro,
        pid,
        {"op": "trim_element", "id": "clip", "in_point": IN_POINT, "out_point": OUT_POINT},
    )
    applied(
        live,
        pro,
        pid,
        {"op": "set_request_fields", "fields": {"width": 1080, "height": 1920}},
        {"op": "set_fields", "id": "clip", "fields": {"crop_left": 0.342, "crop_right": 0.342}},
    )
    task = transcribe(live, pro, url)
    result = applied(
        live,
        pro,
        pid,
        {
            "op": "add_captions",
            "task_id": task["id"],
            "align_to": "clip",
            "style": ["color", "box", "glow"],
            "max_chars_per_line": 16,
            "fields": {"font_size": 80, "y": "82%", "width": "90%", "font_weight": 800},
        },
    )
    assert result["ok"] is True and result["violations"] == []
    request = request_of(live, pro, pid)
    captions = [e for e in request["elements"] if e["type"] == "text"]
    assert len(captions) >= 2 and captions[0]["text"].lower().startswith("hello")

    transcript = live.get(
        f"/v1/tasks/{task['id']}/download", headers=pro.headers, follow_redirects=True
    ).json()
    expected = [
        (max(w["start"] / 1000, IN_POINT) - IN_POINT, min(w["end"] / 1000, OUT_POINT) - IN_POINT)
        for w in transcript["words"]
        if w["end"] / 1000 > IN_POINT and w["start"] / 1000 < OUT_POINT
    ]
    placed = [(w["start"], w["end"]) for c in captions for w in c["word_animation"]["words"]]
    assert len(placed) == len(expected)
    assert all(
        abs(a - b) <= 1 / FPS
        for got, want in zip(placed, expected, strict=True)
        for a, b in zip(got, want, strict=True)
    )

    job = live.post(f"/v1/projects/{pid}/renders", headers=pro.headers)
    assert job.status_code == 202, job.text
    done = finish(live, pro, job.json()["id"], timeout=300)
    assert done["status"] == "completed", done
    assert (done["output"]["width"], done["output"]["height"]) == (1080, 1920)
    frames, width, height = decode(download(live, pro, done["id"]))
    assert (width, height) == (1080, 1920) and abs(len(frames) - (OUT_POINT - IN_POINT) * FPS) <= 1
    windows = [(c["time"], c["time"] + c["duration"]) for c in captions]
    seen = caption_visible(frames)
    for index, visible in enumerate(seen):
        t = index / FPS
        should = any(start <= t < end for start, end in windows)
        near_edge = any(min(abs(t - start), abs(t - end)) < 1 / FPS for start, end in windows)
        assert visible == should or near_edge, (index, t, visible, windows)
    first_shown = seen.index(True) / FPS
    assert math.isclose(first_shown, windows[0][0], abs_tol=1 / FPS)
