"""`invert`: a colour negative (on premultiplied pixels the negative of c is alpha − c)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from framelane.render.effects.base import INTENSITY, EffectInput, Pixels, mix
from framelane.render.registry import ParamRange


@dataclass(frozen=True, slots=True)
class Invert:
    name: str = "invert"
    description: str = "Colour negative."
    supported: bool = True
    animated: bool = False
    parameters: Mapping[str, ParamRange] = field(default_factory=lambda: {"intensity": INTENSITY})

    def apply(self, pixels: Pixels, args: EffectInput) -> Pixels:
        out = pixels.copy()
        alpha = pixels[..., 3:4]
        out[..., :3] = alpha - pixels[..., :3]
        if args.intensity >= 1.0:
            return out
        return mix(pixels, out, args.intensity)
