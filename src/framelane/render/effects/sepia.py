"""`sepia`: the classic warm brown tone (a colour matrix, safe on premultiplied pixels)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from framelane.render.effects.base import INTENSITY, EffectInput, Pixels, mix
from framelane.render.registry import ParamRange

# Rows produce B, G, R from columns B, G, R (the usual sepia matrix, reordered for BGRA).
_SEPIA_BGR = np.array(
    [
        [0.131, 0.534, 0.272],
        [0.168, 0.686, 0.349],
        [0.189, 0.769, 0.393],
    ],
    dtype=np.float32,
)


@dataclass(frozen=True, slots=True)
class Sepia:
    name: str = "sepia"
    description: str = "Warm brown monochrome tone."
    supported: bool = True
    animated: bool = False
    parameters: Mapping[str, ParamRange] = field(default_factory=lambda: {"intensity": INTENSITY})

    def apply(self, pixels: Pixels, args: EffectInput) -> Pixels:
        bgr = pixels[..., :3].astype(np.float32)
        toned = bgr @ _SEPIA_BGR.T
        # Premultiplied colour must not exceed alpha.
        alpha = pixels[..., 3:4].astype(np.float32)
        toned = np.minimum(toned, alpha)
        full = np.concatenate([toned, alpha], axis=2)
        return mix(pixels, full, args.intensity)
