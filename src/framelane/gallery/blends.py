"""Clips and frames for transitions written as pixel blends, which the compositor cannot draw
yet: the two source pictures are blended directly, over the same window the engine would use."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from framelane.gallery.specs import Frame
from framelane.render.pixels import Pixels, premultiply
from framelane.render.transitions.pixel import PixelTransition


def _load(path: Path) -> Pixels:
    rgba = np.asarray(Image.open(path).convert("RGBA"), dtype=np.uint8)
    return premultiply(np.ascontiguousarray(rgba[..., [2, 1, 0, 3]]))


def progress_at(index: int, frame: Frame) -> float:
    """Progress of a 0.6 × clip transition centred on the cut at half time."""
    t = index / frame.fps
    start = frame.seconds / 2 - 0.3 * frame.seconds
    return min(max((t - start) / (0.6 * frame.seconds), 0.0), 1.0)


def blend_frames(entry: PixelTransition, frame: Frame, outgoing: Path,
                 incoming: Path) -> list[Pixels]:
    """Every frame of the clip as RGB."""
    a, b = _load(outgoing), _load(incoming)
    count = round(frame.seconds * frame.fps)
    frames = []
    for i in range(count):
        bgra = entry.blend(a, b, progress_at(i, frame))
        frames.append(np.ascontiguousarray(bgra[..., [2, 1, 0]]))
    return frames


def write_mp4(frames: list[Pixels], path: Path, fps: int) -> Path:
    """H.264 (yuv420p) with exact frame timestamps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.time_base = Fraction(1, fps)
        for index, rgb in enumerate(frames):
            video_frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            video_frame.pts = index
            container.mux(stream.encode(video_frame))
        container.mux(stream.encode(None))
    return path
