"""`AsyncFramelane` against the same real server."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from framelane.client import AsyncFramelane, FramelaneAPIError
from framelane.jobs.schemas import JobOut
from tests.client.media import GREEN, corner_colour, decoded_frames, near, tiny_render
from tests.fixtures.served import Served

pytestmark = pytest.mark.slow


def test_async_run_lists_and_downloads(served: Served, tmp_path: Path) -> None:
    seen: list[JobOut] = []

    async def progress(job: JobOut) -> None:
        seen.append(job)

    async def scenario() -> tuple[JobOut, list[str], str]:
        async with AsyncFramelane(served.api_key, base_url=served.url) as fl:
            job = await fl.renders.run(tiny_render(run="async"), timeout=120, on_progress=progress)
            await fl.renders.download(job.id, tmp_path / "out.mp4")
            listed = [found.id async for found in fl.renders.list(limit=2)]
            try:
                await fl.tasks.get("task_01J8QR2K5VKDGN2T4FBM3CZYX7")
            except FramelaneAPIError as error:
                return job, listed, error.code
            raise AssertionError("no error")

    job, listed, code = anyio.run(scenario)

    assert job.id in listed and code == "not_found"
    assert seen[-1].status == "completed"
    assert near(corner_colour(decoded_frames(tmp_path / "out.mp4")[-1]), GREEN)
