"""The Effect protocol: one pixel operation on a layer's premultiplied BGRA pixels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from framelane.render.registry import ParamRange

Pixels = npt.NDArray[np.uint8]
"""An (H, W, 4) uint8 array of premultiplied BGRA pixels."""

INTENSITY = ParamRange(0, 100, 100, "strength of the effect in percent")


@dataclass(frozen=True, slots=True)
class EffectInput:
    """The per-frame arguments of an effect."""

    intensity: float
    """0–1 (the spec's 0–100 divided by 100)."""
    settings: Mapping[str, float] = field(default_factory=dict)
    """Extra numeric settings, e.g. `chroma_settings` for `chroma_key`."""
    time: float = 0.0
    """Seconds since the element started (for animated effects such as grain)."""


class Effect(Protocol):
    """An entry of the effects registry; `apply` must not modify its input in place."""

    @property
    def name(self) -> str: ...

    @property
    def supported(self) -> bool: ...

    @property
    def description(self) -> str: ...

    @property
    def parameters(self) -> Mapping[str, ParamRange]: ...

    @property
    def animated(self) -> bool:
        """True when the output depends on `time` (so results cannot be cached per image)."""
        ...

    def apply(self, pixels: Pixels, args: EffectInput) -> Pixels: ...


def mix(original: Pixels, processed: npt.NDArray[np.float32] | Pixels, amount: float) -> Pixels:
    """Blend `processed` over `original` by `amount` (0–1), keeping the original alpha."""
    if amount >= 1.0:
        out = np.clip(processed, 0, 255).astype(np.uint8)
    else:
        blended = original.astype(np.float32) * (1 - amount) + processed * amount
        out = np.clip(blended, 0, 255).astype(np.uint8)
    out[..., 3] = original[..., 3]
    return out
