"""Synthetic source pictures for the gallery (no downloads, no bundled media)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from framelane.render.pixels import Pixels


def landscape(width: int, height: int) -> Pixels:
    """A sunset landscape (RGBA, straight alpha): sky gradient, sun, two hill ranges, a lake
    with reflections, colour swatches and fine texture, so every effect has something to act
    on (highlights, edges, flat colour, gradients, detail)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    u, v = xs / width, ys / height
    sky_top, sky_low = np.array([40, 70, 160]), np.array([250, 160, 90])
    rgb = sky_top + (sky_low - sky_top) * np.clip(v / 0.6, 0, 1)[..., None]
    sun = (xs - 0.68 * width) ** 2 + (ys - 0.38 * height) ** 2 < (0.09 * height) ** 2
    rgb[sun] = (255, 240, 200)
    far = v > 0.55 - 0.07 * np.sin(u * 9.0) - 0.04 * np.sin(u * 23.0)
    rgb[far] = (70, 60, 110)
    near = v > 0.68 - 0.1 * np.sin(u * 5.0 + 1.0)
    bushes = (np.sin(xs * 0.9) * np.sin(ys * 0.9) > 0.6)[near, None]
    rgb[near] = np.array([30, 90, 50]) + bushes * 25
    lake = (v > 0.8) & (np.abs(u - 0.35) < 0.25 - (v - 0.8))
    rgb[lake] = np.array([60, 120, 200]) + (np.sin(ys[lake] * 2.2)[..., None] * 18)
    for i, colour in enumerate([(230, 40, 40), (40, 200, 60), (40, 80, 230), (250, 220, 40)]):
        x0 = int(width * (0.04 + 0.06 * i))
        rgb[int(height * 0.06) : int(height * 0.16), x0 : x0 + max(2, width // 22)] = colour
    out = np.empty((height, width, 4), dtype=np.uint8)
    out[..., :3] = np.clip(rgb, 0, 255).astype(np.uint8)
    out[..., 3] = 255
    return out


def night_city(width: int, height: int) -> Pixels:
    """A second, clearly different picture (the incoming side of transitions)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    rgb = np.zeros((height, width, 3), dtype=np.float32)
    rgb[...] = np.array([15, 20, 45]) + (ys / height)[..., None] * np.array([30, 10, 60])
    rng = np.random.default_rng(3)
    x = 0
    while x < width:
        w = int(rng.integers(width // 16, width // 7))
        top = int(height * rng.uniform(0.25, 0.7))
        rgb[top:, x : x + w] = (25, 28, 40)
        lit = (np.sin(xs[top:, x : x + w] * 1.7) > 0.3) & (np.sin(ys[top:, x : x + w] * 1.3) > 0.2)
        lit &= rng.random(lit.shape) > 0.45
        rgb[top:, x : x + w][lit] = (250, 210, 120)
        x += w + int(rng.integers(1, max(2, width // 40)))
    moon = (xs - 0.2 * width) ** 2 + (ys - 0.2 * height) ** 2 < (0.07 * height) ** 2
    rgb[moon] = (235, 235, 220)
    out = np.empty((height, width, 4), dtype=np.uint8)
    out[..., :3] = np.clip(rgb, 0, 255).astype(np.uint8)
    out[..., 3] = 255
    return out


def green_screen(width: int, height: int) -> Pixels:
    """A presenter silhouette on a green screen (for chroma_key)."""
    out = np.empty((height, width, 4), dtype=np.uint8)
    out[..., :3] = (40, 190, 60)
    out[..., 3] = 255
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    head = (xs - width / 2) ** 2 + (ys - height * 0.38) ** 2 < (height * 0.14) ** 2
    body = ((xs - width / 2) / (width * 0.22)) ** 2 + ((ys - height) / (height * 0.45)) ** 2 < 1
    out[head | body, :3] = (200, 150, 120)
    out[body & ~head, :3] = (60, 60, 140)
    return out


def write_sources(directory: Path, width: int, height: int) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in (("landscape", landscape), ("city", night_city), ("green", green_screen)):
        path = directory / f"{name}.png"
        Image.fromarray(make(width, height), "RGBA").save(path)
        paths[name] = path
    return paths
