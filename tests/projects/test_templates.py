"""Templates: declared variables, `{{name}}` references, renders with values (through the
project and through `POST /v1/renders`), the 422s naming a variable, and previews."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from numpy.typing import NDArray

from framelane.core.settings import Settings
from tests.fixtures.identity import VerifiedWorkspace
from tests.projects.conftest import applied, create, download, failed, finish, ops, rgb
from tests.tokens.test_render_tokens import brand_tokenset

VARIABLES = {
    "title": {"type": "string", "default": "HH", "description": "Headline"},
    "color": {"type": "color", "description": "Headline colour"},
    "logo": {"type": "url", "description": "Image on the left"},
    "size": {"type": "number", "default": 30},
    "show": {"type": "boolean", "default": True},
}


def template(base: str) -> dict[str, Any]:
    """Left half: the image `{{logo}}`; right half: `{{title}}` in `{{color}}`."""
    return {
        "width": 64,
        "height": 36,
        "output_format": "png",
        "background_color": "#000000",
        "elements": [
            {
                "type": "image",
                "id": "logo",
                "source_url": "{{logo}}",
                "duration": 1,
                "x": 16,
                "y": 18,
                "width": 32,
                "height": 36,
            },
            {
                "type": "text",
                "id": "title",
                "text": "{{title}}",
                "text_color": "{{color}}",
                "font_size": "{{size}}",
                "font_weight": 900,
                "visible": "{{show}}",
                "duration": 1,
                "x": 48,
                "y": 18,
                "width": 32,
            },
            {"type": "text", "id": "alt", "text": "Hi {{title}}!", "duration": 1, "visible": False},
        ],
    }


def share_near(
    pixels: NDArray[np.uint8], colour: tuple[int, int, int], tolerance: int = 40
) -> float:
    distance = np.abs(pixels.astype(int) - np.array(colour)).max(axis=-1)
    return float((distance <= tolerance).mean())


def test_two_variable_sets_give_two_pictures(
    live: TestClient, pro: VerifiedWorkspace, www: tuple[Any, str]
) -> None:
    _, base = www
    pid = create(live, pro, template(base), variables=VARIABLES)["id"]
    first = live.post(
        f"/v1/projects/{pid}/renders",
        json={"variables": {"color": "#ffff00", "logo": f"{base}/red.png"}},
        headers=pro.headers,
    )
    assert first.status_code == 202, first.text
    assert first.json()["metadata"] == {"project_id": pid, "project_version": "1"}
    second = live.post(
        "/v1/renders",
        json={
            "project_id": pid,
            "version": 1,
            "metadata": {"order": "7"},
            "variables": {"color": "#00ffff", "logo": f"{base}/green.png", "title": "MM"},
        },
        headers=pro.headers,
    )
    assert second.status_code == 202, second.text
    assert second.json()["metadata"] == {"order": "7", "project_id": pid, "project_version": "1"}
    pictures = []
    for job in (first.json(), second.json()):
        done = finish(live, pro, job["id"])
        assert done["status"] == "completed", done
        pictures.append(rgb(download(live, pro, job["id"])))
    a, b = pictures
    assert a.shape == b.shape == (36, 64, 3)
    assert (
        share_near(a[4:32, 4:28], (255, 0, 0)) > 0.95
        and share_near(b[4:32, 4:28], (0, 255, 0)) > 0.95
    )
    assert share_near(a[:, 34:], (255, 255, 0)) > 0.05 and share_near(a[:, 34:], (0, 255, 255)) == 0
    assert share_near(b[:, 34:], (0, 255, 255)) > 0.05 and share_near(b[:, 34:], (255, 255, 0)) == 0


def test_bad_values_are_422_naming_the_variable(
    client: TestClient, workspace: VerifiedWorkspace, www: tuple[Any, str]
) -> None:
    _, base = www
    pid = create(client, workspace, template(base), variables=VARIABLES)["id"]
    good = {"color": "#ffffff", "logo": f"{base}/red.png"}
    for variables, kind, name in (
        ({**good, "colour": "#fff"}, "unknown_variable", "colour"),
        ({"logo": f"{base}/red.png"}, "missing_variable", "color"),
        ({**good, "color": "red"}, "wrong_type", "color"),
        ({**good, "size": "big"}, "wrong_type", "size"),
        ({**good, "show": "yes"}, "wrong_type", "show"),
        ({**good, "logo": "ftp://x/y.png"}, "wrong_type", "logo"),
    ):
        for url, body in (
            (f"/v1/projects/{pid}/renders", {"variables": variables}),
            ("/v1/renders", {"project_id": pid, "variables": variables}),
        ):
            error = failed(
                client.post(url, json=body, headers=workspace.headers), 422, "invalid_variables"
            )
            assert error["details"][0]["type"] == kind and error["details"][0]["variable"] == name
            assert repr(name) in error["message"]
    mixed = failed(
        client.post(
            "/v1/renders", json={"project_id": pid, "elements": []}, headers=workspace.headers
        ),
        422,
        "validation_error",
    )
    assert "inline composition" in mixed["message"]
    failed(
        client.post("/v1/renders", json={"project_id": "proj_01NOPE"}, headers=workspace.headers),
        404,
        "not_found",
    )


def test_templates_are_checked_when_edited(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    pid = create(client, workspace, {"width": 64, "height": 36, "elements": []})["id"]
    text = {"type": "text", "id": "t", "text": "{{name}}", "duration": 1}
    error = failed(
        ops(client, workspace, pid, {"op": "add_element", "element": text}),
        422,
        "invalid_variables",
    )
    assert (
        error["details"][0]["variable"] == "name"
        and error["details"][0]["type"] == "undeclared_variable"
    )
    declared = applied(
        client,
        workspace,
        pid,
        {
            "op": "set_variables",
            "variables": {"name": {"type": "string"}, "size": {"type": "string"}},
        },
        {"op": "add_element", "element": text},
    )
    assert declared["ok"] is True
    wrong = {"op": "set_fields", "id": "t", "fields": {"font_size": "{{size}}"}}
    error = failed(ops(client, workspace, pid, wrong), 422, "validation_error")
    assert error["details"][0]["loc"] == ["render_request", "elements", 0, "font_size"]
    bad_default = {"op": "set_variables", "variables": {"n": {"type": "number", "default": "x"}}}
    failed(ops(client, workspace, pid, bad_default), 422, "invalid_variables")
    failed(
        ops(client, workspace, pid, {"op": "set_variables", "variables": {"zz": None}}),
        422,
        "variable_not_found",
    )
    project = client.get(f"/v1/projects/{pid}", headers=workspace.headers).json()
    text_variable = {"type": "string", "default": None, "description": None}
    assert project["variables"] == {"name": text_variable, "size": text_variable}
    assert project["summary"]["elements"][0]["label"] == "{{name}}"


def test_previews_of_a_project(
    client: TestClient, workspace: VerifiedWorkspace, www: tuple[Any, str]
) -> None:
    _, base = www
    request = {**template(base), "output_format": "mp4", "duration": 2, "frame_rate": 10}
    request["elements"][0]["duration"] = 1
    pid = create(client, workspace, request, variables=VARIABLES)["id"]
    values = {"color": "#ffff00", "logo": f"{base}/red.png"}
    dry = client.post(
        f"/v1/projects/{pid}/preview", json={"dry_run": True}, headers=workspace.headers
    )
    assert dry.status_code == 200, dry.text
    assert (
        dry.json()["valid"] is True
        and dry.json()["duration"] == 2
        and dry.json()["violations"] == []
    )
    frame = client.post(
        f"/v1/projects/{pid}/preview",
        json={"time": 0.5, "variables": values},
        headers=workspace.headers,
    )
    assert frame.status_code == 200 and frame.headers["content-type"] == "image/png"
    assert share_near(rgb(frame.content)[4:32, 4:28], (255, 0, 0)) > 0.95
    failed(
        client.post(f"/v1/projects/{pid}/preview", json={"time": 0.5}, headers=workspace.headers),
        422,
        "invalid_variables",
    )
    late = client.post(
        f"/v1/projects/{pid}/preview",
        json={"window": {"start": 1.2, "end": 1.9}, "contact_sheet": 2, "variables": values},
        headers=workspace.headers,
    )
    whole = client.post(
        f"/v1/projects/{pid}/preview",
        json={"contact_sheet": 2, "variables": values},
        headers=workspace.headers,
    )
    assert late.status_code == whole.status_code == 200, late.text
    # the image plays for the first second only: no red anywhere in the late window
    assert share_near(rgb(late.content), (255, 0, 0)) == 0
    assert share_near(rgb(whole.content), (255, 0, 0)) > 0.05


def test_variables_resolve_before_brand_tokens(
    client: TestClient, settings: Settings, pro: VerifiedWorkspace
) -> None:
    """A string variable whose value is a token reference: the variable is substituted
    first, then the token resolves in the chosen mode."""
    tokenset_id = brand_tokenset(client, settings, pro)
    request = {
        "width": 64,
        "height": 36,
        "duration": 1,
        "background_color": "#000000",
        "tokens": {"tokenset_id": tokenset_id, "mode": "Light"},
        "elements": [
            {
                "type": "text",
                "id": "t",
                "text": "HH",
                "text_color": "{{ink}}",
                "duration": 1,
                "font_size": 30,
                "font_weight": 900,
            },
        ],
    }
    variables = {"ink": {"type": "string", "default": "{colors.accent}"}}
    pid = create(client, pro, request, variables=variables)["id"]
    pictures = []
    for values in ({}, {"ink": "#ff0000"}):
        frame = client.post(
            f"/v1/projects/{pid}/preview", json={"variables": values}, headers=pro.headers
        )
        assert frame.status_code == 200, frame.text
        pictures.append(rgb(frame.content))
    assert (
        share_near(pictures[0], (0x25, 0x63, 0xEB)) > 0.05
        and share_near(pictures[0], (255, 0, 0)) == 0
    )
    assert (
        share_near(pictures[1], (255, 0, 0)) > 0.05
        and share_near(pictures[1], (0x25, 0x63, 0xEB)) == 0
    )
    unknown = client.post(
        f"/v1/projects/{pid}/preview",
        json={"variables": {"ink": "{colors.nope}"}},
        headers=pro.headers,
    )
    failed(unknown, 422, "token_not_found")


def test_the_inline_preview_takes_a_project_too(
    client: TestClient, workspace: VerifiedWorkspace, www: tuple[Any, str]
) -> None:
    _, base = www
    pid = create(client, workspace, template(base), variables=VARIABLES)["id"]
    values = {"color": "#ffff00", "logo": f"{base}/green.png"}
    frame = client.post(
        "/v1/preview", json={"project_id": pid, "variables": values}, headers=workspace.headers
    )
    assert frame.status_code == 200, frame.text
    assert share_near(rgb(frame.content)[4:32, 4:28], (0, 255, 0)) > 0.95
    dry = client.post(
        "/v1/preview",
        json={"project_id": pid, "variables": values, "dry_run": True},
        headers=workspace.headers,
    )
    assert dry.status_code == 200 and dry.json()["width"] == 64
