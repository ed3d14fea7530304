"""The reference composition of issue 3: 10 s 1080p30, clip A full frame, clip B as a 640×360
inset moving along a path (border radius 24, shadow, opacity 90), a PNG logo rotating and
fading in, a title with a stroke.

Prints, from one run: our wall and CPU time ÷ the bare PyAV decode → x264 veryfast encode of
the same 300 frames (the floor), the preview latency of one PNG, and, when MOVIEPY_PYTHON points
at an interpreter with moviepy installed (kept out of the project venv: it downgrades pillow),
MoviePy's time for the same picture ÷ ours.

Also printed: what is inherent to the picture, whoever composites it: the fair floor with
clip B decoded and shrunk to its 640×360 inset beside it on a thread, nothing drawn; and how
much more the same bare loop costs on our output than on clip A (x264 spends more on a
picture with a moving inset, a turning logo and a title than on clip A alone).

The floor is printed twice. A bare loop hands each decoded frame to the encoder with the
source's picture type (I/P/B) still set, and libavcodec's libx264 wrapper then forces x264 to
those frame types, skipping its own frame-type decision: ~15–25% less x264 CPU than encoding
any composited frame, which has no picture type. "x264 decides frame types" clears it — the
fair floor; "source frame types" is the loop as naively written.

    .venv/bin/python bench/render_reference.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

sys.path.insert(0, str(Path(__file__).parent))
from render_inputs import FPS, WORK, inputs

from framelane.render.motions import MOTIONS
from framelane.render.pipeline import render, render_still_png


def reference_spec(paths: dict[str, Path]) -> dict[str, Any]:
    logo_motion = [{"type": "fade", "time": 0, "duration": 1, "easing": "linear"}]
    if MOTIONS.is_supported("loop_rotate"):
        logo_motion.append({"type": "loop_rotate", "time": 0, "duration": 10, "loop": True})
    return {
        "width": 1920,
        "height": 1080,
        "frame_rate": FPS,
        "duration": 10,
        "elements": [
            {
                "type": "text",
                "id": "title",
                "text": "Framelane reference 1080p30",
                "duration": 10,
                "font_size": 72,
                "font_weight": 700,
                "x": "50%",
                "y": 120,
                "width": "80%",
                "stroke_color": "#000000",
                "stroke_width": 4,
                "z_index": 3,
            },
            {
                "type": "image",
                "id": "logo",
                "source_url": str(paths["logo"]),
                "duration": 10,
                "x": 1640,
                "y": 160,
                "width": 400,
                "height": 200,
                "z_rotation": "12deg",
                "z_index": 2,
                "motion": logo_motion,
            },
            {
                "type": "video",
                "id": "b",
                "source_url": str(paths["b"]),
                "width": 640,
                "height": 360,
                "x": 560,
                "y": 700,
                "border_radius": 24,
                "opacity": 90,
                "shadow_color": "#00000099",
                "shadow_blur": 28,
                "shadow_x": 12,
                "shadow_y": 12,
                "z_index": 1,
                "motion": [
                    {"type": "slide_right", "time": 0, "duration": 10, "easing": "linear"},
                    {"type": "slide_up", "time": 0, "duration": 10, "easing": "ease_in_out"},
                ],
            },
            {"type": "video", "id": "a", "source_url": str(paths["a"])},
        ],
    }


class Timer:
    """Wall time and CPU time (user + system of every thread, or of waited-for children).
    CPU time is the steadier number on a shared, busy machine."""

    def __init__(self, who: int = resource.RUSAGE_SELF) -> None:
        self.who = who

    def __enter__(self) -> Timer:
        self.wall0, self.cpu0 = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = self._cpu() - self.cpu0

    def _cpu(self) -> float:
        usage = resource.getrusage(self.who)
        return usage.ru_utime + usage.ru_stime


def pyav_floor(source: Path, out: Path, *, keep_picture_types: bool) -> None:
    """Decode clip A and re-encode its 300 frames with libx264 veryfast, nothing else.

    `keep_picture_types`: pass each decoded frame's picture type (I/P/B) on to the encoder,
    as a bare decode → encode loop does by accident. libavcodec's libx264 wrapper then forces
    x264 to those frame types, which skips x264's own frame-type decision and costs ~25% less
    x264 CPU. A composited frame has no source picture type, so the fair floor clears it."""
    with av.open(str(source)) as src, av.open(str(out), "w") as dst:
        stream = src.streams.video[0]
        stream.thread_type = "AUTO"
        encoder = dst.add_stream("libx264", rate=FPS, options={"preset": "veryfast", "crf": "20"})
        encoder.width, encoder.height, encoder.pix_fmt = 1920, 1080, "yuv420p"
        encoder.codec_context.thread_type = "FRAME"
        for n, frame in enumerate(src.decode(stream)):
            frame.pts, frame.time_base = n, Fraction(1, FPS)
            if not keep_picture_types:
                frame.pict_type = av.video.frame.PictureType.NONE
            dst.mux(encoder.encode(frame))
        dst.mux(encoder.encode(None))


def decodes_and_encode(paths: dict[str, Path], out: Path) -> None:
    """The fair floor, and clip B decoded and shrunk to the inset's size on a thread beside
    it, as any renderer of this picture must; nothing is drawn."""

    def inset() -> None:
        with av.open(str(paths["b"])) as src:
            stream = src.streams.video[0]
            stream.codec_context.thread_count = 1  # the encoder has the other core
            for frame in src.decode(stream):
                frame.reformat(
                    width=640, height=360, format="bgra", interpolation="AREA", threads=1
                )

    thread = threading.Thread(target=inset)
    thread.start()
    pyav_floor(paths["a"], out, keep_picture_types=False)
    thread.join()


def preview_latency(spec: dict[str, Any], at: float) -> float:
    started = time.perf_counter()
    render_still_png(spec, at)
    return time.perf_counter() - started


def moviepy_run(paths: dict[str, Path]) -> Timer | None:
    python = os.environ.get("MOVIEPY_PYTHON")
    if not python:
        return None
    script = Path(__file__).with_name("render_moviepy.py")
    font = Path(__file__).parents[1] / "src/framelane/render/fonts/Inter-Bold.otf"
    args = [
        python,
        str(script),
        str(paths["a"]),
        str(paths["b"]),
        str(paths["logo"]),
        str(WORK / "moviepy.mp4"),
        str(font),
    ]
    with Timer(resource.RUSAGE_CHILDREN) as timer:
        subprocess.run(args, check=True, capture_output=True)
    return timer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    rounds = parser.parse_args().rounds
    paths = inputs()
    spec = reference_spec(paths)
    literal, fair, inherent, mine, composited = [], [], [], [], []
    for _ in range(rounds):  # round-robin, so all of them see the same machine load
        with Timer() as literal_run:
            pyav_floor(paths["a"], WORK / "floor.mp4", keep_picture_types=True)
        with Timer() as fair_run:
            pyav_floor(paths["a"], WORK / "floor.mp4", keep_picture_types=False)
        with Timer() as inherent_run:
            decodes_and_encode(paths, WORK / "floor.mp4")
        with Timer() as our_run:
            render(spec, WORK / "ours.mp4")
        with Timer() as composited_run:
            pyav_floor(WORK / "ours.mp4", WORK / "floor.mp4", keep_picture_types=False)
        composited.append(composited_run)
        literal.append(literal_run)
        fair.append(fair_run)
        inherent.append(inherent_run)
        mine.append(our_run)
    wall = statistics.median(t.wall for t in mine)
    cpu = statistics.median(t.cpu for t in mine)
    print(f"framelane reference render:  {wall:.2f} s wall ({300 / wall:.1f} fps), {cpu:.2f} s CPU")
    for name, runs in (("x264 decides frame types", fair), ("source frame types", literal)):
        floor_wall = statistics.median(t.wall for t in runs)
        floor_cpu = statistics.median(t.cpu for t in runs)
        print(f"PyAV floor, {name}: {floor_wall:.2f} s wall, {floor_cpu:.2f} s CPU")
        print(f"  ratio ours / floor:        {wall / floor_wall:.2f} wall, ", end="")
        print(f"{cpu / floor_cpu:.2f} CPU  (target <= 1.2)")
    fair_wall = statistics.median(t.wall for t in fair)
    fair_cpu = statistics.median(t.cpu for t in fair)
    both_wall = statistics.median(t.wall for t in inherent)
    both_cpu = statistics.median(t.cpu for t in inherent)
    print(
        f"inherent: both decodes + encode, nothing drawn: {both_wall:.2f} s wall, "
        f"{both_cpu:.2f} s CPU = {both_wall / fair_wall:.2f} wall, "
        f"{both_cpu / fair_cpu:.2f} CPU of the fair floor"
    )
    content_wall = statistics.median(t.wall for t in composited) - fair_wall
    content_cpu = statistics.median(t.cpu for t in composited) - fair_cpu
    print(
        f"the same bare loop on our output instead of clip A: {content_wall:+.2f} s wall, "
        f"{content_cpu:+.2f} s CPU; inherent with it: "
        f"{(both_wall + content_wall) / fair_wall:.2f} wall, "
        f"{(both_cpu + content_cpu) / fair_cpu:.2f} CPU of the fair floor"
    )
    print(f"preview PNG at t=0 s:        {preview_latency(spec, 0.0):.2f} s")
    print(f"preview PNG at t=5 s:        {preview_latency(spec, 5.0):.2f} s")
    moviepy = moviepy_run(paths)
    if moviepy is None:
        print("MoviePy: not measured (set MOVIEPY_PYTHON to an interpreter with moviepy)")
    else:
        print(f"MoviePy same picture:        {moviepy.wall:.2f} s wall, {moviepy.cpu:.2f} s CPU")
        print(f"ratio MoviePy / ours:        {moviepy.wall / wall:.2f} wall, ", end="")
        print(f"{moviepy.cpu / cpu:.2f} CPU  (target >= 8)")


if __name__ == "__main__":
    main()
