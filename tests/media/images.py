"""Images people upload, generated at test time: animations whose frames are solid colours
with known durations, 16-bit PNGs, HEIC photos and SVG logos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
"""Frame n of every animation is COLOURS[n], shown for DELAYS_MS[n]."""
DELAYS_MS = [100, 200, 100]


def write_animation(path: Path, fmt: str, loop: int | None = 0, size: int = 16) -> Path:
    """A three-frame GIF, WebP or APNG (`fmt` as Pillow names it); `loop` None: no count."""
    frames = [Image.new("RGBA", (size, size), (*colour, 255)) for colour in COLOURS]
    extra = {} if loop is None else {"loop": loop}
    frames[0].save(
        path,
        format=fmt,
        save_all=True,
        append_images=frames[1:],
        duration=DELAYS_MS,
        disposal=1 if fmt == "GIF" else 0,
        **extra,
    )
    return path


def write_png_16(path: Path, values: np.ndarray) -> Path:
    """A 16-bit PNG from uint16 samples: (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA."""
    if values.ndim == 3:
        values = (
            values[..., [2, 1, 0, 3][: values.shape[2]]]
            if values.shape[2] == 4
            else (values[..., ::-1])
        )
    assert cv2.imwrite(str(path), np.ascontiguousarray(values.astype(np.uint16)))
    return path


def write_heic(path: Path, colour: tuple[int, int, int], size: tuple[int, int]) -> Path:
    from pillow_heif import register_heif_opener  # type: ignore[import-untyped]

    register_heif_opener()
    Image.new("RGB", size, colour).save(path, format="HEIF", quality=95)
    return path


LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" viewBox="0 0 20 10">
<rect x="0" y="0" width="10" height="10" fill="#ff0000"/>
<rect x="10" y="0" width="10" height="10" fill="#0000ff"/>
</svg>"""
"""A 20 × 10 logo: left half red, right half blue, the edge exactly in the middle."""


def write_svg(path: Path, markup: str = LOGO_SVG) -> Path:
    path.write_text(markup, encoding="utf-8")
    return path
