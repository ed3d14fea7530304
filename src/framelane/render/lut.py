"""Adobe/Resolve `.cube` 3D LUTs: parse once, apply with trilinear interpolation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from framelane.render.errors import SourceCorrupt
from framelane.render.pixels import Pixels


@dataclass(frozen=True, slots=True)
class Lut3D:
    size: int
    table: npt.NDArray[np.float32]
    """(size, size, size, 3) RGB output indexed [b, g, r] (the .cube order: red fastest)."""


def load_cube(path: Path) -> Lut3D:
    size = 0
    rows: list[list[float]] = []
    try:
        for raw in path.read_text(errors="replace").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            head = line.split()[0].upper()
            if head == "LUT_3D_SIZE":
                size = int(line.split()[1])
            elif head[0].isdigit() or head[0] in "-.":
                rows.append([float(v) for v in line.split()[:3]])
    except (ValueError, IndexError) as error:
        raise SourceCorrupt(f"invalid .cube LUT {path.name}: {error}") from error
    if size < 2 or len(rows) != size**3:
        raise SourceCorrupt(f"invalid .cube LUT {path.name}: expected {size}³ rows")
    table = np.asarray(rows, dtype=np.float32).reshape(size, size, size, 3)
    return Lut3D(size=size, table=table)


def apply_lut(pixels: Pixels, lut: Lut3D, intensity: float) -> Pixels:
    """Straight-alpha BGRA in and out; `intensity` 0–1 mixes with the original."""
    rgb = pixels[..., 2::-1].astype(np.float32) * ((lut.size - 1) / 255.0)
    low = np.floor(rgb).astype(np.int32)
    np.minimum(low, lut.size - 2, out=low)
    frac = rgb - low
    r0, g0, b0 = low[..., 0], low[..., 1], low[..., 2]
    fr, fg, fb = frac[..., 0:1], frac[..., 1:2], frac[..., 2:3]
    t = lut.table
    out = np.zeros(rgb.shape, dtype=np.float32)
    for db, wb in ((0, 1 - fb), (1, fb)):
        for dg, wg in ((0, 1 - fg), (1, fg)):
            for dr, wr in ((0, 1 - fr), (1, fr)):
                out += t[b0 + db, g0 + dg, r0 + dr] * (wb * wg * wr)
    mapped = out[..., ::-1] * 255.0
    original = pixels[..., :3].astype(np.float32)
    mixed = original + (mapped - original) * intensity
    result = np.empty_like(pixels)
    result[..., :3] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    result[..., 3] = pixels[..., 3]
    return result
