"""Brand tokens inside renders: the pure substitution, then `/v1/preview` and `/v1/renders`
drawing the same composition in a light and a dark mode (pixels checked)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from framelane.api.app import create_app
from framelane.composition import features as product_features
from framelane.core.settings import Settings
from framelane.tokens.aliases import Entry
from framelane.tokens.errors import TokenNotFound, TokenNotRenderable
from framelane.tokens.render_tokens import lookup_for, render_value, substitute
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.tokens.conftest import Api, make_token_user

ENTRIES = {
    "colors.bg": Entry("colors.bg", "color", "#fff"),
    "colors.surface": Entry("colors.surface", "color", None, "colors.bg"),
    "colors.overlay": Entry("colors.overlay", "color", "rgba(0, 0, 0, 0.5)"),
    "size.title": Entry("size.title", "fontSize", "2rem"),
    "size.half": Entry("size.half", "dimension", "50%"),
    "font.brand": Entry("font.brand", "fontFamily", ["Inter", "sans-serif"]),
    "weight.bold": Entry("weight.bold", "fontWeight", "bold"),
    "motion.slow": Entry("motion.slow", "duration", "1500ms"),
    "type.h1": Entry(
        "type.h1",
        "typography",
        {"fontFamily": "Alfa Slab One", "fontSize": "48px", "lineHeight": "120%"},
    ),
    "shadow.md": Entry(
        "shadow.md", "shadow", {"offsetX": "1px", "offsetY": "1px", "color": "#000"}
    ),
}


def decode_frames(data: bytes) -> list[np.ndarray]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def finished(client: TestClient, ws: VerifiedWorkspace, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        job: dict[str, Any] = client.get(f"/v1/renders/{job_id}", headers=ws.headers).json()
        if job["status"] in {"completed", "failed", "cancelled"}:
            return job
        assert time.monotonic() < deadline, f"timed out; last state {job}"
        time.sleep(0.05)


class TestSubstitution:
    def test_whole_strings_are_replaced_everywhere_in_the_body(self) -> None:
        body = {
            "background_color": "{colors.surface}",
            "duration": "{motion.slow}",
            "elements": [
                {
                    "type": "text",
                    "text": "Hello {colors.bg}",
                    "font_family": "{font.brand}",
                    "font_size": "{size.title}",
                    "font_weight": "{weight.bold}",
                    "width": "{size.half}",
                    "text_color": "{colors.overlay}",
                    "leading": "{type.h1.lineHeight}",
                    "extra": ["{type.h1.fontFamily}", 3, None],
                }
            ],
        }
        out = substitute(body, lookup_for(ENTRIES, "Light"))
        assert out == {
            "background_color": "#ffffff",
            "duration": 1.5,
            "elements": [
                {
                    "type": "text",
                    "text": "Hello {colors.bg}",
                    "font_family": "Inter",
                    "font_size": 32,
                    "font_weight": 700,
                    "width": "50%",
                    "text_color": "#00000080",
                    "leading": 1.2,
                    "extra": ["Alfa Slab One", 3, None],
                }
            ],
        }
        assert body["background_color"] == "{colors.surface}"

    def test_unknown_and_composite_tokens(self) -> None:
        lookup = lookup_for(ENTRIES, "Dark")
        with pytest.raises(TokenNotFound) as missing:
            substitute({"x": "{colors.nope}"}, lookup)
        assert missing.value.code == "token_not_found" and missing.value.status_code == 422
        assert missing.value.details == {"token": "colors.nope", "mode": "Dark"}
        with pytest.raises(TokenNotFound):
            lookup("type.h1.letterSpacing")
        with pytest.raises(TokenNotRenderable):
            lookup("shadow.md")

    @pytest.mark.parametrize(
        ("token_type", "value", "expected"),
        [
            ("color", "hsl(0, 100%, 50%)", "#ff0000"),
            ("color", "#3B82F6", "#3b82f6"),
            ("dimension", "12pt", 12),
            ("letterSpacing", 0.5, 0.5),
            ("lineHeight", 1.4, 1.4),
            ("duration", 250, 0.25),
            ("duration", "2s", 2.0),
            ("number", "3", 3),
            ("boolean", "true", True),
            ("string", "Acme", "Acme"),
            ("fontFamily", "'Open Sans', serif", "Open Sans"),
            ("cubicBezier", [0, 0, 1, 1], [0.0, 0.0, 1.0, 1.0]),
        ],
    )
    def test_values_in_render_units(self, token_type: str, value: Any, expected: Any) -> None:
        assert render_value(token_type, value) == expected


def brand_tokenset(client: TestClient, settings: Settings, ws: VerifiedWorkspace) -> str:
    """Light (default) and Dark modes of one tokenset in the workspace of `ws`."""
    api = Api(client, make_token_user(settings, ws.email))
    tokenset = api.tokenset(ws.id, "Brand")
    modes = f"/tokensets/{tokenset['id']}/modes"
    api.call("PATCH", f"{modes}/{tokenset['mode']}", json={"name": "Light"})
    api.token(tokenset, {"name": "colors.bg", "type": "color", "value": "#ffffff"})
    api.token(tokenset, {"name": "colors.canvas", "type": "color", "alias_to": "colors.bg"})
    api.token(tokenset, {"name": "colors.accent", "type": "color", "value": "#2563eb"})
    api.token(
        tokenset,
        {
            "name": "shadow.md",
            "type": "shadow",
            "value": {"offsetX": "1px", "offsetY": "1px", "color": "#000"},
        },
    )
    dark = api.call("POST", modes, 201, json={"name": "Dark"})
    for token in api.call("GET", f"{modes}/{dark['id']}/tokens")["tokens"]:
        value = {"colors.bg": "#111827", "colors.accent": "#f59e0b"}.get(token["name"])
        if value:
            api.call("PATCH", f"{modes}/{dark['id']}/tokens/{token['id']}", json={"value": value})
    return str(tokenset["id"])


def composition(tokenset_id: str, mode: str | None, **extra: Any) -> dict[str, Any]:
    """64×36: the canvas in `colors.canvas`, the right half a panel in `colors.accent`."""
    tokens = {"tokenset_id": tokenset_id, **({"mode": mode} if mode else {})}
    return {
        "width": 64,
        "height": 36,
        "duration": 1,
        "frame_rate": 10,
        "background_color": "{colors.canvas}",
        "tokens": tokens,
        "elements": [
            {
                "type": "composition",
                "id": "panel",
                "duration": 1,
                "background_color": "{colors.accent}",
                "x": 32,
                "y": 0,
                "width": 32,
                "height": 36,
                "x_anchor": 0,
                "y_anchor": 0,
            }
        ],
        **extra,
    }


def pixel(rgb: Any, x: int, y: int) -> tuple[int, int, int]:
    r, g, b = (int(c) for c in rgb[y][x][:3])
    return r, g, b


def near(actual: tuple[int, int, int], hex_color: str, tolerance: int = 12) -> bool:
    expected = tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


@pytest.fixture
def pro(settings: Settings) -> VerifiedWorkspace:
    return make_workspace(settings, name="Pro", email="owner@pro.test", plan="pro")


class TestPreview:
    def test_dry_run_and_errors(
        self,
        client: TestClient,
        settings: Settings,
        pro: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
    ) -> None:
        tokenset_id = brand_tokenset(client, settings, pro)
        dry = client.post(
            "/v1/preview",
            headers=pro.headers,
            json={**composition(tokenset_id, "dark"), "dry_run": True},
        )
        assert dry.status_code == 200, dry.text
        assert dry.json()["valid"] is True and dry.json()["warnings"] == []
        missing = client.post(
            "/v1/preview",
            headers=pro.headers,
            json={
                **composition(tokenset_id, "Dark", background_color="{colors.nope}"),
                "dry_run": True,
            },
        )
        assert missing.status_code == 422
        assert missing.json()["error"]["code"] == "token_not_found"
        composite = client.post(
            "/v1/renders",
            headers=pro.headers,
            json=composition(tokenset_id, None, background_color="{shadow.md}"),
        )
        assert composite.json()["error"]["code"] == "token_not_renderable"
        mode = client.post(
            "/v1/renders", headers=pro.headers, json=composition(tokenset_id, "Sepia")
        )
        assert mode.status_code == 422 and mode.json()["error"]["code"] == "mode_not_found"
        assert mode.json()["error"]["details"]["available_modes"] == ["Light", "Dark"]
        foreign = client.post(
            "/v1/renders", headers=other_workspace.headers, json=composition(tokenset_id, "Dark")
        )
        assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "not_found"

    @pytest.mark.slow
    def test_png_in_both_modes(
        self, client: TestClient, settings: Settings, pro: VerifiedWorkspace
    ) -> None:
        tokenset_id = brand_tokenset(client, settings, pro)
        for mode, canvas, accent in ((None, "#ffffff", "#2563eb"), ("Dark", "#111827", "#f59e0b")):
            response = client.post(
                "/v1/preview",
                headers=pro.headers,
                json={**composition(tokenset_id, mode), "time": 0.5},
            )
            assert response.status_code == 200, response.text
            image = Image.open(io.BytesIO(response.content)).convert("RGB")
            rgb = [[image.getpixel((x, y)) for x in range(64)] for y in range(36)]
            assert near(pixel(rgb, 4, 18), canvas), (mode, pixel(rgb, 4, 18))
            assert near(pixel(rgb, 56, 18), accent), (mode, pixel(rgb, 56, 18))


@pytest.fixture
def live(settings: Settings) -> Iterator[TestClient]:
    with TestClient(
        create_app(settings, product_features(), start_background=True),
        raise_server_exceptions=False,
    ) as client:
        yield client


@pytest.mark.slow
def test_render_in_light_and_dark_modes(
    live: TestClient, settings: Settings, pro: VerifiedWorkspace
) -> None:
    """One composition, two modes of one tokenset: the frames carry each mode's colours."""
    tokenset_id = brand_tokenset(live, settings, pro)
    for mode, canvas, accent in (("light", "#ffffff", "#2563eb"), ("Dark", "#111827", "#f59e0b")):
        created = live.post("/v1/renders", headers=pro.headers, json=composition(tokenset_id, mode))
        assert created.status_code == 202, created.text
        assert created.json()["warnings"] == []
        done = finished(live, pro, created.json()["id"])
        assert done["status"] == "completed", done
        redirect = live.get(
            f"/v1/renders/{done['id']}/download", headers=pro.headers, follow_redirects=False
        )
        location = urlsplit(redirect.headers["location"])
        frames = decode_frames(live.get(f"{location.path}?{location.query}").content)
        assert len(frames) == 10
        middle = frames[5]
        assert near(pixel(middle, 4, 18), canvas, 16), (mode, pixel(middle, 4, 18))
        assert near(pixel(middle, 56, 18), accent, 16), (mode, pixel(middle, 56, 18))
