"""Split renders through the job machinery: fan-out to parts, fan-in to one artifact."""

from __future__ import annotations

import os
import time

import av
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.usage.models import UsageRecord
from tests.chunking.conftest import chunk_files, moving_title, parts_of
from tests.fixtures.identity import VerifiedWorkspace
from tests.renders.conftest import wait_for

pytestmark = pytest.mark.slow

TERMINAL = {"completed", "failed", "cancelled"}


def test_a_long_render_is_split_joined_and_counted_once(
    chunked_live: TestClient, pro_ws: VerifiedWorkspace, chunk_settings: Settings
) -> None:
    job = chunked_live.post("/v1/renders", json=moving_title(4), headers=pro_ws.headers).json()
    done = wait_for(chunked_live, pro_ws, job["id"], lambda j: j["status"] in TERMINAL, 120)
    assert done["status"] == "completed", done
    assert done["output"]["chunks"] == 4
    assert done["output"]["duration"] == 4.0
    parts = parts_of(chunk_settings, job["id"])
    assert [(p.kind, p.frame_start, p.frame_stop) for p in parts] == [
        ("video", 0, 10),
        ("video", 10, 20),
        ("video", 20, 30),
        ("video", 30, 40),
    ]
    assert all(p.status == "done" and p.attempts == 1 for p in parts)
    assert chunk_files(chunk_settings, pro_ws) == []  # removed after the join
    url = chunked_live.get(
        f"/v1/renders/{job['id']}/download", headers=pro_ws.headers, follow_redirects=False
    ).headers["location"]
    artifact = chunked_live.get(url.replace("http://testserver", ""))
    path = chunk_settings.data_dir / "out.mp4"
    path.write_bytes(artifact.content)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        times = [frame.pts * stream.time_base for frame in container.decode(stream)]
    assert [round(float(t) * 10) for t in times] == list(range(40))
    with session_scope(chunk_settings.resolved_database_url) as session:
        usage = session.scalars(
            select(UsageRecord).where(UsageRecord.workspace_id == pro_ws.id)
        ).all()
        renders = [u for u in usage if u.kind == "render_seconds"]
        assert [u.amount for u in renders] == [4.0]


def test_a_short_render_or_a_gif_stays_in_one_piece(
    chunked_live: TestClient, pro_ws: VerifiedWorkspace, chunk_settings: Settings
) -> None:
    short = chunked_live.post("/v1/renders", json=moving_title(2), headers=pro_ws.headers).json()
    gif = chunked_live.post(
        "/v1/renders", json=moving_title(4, output_format="gif"), headers=pro_ws.headers
    ).json()
    off = chunked_live.post(
        "/v1/renders", json=moving_title(4, chunking="off"), headers=pro_ws.headers
    ).json()
    for job in (short, gif, off):
        done = wait_for(chunked_live, pro_ws, job["id"], lambda j: j["status"] in TERMINAL, 60)
        assert done["status"] == "completed", done
        assert done["output"]["chunks"] == 1
        assert parts_of(chunk_settings, job["id"]) == []
    gif_done = chunked_live.get(f"/v1/renders/{gif['id']}", headers=pro_ws.headers).json()
    assert {
        "code": "not_split",
        "message": "rendered in one piece: a gif output is made in one piece",
    } in gif_done["warnings"]


def test_cancel_stops_every_part_within_2s_and_leaves_nothing(
    chunked_live: TestClient, pro_ws: VerifiedWorkspace, chunk_settings: Settings
) -> None:
    body = moving_title(60, width=320, height=180, frame_rate=30)
    job = chunked_live.post("/v1/renders", json=body, headers=pro_ws.headers).json()
    wait_for(
        chunked_live,
        pro_ws,
        job["id"],
        lambda j: j["status"] == "processing" and j["progress_percent"] > 12,
        120,
    )
    assert sum(p.status == "running" for p in parts_of(chunk_settings, job["id"])) >= 1
    cancelled = chunked_live.delete(f"/v1/renders/{job['id']}", headers=pro_ws.headers)
    asked = time.monotonic()
    assert cancelled.json()["status"] == "cancelled"
    work = chunk_settings.data_dir / "work"
    while any(work.iterdir()) and time.monotonic() - asked < 2.0:
        time.sleep(0.02)
    assert not any(work.iterdir()), "a part was still rendering 2 s after the cancel"
    time.sleep(0.5)
    assert chunk_files(chunk_settings, pro_ws) == []
    assert not (chunk_settings.data_dir / "storage" / pro_ws.id / "jobs" / job["id"]).exists()
    assert all(p.status != "done" or p.storage_key for p in parts_of(chunk_settings, job["id"]))


def test_serve_splits_a_render_across_its_worker_processes(
    chunk_settings: Settings, pro_ws: VerifiedWorkspace
) -> None:
    with_processes = chunk_settings.model_copy(
        update={"embedded_workers": 1, "embedded_worker_processes": 1}
    )
    app = create_app(with_processes, composition.features(), start_background=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        log = chunk_settings.data_dir / "logs" / "worker-0.log"
        deadline = time.monotonic() + 60  # the process imports everything first
        while "consumer started" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "the worker process did not start"
            time.sleep(0.1)
        body = moving_title(12, width=320, height=180, frame_rate=30)
        job = client.post("/v1/renders", json=body, headers=pro_ws.headers).json()
        done = wait_for(client, pro_ws, job["id"], lambda j: j["status"] in TERMINAL, 180)
    assert done["status"] == "completed", done
    pids = {part.worker_id.split(":")[1] for part in parts_of(chunk_settings, job["id"])}
    assert str(os.getpid()) in pids and len(pids) == 2


def test_the_sweep_removes_parts_left_by_a_worker_that_died(
    chunk_settings: Settings, pro_ws: VerifiedWorkspace
) -> None:
    from framelane.chunking.repository import ChunkRepository, PartSpec
    from framelane.chunking.service import chunk_prefix, sweep_part_files
    from framelane.storage.factory import storage_for
    from tests.jobs.conftest import add_job

    job_id = add_job(chunk_settings, pro_ws.id, kind="render", status="cancelled")
    with session_scope(chunk_settings.resolved_database_url) as session:
        ChunkRepository.from_session(session).create_plan(
            job_id, [PartSpec("video", 0, range(0, 10))], 10, False
        )
    chunk_settings.data_dir.mkdir(parents=True, exist_ok=True)
    left = chunk_settings.data_dir / "left.mp4"
    left.write_bytes(b"part")
    storage_for(chunk_settings).put_file(
        chunk_prefix(pro_ws.id, job_id) + "p.mp4", left, "video/mp4"
    )
    assert len(chunk_files(chunk_settings, pro_ws)) == 1
    assert sweep_part_files(chunk_settings) == 1
    assert chunk_files(chunk_settings, pro_ws) == []
    assert sweep_part_files(chunk_settings) == 0
