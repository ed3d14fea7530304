"""The engine API: progress, cancellation, previews, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from framelane.render import cli
from framelane.render.errors import RenderCancelled
from framelane.render.pipeline import render, render_contact_sheet_png, render_still_png
from framelane.render.sources.resolve import DefaultResolver
from tests.render.conftest import H, W, canvas, write_png


def spec(tmp_path: Path, seconds: float = 1.0) -> dict[str, Any]:
    write_png(tmp_path / "red.png", (255, 0, 0, 255), size=(40, 40))
    box = {
        "type": "image",
        "id": "b",
        "source_url": "red.png",
        "duration": seconds,
        "width": 40,
        "height": 40,
        "motion": [{"type": "slide_right", "time": 0, "duration": seconds}],
    }
    return canvas([box], frame_rate=10)


class TestHooks:
    @pytest.mark.slow
    @pytest.mark.parametrize("extension", ["mp4", "gif"])
    def test_progress_is_monotonic_through_the_stages(self, tmp_path: Path, extension: str) -> None:
        events: list[tuple[str, float]] = []
        render(
            {**spec(tmp_path), "output_format": extension},
            tmp_path / f"o.{extension}",
            resolver=DefaultResolver(base_dir=tmp_path),
            on_progress=lambda stage, pct: events.append((stage, pct)),
        )
        percents = [p for _, p in events]
        assert percents == sorted(percents) and percents[-1] == 100.0
        stages = [s for s, _ in events]
        assert stages[0] == "downloading" and "compositing" in stages and stages[-1] == "encoding"

    @pytest.mark.parametrize("extension", ["mp4", "gif"])
    def test_cancel_between_frames_removes_the_output(self, tmp_path: Path, extension: str) -> None:
        calls = iter(range(1000))
        out = tmp_path / f"o.{extension}"
        with pytest.raises(RenderCancelled) as caught:
            render(
                {**spec(tmp_path, 5), "output_format": extension},
                out,
                resolver=DefaultResolver(base_dir=tmp_path),
                should_cancel=lambda: next(calls) >= 3,
            )
        assert caught.value.code == "cancelled" and not out.exists()


class TestPreview:
    def test_still_png_at_a_time(self, tmp_path: Path) -> None:
        data = spec(tmp_path)
        png = render_still_png(data, 0.9, resolver=DefaultResolver(base_dir=tmp_path))
        picture = np.asarray(Image.open(__import__("io").BytesIO(png)))
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and picture.shape[:2] == (H, W)
        assert picture[..., 0].max() > 240

    def test_contact_sheet_is_a_grid_of_thumbnails(self, tmp_path: Path) -> None:
        png = render_contact_sheet_png(
            spec(tmp_path), 4, resolver=DefaultResolver(base_dir=tmp_path)
        )
        picture = Image.open(__import__("io").BytesIO(png))
        assert picture.size == (2 * 320, 2 * 180)


class TestCli:
    def write(self, tmp_path: Path, data: dict[str, Any]) -> Path:
        path = tmp_path / "spec.json"
        path.write_text(json.dumps(data))
        return path

    @pytest.mark.slow
    def test_renders_and_prints_a_json_result(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = self.write(tmp_path, {**spec(tmp_path), "shiny": True})
        code = cli.main(["render", str(path), "-o", str(tmp_path / "o.webm"), "--json"])
        result = json.loads(capsys.readouterr().out)
        assert code == 0 and result["content_type"] == "video/webm" and result["size_bytes"] > 0
        assert ("unknown_field", "shiny") in [
            (w["code"], w.get("path")) for w in result["warnings"]
        ]

    def test_invalid_spec_exits_2_with_the_envelope(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = self.write(tmp_path, {"width": 100, "elements": [{"type": "video"}]})
        code = cli.main(["render", str(path), "-o", str(tmp_path / "o.mp4"), "--json"])
        error = json.loads(capsys.readouterr().out)["error"]
        assert code == 2 and error["code"] == "validation_error"
        assert {d["path"] for d in error["details"]} == {"height", "elements[0].source_url"}

    def test_unsupported_capability_exits_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        data = canvas(
            [{"type": "text", "text": "x", "duration": 1, "animation_preset": "typewriter"}]
        )
        code = cli.main(["render", str(self.write(tmp_path, data)), "-o", str(tmp_path / "o.mp4")])
        assert code == 2 and "capability_unsupported" in capsys.readouterr().out

    def test_source_problem_exits_3(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        data = canvas([{"type": "video", "source_url": "missing.mp4"}])
        code = cli.main(["render", str(self.write(tmp_path, data)), "-o", str(tmp_path / "o.mp4")])
        assert code == 3 and "source_not_found" in capsys.readouterr().out

    def test_unreadable_spec_exits_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "bad.json").write_text("{not json")
        code = cli.main(["render", str(tmp_path / "bad.json"), "-o", str(tmp_path / "o.mp4")])
        assert code == 2 and "validation_error" in capsys.readouterr().out


class TestEffectsThatCutAlpha:
    def test_chroma_key_on_an_opaque_source_makes_the_key_colour_transparent(
        self, tmp_path: Path
    ) -> None:
        green = np.zeros((H, W, 4), np.uint8)
        green[...] = (0, 200, 0, 255)
        green[:, : W // 2] = (220, 30, 30, 255)  # left half red, right half green screen
        Image.fromarray(green, "RGBA").save(tmp_path / "screen.png")
        data = {
            "width": W,
            "height": H,
            "output_format": "png",
            "elements": [
                {
                    "type": "image",
                    "id": "i",
                    "source_url": "screen.png",
                    "duration": 1,
                    "effects": [{"type": "chroma_key"}],
                }
            ],
        }
        out = tmp_path / "keyed.png"
        render(data, out, resolver=DefaultResolver(base_dir=tmp_path))
        picture = np.asarray(Image.open(out).convert("RGBA"))
        assert picture[H // 2, W // 4, 3] == 255  # the red half stays
        assert picture[H // 2, 3 * W // 4, 3] == 0  # the green screen is keyed out
