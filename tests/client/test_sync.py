"""`Framelane` against a real `framelane serve` on loopback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from PIL import Image

from framelane.client import Framelane, FramelaneAPIError, JobFailed
from framelane.jobs.schemas import JobOut
from tests.client.media import GREEN, corner_colour, decoded_frames, near, tiny_render
from tests.client.proxy import DroppingProxy
from tests.fixtures.served import Served

pytestmark = pytest.mark.slow


class CountingTransport(httpx.HTTPTransport):
    """Keeps the status of every answer the client received, retries included."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.statuses.append(response.status_code)
        return response


def test_submit_wait_download_decodes_the_frames(served: Served, tmp_path: Path) -> None:
    seen: list[JobOut] = []
    with Framelane(served.api_key, base_url=served.url) as fl:
        job = fl.renders.create(tiny_render())
        done = fl.renders.wait(job.id, timeout=120, on_progress=seen.append)
        written = fl.renders.download(done.id, tmp_path / "out.mp4")
        streamed = b"".join(fl.renders.stream(done.id))

    assert done.status == "completed" and seen[-1].status == "completed"
    assert written == done.output.size_bytes == len(streamed)  # type: ignore[union-attr]
    frames = decoded_frames(tmp_path / "out.mp4")
    assert len(frames) == 10
    assert all(near(corner_colour(frame), GREEN) for frame in frames)


def test_an_uploaded_image_is_rendered(served: Served, tmp_path: Path) -> None:
    picture = tmp_path / "red.png"
    Image.new("RGB", (32, 18), (255, 0, 0)).save(picture)
    with Framelane(served.api_key, base_url=served.url) as fl:
        received = fl.uploads.upload_file(picture)
        spec = tiny_render("#0000ff")
        spec["elements"] = [
            {"type": "image", "id": "i", "source_url": received.source_url, "duration": 1}
            | {"width": "100%", "height": "100%"}
        ]
        job = fl.renders.run(spec, timeout=120)
        fl.renders.download(job.id, tmp_path / "out.mp4")
        asset = fl.assets.get(received.id)

    assert asset.status == "ready" and asset.kind == "image"
    assert near(corner_colour(decoded_frames(tmp_path / "out.mp4")[0]), (255, 0, 0))


def test_a_429_is_retried_after_retry_after(served: Served) -> None:
    transport = CountingTransport()
    with Framelane(served.api_key, base_url=served.url, transport=transport) as fl:
        jobs = [fl.renders.create(tiny_render(n=str(n))) for n in range(3)]

    assert 429 in transport.statuses  # one render a second: the server refused at least once
    assert len({job.id for job in jobs}) == 3


def test_a_dropped_connection_is_retried_without_a_second_job(served: Served) -> None:
    proxy = DroppingProxy(served.url)
    try:
        with Framelane(served.api_key, base_url=proxy.url) as fl:
            job = fl.renders.create(tiny_render(run="dropped-once"))
        with Framelane(served.api_key, base_url=served.url) as fl:
            same = [j for j in fl.renders.list(limit=5) if j.metadata.get("run") == "dropped-once"]
    finally:
        proxy.close()

    assert proxy.dropped[-1]["status"] == 202  # the server made the job; the answer was lost
    assert len({seen["headers"]["idempotency-key"] for seen in proxy.dropped}) == 1
    assert [j.id for j in same] == [job.id]


def test_errors_carry_their_codes(served: Served) -> None:
    with Framelane(served.api_key, base_url=served.url) as fl:
        with pytest.raises(FramelaneAPIError) as invalid:
            fl.renders.create(
                {"width": 64, "height": 36, "elements": [{"type": "blob", "id": "b"}]}
            )
        with pytest.raises(FramelaneAPIError) as missing:
            fl.renders.get("render_01J8QR2K5VKDGN2T4FBM3CZYX7")
        with pytest.raises(JobFailed) as failed:
            fl.renders.run(
                {
                    "width": 64,
                    "height": 36,
                    "elements": [
                        {"type": "video", "id": "v", "source_url": f"{served.url}/nothing.mp4"}
                    ],
                },
                timeout=120,
            )
    with (
        Framelane("fl_live_wrong", base_url=served.url) as fl,
        pytest.raises(FramelaneAPIError) as refused,
    ):
        fl.workspace.get()

    assert (invalid.value.status, invalid.value.code) == (422, "validation_error")
    assert invalid.value.details
    assert (missing.value.status, missing.value.code) == (404, "not_found")
    assert failed.value.is_source_problem, failed.value.code
    assert (refused.value.status, refused.value.code) == (401, "unauthorized")


def test_an_import_of_a_rendered_file_becomes_a_ready_asset(served: Served) -> None:
    with Framelane(served.api_key, base_url=served.url) as fl:
        done = fl.renders.run(tiny_render(run="import-me"), timeout=120)
        started = fl.imports.create(fl.renders.download_url(done.id), filename="clip.mp4")
        ready = fl.imports.wait(started.id, timeout=120)
        asset = fl.assets.get(ready.asset_id or "")
        listed = [found.id for found in fl.assets.list(kind="video")]

    assert ready.status == "ready" and ready.source_url
    assert asset.kind == "video" and (asset.width, asset.height) == (64, 36)
    assert asset.id in listed


def test_webhook_endpoints_and_their_signatures(served: Served) -> None:
    with Framelane(served.api_key, base_url=served.url) as fl:
        created = fl.webhooks.create("http://127.0.0.1:9/hook", ["render.completed"])
        listed = [hook.id for hook in fl.webhooks.list()]
        rotated = fl.webhooks.rotate_secret(created.id)
        disabled = fl.webhooks.update(created.id, enabled=False)
        fl.webhooks.delete(created.id)

    assert created.secret.startswith("whsec_") and created.id in listed
    assert rotated.secret != created.secret and disabled.enabled is False


def test_pages_workspace_keys_usage_and_capabilities(served: Served) -> None:
    with Framelane(served.api_key, base_url=served.url) as fl:
        created = fl.keys.create("second")
        names = [key.name for key in fl.keys.list()]
        fl.keys.revoke(created.id)
        workspace = fl.workspace.get()
        usage = fl.usage()
        capabilities = fl.capabilities()
        validation = fl.validate(tiny_render())
        png = fl.preview(tiny_render())

    assert created.key.startswith("fl_live_") and "second" in names
    assert workspace.name == "C" and usage.task_count >= 0
    assert "elements" in capabilities or capabilities
    assert validation.valid and (validation.width, validation.height) == (64, 36)
    assert png.startswith(b"\x89PNG")


def test_projects_through_the_sdk(served: Served) -> None:
    with Framelane(served.api_key, base_url=served.url) as fl:
        project = fl.projects.create(tiny_render(), name="sdk")
        result = fl.projects.edit(project.id, [{"op": "remove_element", "id": "t"}])
        checked = fl.projects.validate(project.id)
        full = fl.projects.get(project.id, full=True)
        listed = [found.id for found in fl.projects.list()]
        with pytest.raises(FramelaneAPIError) as conflict:
            fl.projects.edit(project.id, [{"op": "remove_element", "id": "t"}], if_version=1)
        fl.projects.delete(project.id)
        with pytest.raises(FramelaneAPIError) as gone:
            fl.projects.get(project.id)

    assert result.version == 2 and result.diff.removed_ids == ["t"]
    assert checked.valid and full.render_request is not None
    assert full.render_request["elements"] == [] and project.id in listed
    assert conflict.value.status == 409 and gone.value.code == "not_found"
