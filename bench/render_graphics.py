"""Motion graphics over a colour: 10 s of 1080p30 with a title fading in, a subtitle sliding
up, a logo and a lower-third bar (no video at all), the most common kind of template render.

Prints, from one run (medians over --rounds): our wall and CPU time; the same render with
every frame composited in BGRA and converted whole (the path before layers were blended
into the output's own 4:2:0 planes); and the bare PyAV decode → x264 veryfast encode of the
same 300 frames, as in render_reference.py.

    .venv/bin/python bench/render_graphics.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent))
from render_inputs import WORK, inputs
from render_reference import Timer, pyav_floor

from framelane.render.pipeline import render
from framelane.render.scene import SceneRenderer


def graphics_spec(logo: Path) -> dict[str, Any]:
    return {
        "width": 1920,
        "height": 1080,
        "frame_rate": 30,
        "duration": 10,
        "background_color": "#1d2b53",
        "elements": [
            {
                "type": "text",
                "id": "title",
                "text": "Quarterly results",
                "duration": 10,
                "font_size": 96,
                "font_weight": 700,
                "x": "50%",
                "y": "40%",
                "width": "80%",
                "motion": [{"type": "fade", "time": 0, "duration": 1}],
            },
            {
                "type": "text",
                "id": "subtitle",
                "text": "Framelane, November 2026",
                "duration": 10,
                "font_size": 48,
                "x": "50%",
                "y": "55%",
                "motion": [{"type": "slide_up", "time": 0.5, "duration": 1}],
            },
            {
                "type": "image",
                "id": "bar",
                "source_url": str(logo),
                "duration": 10,
                "x": 420,
                "y": 930,
                "width": 720,
                "height": 90,
                "border_radius": 12,
                "opacity": 85,
                "motion": [{"type": "slide_right", "time": 2, "duration": 1}],
            },
            {
                "type": "image",
                "id": "logo",
                "source_url": str(logo),
                "duration": 10,
                "x": 1700,
                "y": 950,
                "width": 300,
                "height": 150,
            },
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    rounds = parser.parse_args().rounds
    spec = graphics_spec(inputs()["logo"])
    planar, bgra, floor = [], [], []
    for _ in range(rounds):
        with Timer() as ours:
            render(spec, WORK / "graphics.mp4")
        bgra_only = mock.patch.object(SceneRenderer, "render_planar", return_value=False)
        with bgra_only, Timer() as whole:
            render(spec, WORK / "graphics-bgra.mp4")
        with Timer() as bare:
            pyav_floor(WORK / "graphics.mp4", WORK / "graphics-floor.mp4", keep_picture_types=False)
        planar.append(ours)
        bgra.append(whole)
        floor.append(bare)
    rows = (
        ("framelane (planes)", planar),
        ("framelane (whole BGRA)", bgra),
        ("PyAV decode -> encode", floor),
    )
    medians = {}
    for name, runs in rows:
        wall = statistics.median(t.wall for t in runs)
        cpu = statistics.median(t.cpu for t in runs)
        medians[name] = (wall, cpu)
        print(f"{name:24s} {wall:6.2f} s wall ({300 / wall:5.1f} fps), {cpu:6.2f} s CPU")
    ours_wall, ours_cpu = medians["framelane (planes)"]
    for name in ("framelane (whole BGRA)", "PyAV decode -> encode"):
        wall, cpu = medians[name]
        print(f"ours / {name}: {ours_wall / wall:.2f} wall, {ours_cpu / cpu:.2f} CPU")


if __name__ == "__main__":
    main()
