"""The MCP server through the `mcp` SDK's own client, over Streamable HTTP (`/mcp` on a real
`framelane serve`) and over stdio (`framelane mcp` acting on that server)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from PIL import Image

from tests.client.media import GREEN, corner_colour, decoded_frames, near, tiny_render
from tests.fixtures.served import Served
from tests.jobs.processes import BIN

pytestmark = pytest.mark.slow

TOOLS = {
    "create_render",
    "validate_render",
    "create_preview",
    "get_render",
    "wait_for_render",
    "get_render_download",
    "cancel_render",
    "run_task",
    "wait_for_task",
    "get_task_download",
    "upload_from_url",
    "list_assets",
    "create_project",
    "edit_project",
    "preview_project",
    "render_project",
}


@asynccontextmanager
async def over_http(served: Served) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {served.api_key}"}
    async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
        transport = streamable_http_client(f"{served.url}/mcp", http_client=http)
        async with Client(transport) as client:  # type: ignore[arg-type]
            yield client


@asynccontextmanager
async def over_stdio(served: Served) -> AsyncIterator[Client]:
    command = StdioServerParameters(command=str(BIN), args=["mcp"], env=served.cli_env())
    async with Client(command) as client:
        yield client


Scenario = Callable[[Client], Awaitable[Any]]


def run(connect: Callable[[Served], Any], served: Served, scenario: Scenario) -> Any:
    async def main() -> Any:
        async with connect(served) as client:
            return await scenario(client)

    return anyio.run(main)


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    return dict(result.structured_content)


@pytest.mark.parametrize("connect", [over_http, over_stdio], ids=["http", "stdio"])
def test_render_wait_with_progress_and_download(
    connect: Callable[[Served], Any], served: Served, tmp_path: Path
) -> None:
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total, message))

    async def scenario(client: Client) -> tuple[set[str], dict[str, Any], dict[str, Any]]:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        created = structured(await client.call_tool("create_render", {"render": tiny_render()}))
        waited = await client.call_tool(
            "wait_for_render", {"render_id": created["id"]}, progress_callback=on_progress
        )
        download = await client.call_tool("get_render_download", {"render_id": created["id"]})
        return tools, structured(waited), structured(download)

    tools, waited, download = run(connect, served, scenario)
    (tmp_path / "out.mp4").write_bytes(httpx.get(download["url"]).content)

    assert tools == TOOLS
    assert waited["status"] == "completed"
    assert progress and progress[-1][:2] == (100, 100)
    assert waited["id"] in (progress[-1][2] or "")
    frames = decoded_frames(tmp_path / "out.mp4")
    assert len(frames) == 10 and near(corner_colour(frames[0]), GREEN)


@pytest.mark.parametrize("connect", [over_http, over_stdio], ids=["http", "stdio"])
def test_preview_image_and_an_invalid_spec(
    connect: Callable[[Served], Any], served: Served
) -> None:
    broken = {"width": 64, "height": 36, "elements": [{"type": "text", "id": "t", "text": "x"}]}

    async def scenario(client: Client) -> tuple[Any, Any, Any]:
        preview = await client.call_tool("create_preview", {"render": tiny_render(), "time": 0.5})
        invalid = await client.call_tool("create_render", {"render": broken})
        schema = await client.read_resource("framelane://schema/render")
        return preview, invalid, schema

    preview, invalid, schema = run(connect, served, scenario)

    image = preview.content[0]
    assert not preview.is_error and image.type == "image" and image.mime_type == "image/png"
    assert base64.b64decode(image.data).startswith(b"\x89PNG")
    assert invalid.is_error
    message = invalid.content[0].text
    assert "validation_error" in message and "elements[0].duration" in message
    assert json.loads(schema.contents[0].text)["$schema"].endswith("2020-12/schema")


def test_mcp_refuses_a_missing_or_unknown_key(served: Served) -> None:
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "0"},
        },
    }
    accept = {"Accept": "application/json, text/event-stream"}
    missing = httpx.post(f"{served.url}/mcp", json=hello, headers=accept)
    unknown = httpx.post(
        f"{served.url}/mcp",
        json=hello,
        headers={**accept, "Authorization": "Bearer fl_live_not_a_key"},
    )
    accepted = httpx.post(
        f"{served.url}/mcp",
        json=hello,
        headers={**accept, "Authorization": f"Bearer {served.api_key}"},
    )

    assert missing.status_code == 401 and missing.json()["error"]["code"] == "unauthorized"
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "unauthorized"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert accepted.status_code == 200


def test_media_and_task_tools(served: Served) -> None:
    still = {**tiny_render("#ff0000"), "output_format": "png"}
    long_render = {**tiny_render(), "width": 320, "height": 180, "duration": 20, "frame_rate": 30}

    async def scenario(client: Client) -> dict[str, Any]:
        rendered = structured(await client.call_tool("create_render", {"render": still}))
        await client.call_tool("wait_for_render", {"render_id": rendered["id"]})
        url = structured(
            await client.call_tool("get_render_download", {"render_id": rendered["id"]})
        )
        imported = structured(
            await client.call_tool("upload_from_url", {"url": url["url"], "filename": "red.png"})
        )
        assets = structured(await client.call_tool("list_assets", {"kind": "image"}))
        task = structured(
            await client.call_tool(
                "run_task",
                {
                    "task_type": "super_resolution",
                    "source_url": imported["source_url"],
                    "params": {"scale": 2},
                },
            )
        )
        await client.call_tool("wait_for_task", {"task_id": task["id"]})
        result = structured(await client.call_tool("get_task_download", {"task_id": task["id"]}))
        victim = structured(await client.call_tool("create_render", {"render": long_render}))
        cancelled = structured(await client.call_tool("cancel_render", {"render_id": victim["id"]}))
        return {"imported": imported, "assets": assets, "result": result, "cancelled": cancelled}

    seen = run(over_http, served, scenario)
    upscaled = httpx.get(seen["result"]["url"])

    assert seen["imported"]["status"] == "ready"
    assert seen["imported"]["asset_id"] in [a["id"] for a in seen["assets"]["result"]]
    with Image.open(io.BytesIO(upscaled.content)) as picture:
        assert picture.size == (128, 72)
    assert seen["cancelled"]["status"] == "cancelled"


def test_project_tools_edit_preview_and_render(served: Served, tmp_path: Path) -> None:
    edit = {"op": "set_request_fields", "fields": {"background_color": "#0000ff"}}

    async def scenario(client: Client) -> dict[str, Any]:
        project = structured(await client.call_tool("create_project", {"render": tiny_render()}))
        edited = structured(
            await client.call_tool("edit_project", {"project_id": project["id"], "ops": [edit]})
        )
        stale = await client.call_tool(
            "edit_project", {"project_id": project["id"], "ops": [edit], "if_version": 1}
        )
        preview = await client.call_tool("preview_project", {"project_id": project["id"]})
        job = structured(await client.call_tool("render_project", {"project_id": project["id"]}))
        await client.call_tool("wait_for_render", {"render_id": job["id"]})
        download = structured(
            await client.call_tool("get_render_download", {"render_id": job["id"]})
        )
        return {"edited": edited, "stale": stale, "preview": preview, "download": download}

    seen = run(over_http, served, scenario)
    (tmp_path / "out.mp4").write_bytes(httpx.get(seen["download"]["url"]).content)
    png = base64.b64decode(seen["preview"].content[0].data)

    assert seen["edited"]["version"] == 2 and seen["edited"]["ok"]
    assert seen["stale"].is_error and "conflict" in seen["stale"].content[0].text
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.convert("RGB").getpixel((60, 33)) == (0, 0, 255)
    assert near(corner_colour(decoded_frames(tmp_path / "out.mp4")[0]), (0, 0, 255))
