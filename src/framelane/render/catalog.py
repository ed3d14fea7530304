"""`build_catalog()`: what `GET /v1/capabilities` lists, read from the same models and
registries the validator uses."""

from __future__ import annotations

from typing import Any, get_args

from framelane.render.easing import EASINGS
from framelane.render.effects import EFFECTS
from framelane.render.elements import ELEMENT_TYPES
from framelane.render.encode import CONTENT_TYPES
from framelane.render.fonts import FALLBACKS, bundled_families, family_category
from framelane.render.limits import DEFAULT_LIMITS, RenderLimits
from framelane.render.motions import MOTIONS
from framelane.render.schema_fields import model_fields
from framelane.render.spec.fields import BlendMode
from framelane.render.spec.models import ALPHA_FORMATS, OutputFormat, RenderSpec
from framelane.render.transitions import TRANSITIONS
from framelane.render.word_animations import WORD_ANIMATIONS

CATALOG_VERSION = "2026-11-22"
INPUT_FORMATS = {
    "video": ["mp4", "mov", "webm", "mkv", "avi", "mpeg"],
    "image": [
        "png",
        "jpg",
        "jpeg",
        "webp",
        "gif",
        "bmp",
        "tiff",
        "apng",
        "svg",
        "heic",
        "heif",
        "avif",
    ],
    "audio": ["mp3", "aac", "m4a", "wav", "ogg", "opus", "flac"],
    "font": ["ttf", "otf"],
    "lut": ["cube"],
}
UNSUPPORTED_INPUT_FORMATS = {
    "image": [
        {
            "name": name,
            "supported": False,
            "error_code": "codec_unsupported",
            "description": description,
        }
        for name, description in (
            ("jxl", "JPEG XL: no decoder is installed."),
            ("raw", "Camera raw files (DNG, CR2, NEF, ARW…): convert to JPEG, PNG or HEIC."),
        )
    ]
}
"""Image kinds people ask about that sources refuse, with the code they are refused with."""


def _names(values: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    return [{"name": v, "supported": True} for v in values]


def limits(limits: RenderLimits = DEFAULT_LIMITS) -> dict[str, Any]:
    ranges = {
        "width": {"minimum": 16, "maximum": 8192},
        "height": {"minimum": 16, "maximum": 8192},
        "frame_rate": {"minimum": 1, "maximum": 240},
        "speed": {"minimum": 0.25, "maximum": 4},
        "opacity": {"minimum": 0, "maximum": 100},
        "volume": {"minimum": 0, "maximum": 100},
        "crop": {"minimum": 0, "maximum": 1},
        "lut_intensity": {"minimum": 0, "maximum": 100},
        "effect_intensity": {"minimum": 0, "maximum": 100},
        "font_weight": {"minimum": 100, "maximum": 900},
        "track": {"minimum": 0, "maximum": 255},
    }
    return {"ranges": ranges, "render": limits.as_dict()}


def build_catalog(render_limits: RenderLimits = DEFAULT_LIMITS) -> dict[str, Any]:
    element_types = [element.catalog_entry() for element in ELEMENT_TYPES.values()]
    output_formats = [
        {
            "name": name,
            "supported": True,
            "content_type": CONTENT_TYPES[name],
            "alpha": name in ALPHA_FORMATS,
            "still": name in ("png", "jpg"),
        }
        for name in get_args(OutputFormat)
    ]
    fonts = [
        {"family": family, "bundled": True, "category": family_category(family)}
        for family in bundled_families()
    ]
    return {
        "version": CATALOG_VERSION,
        "render_fields": model_fields(RenderSpec),
        "element_types": element_types,
        "effects": EFFECTS.catalog(),
        "motions": MOTIONS.catalog(),
        "transitions": TRANSITIONS.catalog(),
        "word_animations": WORD_ANIMATIONS.catalog(),
        "easings": _names(list(EASINGS)),
        "blend_modes": _names(get_args(BlendMode)),
        "output_formats": output_formats,
        "input_formats": INPUT_FORMATS,
        "unsupported_input_formats": UNSUPPORTED_INPUT_FORMATS,
        "fonts": fonts,
        "font_fallbacks": FALLBACKS,
        "limits": limits(render_limits),
    }
