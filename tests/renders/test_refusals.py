"""Submission refuses what could never render: unusable source URLs, private addresses while
they are not allowed, and requests with nothing to show or play — 422, and no job."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.ingest.urls import source_url_for
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.renders.conftest import tiny


def with_source(url: str, kind: str = "video") -> dict[str, Any]:
    element: dict[str, Any] = {"type": kind, "id": "s", "source_url": url}
    if kind == "image":
        element["duration"] = 1
    return tiny(elements=[element])


def refused(client: TestClient, ws: VerifiedWorkspace, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/renders", json=body, headers=ws.headers)
    assert response.status_code == 422, response.text
    assert client.get("/v1/renders", headers=ws.headers).json()["data"] == []
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.fixture
def guarded(settings: Settings) -> Settings:
    return settings.model_copy(update={"allow_private_urls": False})


@pytest.fixture
def guarded_client(guarded: Settings) -> Any:
    with TestClient(
        create_app(guarded, composition.features()), raise_server_exceptions=False
    ) as client:
        yield client


@pytest.mark.parametrize(
    "url",
    ["/home/me/clip.mp4", "file:///etc/passwd", "ftp://example.com/a.mp4", "clip.mp4", "data:,x"],
)
def test_a_source_that_is_not_http_is_refused_with_its_location(
    client: TestClient, workspace: VerifiedWorkspace, url: str
) -> None:
    error = refused(client, workspace, with_source(url))
    assert error["code"] == "source_url_unsupported"
    assert error["details"][0]["loc"] == ["elements", 0, "source_url"]
    assert "elements[0].source_url" in error["message"] and "/v1/uploads" in error["message"]


def test_every_url_field_is_checked_even_inside_compositions(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    scene = {"type": "composition", "elements": with_source("x.png", "image")["elements"]}
    body = tiny(background_image_url="bg.png", elements=[scene])
    body["elements"].append({"type": "text", "text": "a", "duration": 1, "font_family": "s3://f"})
    error = refused(client, workspace, body)
    locs = [detail["loc"] for detail in error["details"]]
    assert locs == [
        ["background_image_url"],
        ["elements", 0, "elements", 0, "source_url"],
        ["elements", 1, "font_family"],
    ]
    assert "(and 2 more)" in error["message"]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/a.mp4", "http://10.1.2.3/a.mp4", "http://localhost/a.mp4"]
)
def test_a_private_source_names_the_setting_that_allows_it(
    guarded_client: TestClient, guarded: Settings, url: str
) -> None:
    ws = make_workspace(guarded, name="G", email="g@guard.test")
    error = refused(guarded_client, ws, with_source(url))
    assert error["code"] == "source_url_private"
    assert "FRAMELANE_ALLOW_PRIVATE_URLS" in error["message"]


def test_our_own_upload_urls_and_public_hosts_pass_the_check(
    guarded_client: TestClient, guarded: Settings
) -> None:
    ws = make_workspace(guarded, name="G", email="g@guard.test", plan="pro")
    own = source_url_for(guarded, f"{ws.id}/uploads/as_1.mp4")
    for url in (own, "https://example.com/a.mp4"):
        response = guarded_client.post("/v1/renders", json=with_source(url), headers=ws.headers)
        assert response.status_code == 202, response.text


def test_a_private_webhook_names_the_setting(guarded_client: TestClient, guarded: Settings) -> None:
    ws = make_workspace(guarded, name="G", email="g@guard.test")
    error = refused(guarded_client, ws, tiny(webhook_url="http://192.168.1.5/hook"))
    assert error["code"] == "url_not_allowed"
    assert "FRAMELANE_ALLOW_PRIVATE_URLS" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"duration": 3},
        {"elements": [{"type": "text", "text": "x", "duration": 1, "visible": False}]},
    ],
)
def test_a_request_with_nothing_to_show_or_play_is_refused(
    client: TestClient, workspace: VerifiedWorkspace, body: dict[str, Any]
) -> None:
    assert refused(client, workspace, body)["code"] == "nothing_to_render"


def test_a_background_colour_alone_is_something_to_show(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    body = {"width": 64, "height": 36, "duration": 1, "background_color": "#00ff00"}
    assert client.post("/v1/renders", json=body, headers=workspace.headers).status_code == 202


def test_a_too_large_render_says_what_to_reduce_and_by_how_much(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    body = tiny(width=7680, height=4320, frame_rate=240, duration=1820)
    error = refused(client, workspace, body)
    assert error["code"] == "limit_exceeded"
    reduce = error["details"][0]["reduce"]
    assert reduce["duration"] == pytest.approx(1e11 * 5 / (7680 * 4320 * 240), abs=0.01)
    assert 7680 * 4320 * 240 * reduce["duration"] <= 5e11
    assert 7680 * 4320 * reduce["frame_rate"] * 1820 <= 5e11
    assert reduce["width"] * reduce["height"] * 240 * 1820 <= 5e11
    for name in ("duration to at most", "frame_rate to at most", "the canvas to at most"):
        assert name in error["message"]


def test_a_missing_element_type_lists_the_element_types(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    error = refused(client, workspace, tiny(elements=[{"text": "Hi", "duration": 1}]))
    detail = error["details"][0]
    assert detail["loc"] == ["elements", 0, "type"]
    for name in ("video", "image", "audio", "text", "composition"):
        assert f"`{name}`" in detail["msg"]
    assert "discriminator" not in error["message"]


def test_preview_refuses_the_same(client: TestClient, workspace: VerifiedWorkspace) -> None:
    for body, code in (
        ({"dry_run": True}, "nothing_to_render"),
        ({**with_source("file:///etc/passwd"), "dry_run": True}, "source_url_unsupported"),
    ):
        answer = client.post("/v1/preview", json=body, headers=workspace.headers)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == code
