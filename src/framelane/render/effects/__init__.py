"""The effects registry: spec name → `Effect`.

To add an effect: write `effects/<name>.py` with a frozen dataclass implementing
`framelane.render.effects.base.Effect`, then add one `EFFECTS.register(...)` line below.
"""

from __future__ import annotations

from framelane.render.effects import (
    blur,
    camera,
    chroma_key,
    distort,
    film,
    glitch,
    grade,
    halftone,
    light,
    retro,
    stylise,
    trails,
)
from framelane.render.effects.base import Effect, EffectInput, Pixels
from framelane.render.effects.invert import Invert
from framelane.render.effects.sepia import Sepia
from framelane.render.registry import Registry

EFFECTS: Registry[Effect] = Registry("effect")

# In catalog order (one line each).
EFFECTS.register(film.VINTAGE)
EFFECTS.register(film.POLAROID)
EFFECTS.register(film.PORTRA)
EFFECTS.register(film.SUPER8)
EFFECTS.register(film.FILMIC)
EFFECTS.register(film.ADD_GRAIN)
EFFECTS.register(Sepia())
EFFECTS.register(light.LIGHT_LEAKS)
EFFECTS.register(light.FILM_BURN)
EFFECTS.register(distort.RGB_SPLIT)
EFFECTS.register(trails.GHOSTING)
EFFECTS.register(distort.DISPLACEMENT_MAP)
EFFECTS.register(distort.CHROMATIC_ABERRATION)
EFFECTS.register(trails.ECHO)
EFFECTS.register(distort.PRISM)
EFFECTS.register(stylise.POSTERIZE)
EFFECTS.register(stylise.MOSAIC)
EFFECTS.register(stylise.MOSAIC_BLUR)
EFFECTS.register(stylise.MOSAIC_POSTERIZE)
EFFECTS.register(halftone.CC_HALFTONE)
EFFECTS.register(halftone.CC_HALFTONE_BLUE)
EFFECTS.register(halftone.CC_HALFTONE_GREEN)
EFFECTS.register(halftone.CC_HALFTONE_RED)
EFFECTS.register(Invert())
EFFECTS.register(distort.OPTICS_COMPENSATION)
EFFECTS.register(camera.VIEWFINDER)
EFFECTS.register(camera.NIGHT_VISION)
EFFECTS.register(camera.THERMAL)
EFFECTS.register(blur.CAMERA_LENS_BLUR)
EFFECTS.register(blur.CAMERA_LENS_BLUR_BG)
EFFECTS.register(blur.BOX_BLUR)
EFFECTS.register(light.LENS_FLARE)
EFFECTS.register(light.STROBE_LIGHT)
EFFECTS.register(camera.SNOW)
EFFECTS.register(light.GLOW)
EFFECTS.register(retro.VHS)
EFFECTS.register(retro.VHS_OVERLAY)
EFFECTS.register(retro.CRT)
EFFECTS.register(retro.TELEVISION)
EFFECTS.register(glitch.GLITCH)
EFFECTS.register(glitch.COMPRESSION_GLITCH)
EFFECTS.register(retro.SCANLINES)
EFFECTS.register(grade.DUOTONE)
EFFECTS.register(grade.CROSS_PROCESS)
EFFECTS.register(grade.BLEACH_BYPASS)
EFFECTS.register(chroma_key.ChromaKey())

__all__ = ["EFFECTS", "Effect", "EffectInput", "Pixels"]
