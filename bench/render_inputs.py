"""Synthetic inputs for the render benchmarks: two 1080p30 H.264 clips and an RGBA logo.

Written once into FRAMELANE_BENCH_DIR (default /tmp/framelane-bench) and reused.
"""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

W, H, FPS = 1920, 1080, 30
WORK = Path(os.environ.get("FRAMELANE_BENCH_DIR", "/tmp/framelane-bench"))


def _pattern(n: int, phase: int) -> np.ndarray:
    """A moving colour pattern with detail, so the encoder has real work to do."""
    ys = np.arange(H, dtype=np.int32)[:, None]
    xs = np.arange(W, dtype=np.int32)[None, :]
    r = ((xs + 4 * n + phase) % 256).astype(np.uint8)
    g = ((ys * 2 - 3 * n) % 256).astype(np.uint8)
    b = (((xs // 40 + ys // 40 + n // 5) % 2) * 200).astype(np.uint8)
    frame = np.empty((H, W, 3), np.uint8)
    frame[..., 0] = r
    frame[..., 1] = np.broadcast_to(g, (H, W))
    frame[..., 2] = b
    return frame


def write_clip(path: Path, seconds: float, phase: int) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.mp4")
    with av.open(str(partial), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"preset": "veryfast", "crf": "20"})
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.codec_context.thread_type = "FRAME"
        for n in range(round(seconds * FPS)):
            frame = av.VideoFrame.from_ndarray(_pattern(n, phase), format="rgb24")
            frame.pts = n
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    partial.rename(path)
    return path


def write_logo(path: Path) -> Path:
    if not path.exists():
        logo = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
        draw = ImageDraw.Draw(logo)
        draw.rounded_rectangle((10, 10, 390, 190), radius=40, fill=(255, 200, 0, 230))
        draw.ellipse((40, 40, 160, 160), fill=(200, 30, 60, 255))
        logo.save(path)
    return path


def inputs() -> dict[str, Path]:
    WORK.mkdir(parents=True, exist_ok=True)
    return {
        "a": write_clip(WORK / "a.mp4", 10, 0),
        "b": write_clip(WORK / "b.mp4", 10, 97),
        "logo": write_logo(WORK / "logo.png"),
    }
