"""The remote command line (`framelane submit|validate|task|jobs`) as a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.client.media import GREEN, corner_colour, decoded_frames, near, tiny_render
from tests.fixtures.served import Served
from tests.jobs.processes import BIN, free_port

pytestmark = pytest.mark.slow


def framelane(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write(path: Path, body: dict[str, Any]) -> Path:
    path.write_text(json.dumps(body))
    return path


def test_submit_waits_and_downloads(served: Served, tmp_path: Path) -> None:
    spec = write(tmp_path / "spec.json", tiny_render(run="cli"))
    out = tmp_path / "out.mp4"

    done = framelane(served.cli_env(), "submit", str(spec), "--wait", "-o", str(out), "--json")

    assert done.returncode == 0, done.stderr
    events = json_lines(done.stdout)
    assert events[-2]["event"] == "completed" and events[-1]["event"] == "downloaded"
    assert events[-1]["size_bytes"] == out.stat().st_size
    frames = decoded_frames(out)
    assert len(frames) == 10 and near(corner_colour(frames[5]), GREEN)

    job_id = events[-1]["id"]
    listed = framelane(served.cli_env(), "jobs", "list", "--limit", "3")
    got = framelane(served.cli_env(), "jobs", "get", job_id)
    again = framelane(served.cli_env(), "jobs", "download", job_id, "-o", str(tmp_path / "b.mp4"))
    assert job_id in [job["id"] for job in json_lines(listed.stdout)]
    assert json.loads(got.stdout)["status"] == "completed"
    assert again.returncode == 0 and (tmp_path / "b.mp4").read_bytes() == out.read_bytes()


def test_validate_offline_names_each_field(served: Served, tmp_path: Path) -> None:
    broken = tiny_render()
    broken["elements"] = [{"type": "text", "id": "t", "text": "x"}, {"type": "image", "id": "i"}]
    env = {**served.env, "FRAMELANE_API_URL": "http://127.0.0.1:9"}  # nothing listens

    good = framelane(env, "validate", str(write(tmp_path / "good.json", tiny_render())))
    bad = framelane(env, "validate", str(write(tmp_path / "bad.json", broken)))

    assert good.returncode == 0, good.stderr
    assert bad.returncode == 2
    assert "elements[0].duration" in bad.stderr and "elements[1].source_url" in bad.stderr


def test_exit_codes_for_a_failed_source_and_an_unreachable_api(
    served: Served, tmp_path: Path
) -> None:
    missing = tiny_render()
    missing["elements"] = [{"type": "video", "id": "v", "source_url": f"{served.url}/gone.mp4"}]
    spec = write(tmp_path / "missing.json", missing)
    unreachable = {**served.cli_env(), "FRAMELANE_API_URL": f"http://127.0.0.1:{free_port()}"}

    source = framelane(served.cli_env(), "submit", str(spec), "--wait")
    transient = framelane(unreachable, "jobs", "list")

    assert source.returncode == 3, source.stderr
    assert transient.returncode == 4 and "connection_error" in transient.stderr


def test_a_task_on_a_local_file_is_uploaded_run_and_downloaded(
    served: Served, tmp_path: Path
) -> None:
    picture = tmp_path / "small.png"
    Image.new("RGB", (16, 12), (200, 40, 40)).save(picture)
    out = tmp_path / "big.png"

    done = framelane(
        served.cli_env(),
        "task",
        "super-resolution",
        "--source",
        str(picture),
        "--param",
        "scale=2",
        "--wait",
        "-o",
        str(out),
    )

    assert done.returncode == 0, done.stderr
    with Image.open(out) as result:
        assert result.size == (32, 24)
