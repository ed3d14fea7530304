"""Every task type end to end: HTTP submit → embedded worker → long-poll → download → content."""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from numpy.typing import NDArray
from PIL import Image
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.ingest.helpers import put_bytes, request_upload, wait_for_asset
from tests.net.http_server import live_server
from tests.tasks.api.conftest import (
    TRIAL_TASKS,
    MediaServer,
    decode_rgb,
    download,
    finish,
    tasks_media,
    wait_for,
)
from tests.webhooks.helpers import envelope

from framelane.core.settings import Settings
from framelane.jobs.retention import purge_expired_artifacts
from framelane.tasks.operations.video_io import read_alpha_video

SRT_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)$")
VTT_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")


def run(client: TestClient, ws: VerifiedWorkspace, slug: str, **body: object) -> dict[str, object]:
    created = client.post(f"/v1/tasks/{slug}", json=body, headers=ws.headers)
    assert created.status_code == 202, created.text
    done = finish(client, ws, str(created.json()["id"]))
    assert done["status"] == "completed", done
    assert done["progress_percent"] == 100 and done["completed_at"] is not None
    return done


def stored_files(settings: Settings, ws: VerifiedWorkspace, job_id: str) -> list[Path]:
    folder = settings.data_dir / "storage" / ws.id / "jobs" / job_id
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def has_audio(data: bytes) -> bool:
    with av.open(io.BytesIO(data)) as container:
        return len(container.streams.audio) > 0


def cue_times(text: str, pattern: re.Pattern[str]) -> list[tuple[float, float]]:
    times = []
    for line in text.splitlines():
        match = pattern.match(line.strip())
        if match:
            h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in match.groups())
            times.append(
                (h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000)
            )
    return times


@pytest.mark.slow
def test_remove_background_image_gives_a_png_with_the_person_opaque(
    live: TestClient,
    pro: VerifiedWorkspace,
    media: MediaServer,
    person_png: tuple[str, NDArray[np.float32]],
) -> None:
    name, truth = person_png
    done = run(
        live,
        pro,
        "remove-background",
        source_url=media.url(name),
        model="person",
        metadata={"shot": "a"},
    )
    output = done["output"]
    assert isinstance(output, dict)
    assert (output["width"], output["height"], output["content_type"]) == (320, 240, "image/png")
    assert done["metadata"] == {"shot": "a"} and done["task_type"] == "remove_background"
    image = Image.open(io.BytesIO(download(live, pro, str(done["id"]))))
    assert image.mode == "RGBA" and image.size == (320, 240)
    alpha = np.asarray(image)[..., 3].astype(np.float32) / 255
    assert tasks_media.iou(alpha, truth) >= 0.85
    assert alpha[truth < 0.01].mean() < 0.1 and alpha[truth > 0.99].mean() > 0.9


@pytest.mark.slow
def test_remove_background_video_gives_webm_with_alpha(
    live: TestClient, pro: VerifiedWorkspace, media: MediaServer, person_mp4: str, tmp_path: Path
) -> None:
    done = run(live, pro, "remove-background", source_url=media.url(person_mp4), model="person")
    output = done["output"]
    assert isinstance(output, dict) and output["content_type"] == "video/webm"
    webm = tmp_path / "cut.webm"
    webm.write_bytes(download(live, pro, str(done["id"])))
    frames = list(read_alpha_video(webm))
    assert len(frames) == 6 and frames[0].shape == (120, 160, 4)
    alpha = frames[3][..., 3]
    assert alpha.min() < 30 and alpha.max() > 225


@pytest.mark.slow
def test_super_resolution_image_is_scale_times_larger_and_faithful(
    live: TestClient, pro: VerifiedWorkspace, media: MediaServer, small_png: str
) -> None:
    done = run(live, pro, "super-resolution", source_url=media.url(small_png), scale=3)
    output = done["output"]
    assert isinstance(output, dict) and (output["width"], output["height"]) == (144, 96)
    big = np.asarray(Image.open(io.BytesIO(download(live, pro, str(done["id"])))).convert("RGB"))
    assert big.shape == (96, 144, 3)
    back = np.asarray(Image.fromarray(big).resize((48, 32), Image.Resampling.BOX))
    original = np.asarray(Image.open(media.folder / small_png).convert("RGB"))
    assert tasks_media.psnr(back, original) > 30
    assert output["download_formats"] == []
    no_captions = live.get(f"/v1/tasks/{done['id']}/download?format=srt", headers=pro.headers)
    assert no_captions.status_code == 404
    assert no_captions.json()["error"]["details"] == {"format": "srt", "available": []}


@pytest.mark.slow
def test_super_resolution_video_keeps_frames_and_audio(
    live: TestClient, pro: VerifiedWorkspace, media: MediaServer, small_mp4_with_audio: str
) -> None:
    done = run(live, pro, "super-resolution", source_url=media.url(small_mp4_with_audio), scale=2)
    data = download(live, pro, str(done["id"]))
    frames = decode_rgb(data)
    assert len(frames) == 5 and frames[0].shape == (96, 128, 3)
    assert has_audio(data)


@pytest.mark.slow
def test_transcribe_gives_words_srt_and_vtt(
    live: TestClient, pro: VerifiedWorkspace, media: MediaServer, speech: str, settings: Settings
) -> None:
    done = run(live, pro, "transcribe", source_url=media.url(speech), word_boost=["meeting"])
    output = done["output"]
    assert isinstance(output, dict) and output["content_type"] == "application/json"
    assert output["download_formats"] == ["srt", "vtt"] and "extra_keys" not in output
    transcript = json.loads(download(live, pro, str(done["id"])))
    words = [w["text"].strip(".,").lower() for w in transcript["words"]]
    for expected in ("weather", "lovely", "upload", "video", "meeting"):
        assert expected in words, transcript["text"]
    starts = [w["start"] for w in transcript["words"]]
    assert starts == sorted(starts) and 0 <= starts[0] < transcript["words"][-1]["end"]
    assert transcript["words"][-1]["end"] <= transcript["audio_duration"] * 1000 + 50
    assert all(0 <= w["confidence"] <= 1 for w in transcript["words"])
    assert transcript["utterances"] and transcript["text"].lower().startswith("the weather")
    srt = download(live, pro, str(done["id"]), "srt").decode()
    vtt = download(live, pro, str(done["id"]), "vtt").decode()
    assert srt.startswith("1\n") and "weather" in srt.lower()
    assert vtt.startswith("WEBVTT\n") and "meeting" in vtt.lower()
    for cues in (cue_times(srt, SRT_TIME), cue_times(vtt, VTT_TIME)):
        assert cues and all(start < end for start, end in cues)
        assert cues[0][0] == pytest.approx(starts[0] / 1000, abs=0.002)
    usage = live.get("/v1/workspace/usage", headers=pro.headers).json()
    assert usage["task_count"] == 1
    assert usage["egress_bytes"] == output["size_bytes"] + len(srt.encode()) + len(vtt.encode())
    # And past the retention period every file of the task goes, captions included
    assert len(stored_files(settings, pro, str(done["id"]))) == 3
    purge_expired_artifacts(settings.model_copy(update={"artifact_retention_days": 0}))
    assert stored_files(settings, pro, str(done["id"])) == []
    for query in ("", "?format=srt", "?format=vtt"):
        expired = live.get(f"/v1/tasks/{done['id']}/download{query}", headers=pro.headers)
        assert expired.status_code == 404
        assert expired.json()["error"]["code"] == "artifact_expired"


@pytest.mark.slow
def test_a_tasks_lifecycle_reaches_its_webhook_url(
    live: TestClient, pro: VerifiedWorkspace, media: MediaServer, small_png: str
) -> None:
    with live_server() as receiver:
        created = live.post(
            "/v1/tasks/super-resolution",
            headers=pro.headers,
            json={
                "source_url": media.url(small_png),
                "scale": 2,
                "metadata": {"order": "B-2"},
                "webhook_url": receiver.url("/task-events"),
            },
        )
        assert created.status_code == 202, created.text
        deadline = time.monotonic() + 60
        while "task.completed" not in [envelope(r)["type"] for r in receiver.received]:
            assert time.monotonic() < deadline, "no task.completed delivery"
            time.sleep(0.05)
        events = [envelope(r) for r in receiver.received]
    types = [e["type"] for e in events if e["type"] != "task.progress"]
    assert types == ["task.processing", "task.completed"]
    assert all(e["data"]["id"] == created.json()["id"] for e in events)
    assert all(e["metadata"] == {"order": "B-2"} for e in events)
    assert events[-1]["data"]["task_type"] == "super_resolution"
    assert events[-1]["data"]["output"]["width"] == 96


@pytest.mark.slow
def test_gaze_redirect_video_keeps_frames_and_audio_and_looks_at_the_camera(
    live: TestClient,
    pro: VerifiedWorkspace,
    media: MediaServer,
    sideways_mp4: tuple[str, NDArray[np.uint8]],
) -> None:
    name, sideways = sideways_mp4
    done = run(live, pro, "gaze-redirect", source_url=media.url(name), intensity=1)
    data = download(live, pro, str(done["id"]))
    frames = decode_rgb(data)
    assert len(frames) == 8 and frames[0].shape == sideways.shape
    assert has_audio(data)
    reference = tasks_media.face_landmarks(tasks_media.portrait(0.5))
    before = tasks_media.face_landmarks(sideways)
    after = tasks_media.face_landmarks(frames[4])
    assert reference is not None and before is not None and after is not None
    assert tasks_media.iris_error(after, reference) < 0.4 * tasks_media.iris_error(
        before, reference
    )


@pytest.mark.slow
def test_not_media_source_fails_with_unsupported_media(
    live: TestClient, pro: VerifiedWorkspace, media: MediaServer, not_media: str
) -> None:
    created = live.post(
        "/v1/tasks/super-resolution", json={"source_url": media.url(not_media)}, headers=pro.headers
    ).json()
    done = finish(live, pro, created["id"])
    assert done["status"] == "failed" and done["error"]["code"] == "unsupported_media", done
    missing = live.post(
        "/v1/tasks/transcribe", json={"source_url": media.url("nope.wav")}, headers=pro.headers
    ).json()
    gone = finish(live, pro, missing["id"])
    assert gone["status"] == "failed" and gone["error"]["code"] == "source_not_found", gone
    download_failed = live.get(f"/v1/tasks/{created['id']}/download", headers=pro.headers)
    assert download_failed.status_code == 409


@pytest.mark.slow
def test_cancel_a_running_task_leaves_no_artifact(
    live: TestClient, pro: VerifiedWorkspace, media: MediaServer, long_mp4: str, settings: Settings
) -> None:
    job = live.post(
        "/v1/tasks/super-resolution",
        json={"source_url": media.url(long_mp4), "scale": 2},
        headers=pro.headers,
    ).json()
    running = wait_for(
        live, pro, job["id"], lambda j: j["status"] == "processing" and j["progress_percent"] > 6
    )
    assert running["progress_stage"] in {"compositing", "encoding"}
    cancelled = live.delete(f"/v1/tasks/{job['id']}", headers=pro.headers)
    asked = time.monotonic()
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    workdir = settings.data_dir / "work" / f"{job['id']}-1"
    while workdir.exists() and time.monotonic() - asked < 2.0:
        time.sleep(0.02)
    stopped_after = time.monotonic() - asked
    assert not workdir.exists(), f"the worker did not stop within 2 s ({stopped_after:.2f} s)"
    time.sleep(0.3)
    assert stored_files(settings, pro, job["id"]) == []
    final = live.get(f"/v1/tasks/{job['id']}", headers=pro.headers).json()
    assert final["status"] == "cancelled" and final["output"] is None
    again = live.delete(f"/v1/tasks/{job['id']}", headers=pro.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "job_not_cancellable"


@pytest.mark.slow
def test_an_uploaded_source_serves_its_own_workspace_only(
    live: TestClient,
    pro: VerifiedWorkspace,
    other_workspace: VerifiedWorkspace,
    media: MediaServer,
    small_png: str,
) -> None:
    upload = request_upload(live, pro, "image/png", filename="small.png")
    data = (media.folder / small_png).read_bytes()
    assert put_bytes(live, upload["upload_url"], data, "image/png").status_code < 300
    body = {"source_url": upload["source_url"], "scale": 2}
    mine = run(live, pro, "super-resolution", **body)
    output = mine["output"]
    assert isinstance(output, dict) and (output["width"], output["height"]) == (96, 64)
    theirs = live.post(
        "/v1/tasks/super-resolution", json=body, headers=other_workspace.headers
    ).json()
    refused = finish(live, other_workspace, theirs["id"])
    assert refused["status"] == "failed"
    assert refused["error"]["code"] == "source_not_found", refused


@pytest.mark.slow
def test_an_upload_that_failed_its_probe_fails_the_task_with_the_probes_code(
    live: TestClient, pro: VerifiedWorkspace, bad_sources: dict[str, str], media: MediaServer
) -> None:
    upload = request_upload(live, pro, "image/png", filename="truncated.png")
    data = (media.folder / bad_sources["truncated"]).read_bytes()
    assert put_bytes(live, upload["upload_url"], data, "image/png").status_code < 300
    asset = wait_for_asset(live, pro, upload["id"])
    assert asset["status"] == "failed"
    created = live.post(
        "/v1/tasks/remove-background",
        headers=pro.headers,
        json={"source_url": upload["source_url"]},
    ).json()
    done = finish(live, pro, created["id"])
    assert done["status"] == "failed", done
    assert done["error"]["code"] in {"source_corrupt", "unsupported_media"}, done


@pytest.mark.slow
def test_operation_errors_keep_their_codes(
    live: TestClient, pro: VerifiedWorkspace, media: MediaServer, bad_sources: dict[str, str]
) -> None:
    cases = [
        (
            "remove-background",
            {"source_url": media.url(bad_sources["truncated"])},
            "source_corrupt",
        ),
        ("gaze-redirect", {"source_url": media.url(bad_sources["faceless"])}, "no_face_detected"),
        ("transcribe", {"source_url": media.url(bad_sources["large"])}, "unsupported_media"),
        (
            "super-resolution",
            {"source_url": media.url(bad_sources["large"]), "scale": 4},
            "limit_exceeded",
        ),
        (
            "remove-background",
            {"source_url": media.url(bad_sources["faceless"]), "output_format": "png"},
            "unsupported_media",
        ),
    ]
    submitted = []
    for slug, body, code in cases:
        answer = live.post(f"/v1/tasks/{slug}", json=body, headers=pro.headers)
        assert answer.status_code == 202, answer.text
        submitted.append((answer.json()["id"], code))
    for task_id, code in submitted:
        done = finish(live, pro, task_id)
        assert done["status"] == "failed", (done["task_type"], done["output"])
        assert done["error"]["code"] == code, done
        assert done["output"] is None and done["error"]["message"]
    usage = live.get("/v1/workspace/usage", headers=pro.headers).json()
    assert usage["task_count"] == 0


@pytest.mark.slow
def test_completed_tasks_use_up_the_monthly_quota(
    live: TestClient, settings: Settings, media: MediaServer, small_png: str
) -> None:
    trial = make_workspace(settings, name="Trial", email="owner@trial.test", plan="trial")
    body = {"source_url": media.url(small_png), "scale": 1}
    for _ in range(TRIAL_TASKS):
        run(live, trial, "super-resolution", **body)
    usage = live.get("/v1/workspace/usage", headers=trial.headers).json()
    assert (usage["task_count"], usage["task_limit"]) == (TRIAL_TASKS, TRIAL_TASKS)
    refused = live.post("/v1/tasks/super-resolution", json=body, headers=trial.headers)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "quota_exceeded"
