"""Assemble the capabilities document.

The render part comes from `framelane.render.catalog.build_catalog()` (the registries, element
models, output formats, fonts and render limits); this module adds what lives outside the
engine: task parameter schemas, HTTP-level limits, rate limits, plans, onboarding, auth and the
version. The static part is built once per process; the settings-dependent part per request.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from importlib.metadata import version as package_version
from typing import Any

from framelane.core.settings import Settings
from framelane.render.catalog import build_catalog
from framelane.render.effects import EFFECTS
from framelane.render.effects.chroma_key import CHROMA_PARAMETERS
from framelane.render.motions import MOTIONS
from framelane.render.motions.scope import character_motions
from framelane.render.transitions import TRANSITIONS
from framelane.render.transitions.pixel import PixelTransition

MOTION_SCOPES = (
    {"name": "element", "supported": True, "description": "The motion moves the whole element."},
    {
        "name": "character",
        "supported": True,
        "description": "On text without word_animation: each non-space glyph plays the motion "
        "in turn, for half its duration, starts spread so the last glyph ends "
        "with it; a glyph's canvas is four font sizes square. Only motions that "
        "offset, turn, scale, fade or scatter (explode) can play per glyph: "
        + ", ".join(character_motions())
        + ". Any other motion, an element that is not text, or text with "
        "word_animation is refused with capability_unsupported.",
    },
)
ANIMATION_PRESETS = {
    "supported": False,
    "description": "`text.animation_preset` has no documented semantics; any value is refused "
    "with capability_unsupported. Use `motion[]` presets instead.",
}
AUTH = {
    "scheme": "bearer",
    "header": "Authorization: Bearer fl_live_…",
    "key_kinds": {"workspace": "fl_live_…", "user_token": "tkc_…"},
    "no_auth": [
        "GET /v1/capabilities",
        "POST /v1/signup",
        "POST /v1/signup/verify",
        "POST /v1/signup/resend",
        "GET /healthz",
        "GET /readyz",
        "GET /version",
    ],
}
ONBOARDING = [
    {
        "step": 1,
        "method": "POST",
        "path": "/v1/signup",
        "body": {"workspace_name": "Acme", "email": "you@example.com"},
        "returns": "201 {workspace, api_key}: the key is shown once and is inert until step 2",
    },
    {
        "step": 2,
        "method": "POST",
        "path": "/v1/signup/verify",
        "body": {"email": "you@example.com", "otp_code": "123456"},
        "returns": "200: the 6-digit code from the email (valid 10 minutes, 5 attempts) activates "
        "the key; POST /v1/signup/resend sends a new one",
    },
    {
        "step": 3,
        "method": "POST",
        "path": "/v1/renders",
        "headers": {"Authorization": "Bearer fl_live_…"},
        "body": {
            "width": 640,
            "height": 360,
            "duration": 2,
            "elements": [{"type": "text", "id": "t1", "text": "Hello", "duration": 2}],
        },
        "returns": "202 Job; poll GET /v1/renders/{id}?wait=30, then GET /v1/renders/{id}/download",
    },
]


EFFECT_GROUPS: dict[str, tuple[str, ...]] = {
    "film": (
        "vintage",
        "polaroid",
        "portra",
        "super8",
        "filmic",
        "add_grain",
        "sepia",
        "light_leaks",
        "film_burn",
    ),
    "distortion": (
        "rgb_split",
        "ghosting",
        "displacement_map",
        "chromatic_aberration",
        "echo",
        "prism",
    ),
    "stylise": (
        "posterize",
        "mosaic",
        "mosaic_blur",
        "mosaic_posterize",
        "cc_halftone",
        "cc_halftone_blue",
        "cc_halftone_green",
        "cc_halftone_red",
        "invert",
    ),
    "lens_camera": (
        "optics_compensation",
        "viewfinder",
        "night_vision",
        "thermal",
        "camera_lens_blur",
        "camera_lens_blur_bg",
        "box_blur",
        "lens_flare",
        "strobe_light",
        "snow",
        "glow",
    ),
    "retro_glitch": (
        "vhs",
        "vhs_overlay",
        "crt",
        "television",
        "glitch",
        "compression_glitch",
        "scanlines",
    ),
    "colour_grade": ("duotone", "cross_process", "bleach_bypass"),
    "keying": ("chroma_key",),
}
"""The groups of §11.1, so clients can present the effects the way the docs do."""


def _group_of(name: str) -> str:
    return next((group for group, names in EFFECT_GROUPS.items() if name in names), "other")


def _annotate(catalog: dict[str, Any]) -> None:
    """Per-entry facts the registries know beyond name/supported/parameters."""
    for row in catalog["effects"]:
        entry = EFFECTS.entry(row["name"])
        row["group"] = _group_of(row["name"])
        row["animated"] = bool(getattr(entry, "animated", False))
    for row in catalog["motions"]:
        motion = MOTIONS.entry(row["name"])
        looping = bool(getattr(motion, "looping", False))
        row["kind"] = "loop" if looping else str(getattr(motion, "direction", "entrance"))
    for row in catalog["transitions"]:
        transition = TRANSITIONS.entry(TRANSITIONS.canonical(row["name"]))
        row["renderer"] = "blend" if isinstance(transition, PixelTransition) else "compositor"


@lru_cache(maxsize=1)
def _static_part() -> dict[str, Any]:
    catalog = build_catalog()
    _annotate(catalog)
    catalog["motion_scopes"] = list(MOTION_SCOPES)
    catalog["animation_presets"] = ANIMATION_PRESETS
    catalog["tasks"] = task_capabilities()
    catalog["projects"] = project_capabilities()
    catalog["limits"]["ranges"].update(_spec_ranges())
    catalog["limits"]["fields"] = field_ranges()
    return catalog


def task_capabilities() -> dict[str, Any]:
    """Parameter schemas of the AI tasks (empty when the tasks package is not installed)."""
    try:
        from framelane.tasks.operations.registry import capabilities
    except ImportError:
        return {}
    return capabilities()


def project_capabilities() -> dict[str, Any]:
    """Project edit ops with their parameter schemas, and template variable types (empty
    when the projects package is not installed)."""
    try:
        from framelane.projects.capabilities import capabilities
    except ImportError:
        return {}
    return capabilities()


def _spec_ranges() -> dict[str, Any]:
    chroma = {
        name: spec.as_dict() for name, spec in CHROMA_PARAMETERS.items() if name != "intensity"
    }
    return {
        "chroma_settings": chroma,
        "motion_duration": {"exclusive_minimum": 0},
        "motion_time": {"minimum": 0},
        "transition_duration": {"exclusive_minimum": 0},
        "speed": {"minimum": 0.25, "maximum": 4},
        "word_times": {"minimum": 0, "unit": "absolute timeline seconds"},
    }


_BOUNDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)


def _bounds(prop: dict[str, Any]) -> dict[str, Any]:
    found = {key: prop[key] for key in _BOUNDS if key in prop}
    for option in prop.get("anyOf", []):
        found.update({key: option[key] for key in _BOUNDS if key in option})
    return found


def field_ranges() -> dict[str, dict[str, Any]]:
    """Every bounded field of the render spec and its sub-objects, read from the same Pydantic
    models the validator uses: `{"VideoElement.speed": {"minimum": 0.25, "maximum": 4}, …}`."""
    from framelane.render.spec.models import RenderSpec

    schema = RenderSpec.model_json_schema()
    models = [("RenderSpec", schema), *schema.get("$defs", {}).items()]
    ranges: dict[str, dict[str, Any]] = {}
    for model_name, model_schema in models:
        for field_name, prop in model_schema.get("properties", {}).items():
            bounds = _bounds(prop)
            if bounds:
                ranges[f"{model_name}.{field_name}"] = bounds
    return ranges


def _http_limits(settings: Settings) -> dict[str, Any]:
    return {
        "max_body_bytes": settings.max_body_bytes,
        "max_upload_bytes": settings.max_upload_bytes,
        "page_limit": {"minimum": 1, "maximum": 100, "default": 50},
        "long_poll_wait_seconds": {"minimum": 0, "maximum": 30},
        "download_url_ttl_seconds": settings.download_url_ttl_seconds,
        "artifact_retention_days": settings.artifact_retention_days,
    }


def build_capabilities(settings: Settings) -> dict[str, Any]:
    """The whole document; every catalog entry carries `supported`."""
    document = copy.deepcopy(_static_part())
    document["version"] = {
        "api": "v1",
        "server": package_version("framelane"),
        "catalog": document["version"],
    }
    document["limits"]["http"] = _http_limits(settings)
    document["rate_limits"] = settings.rate_limits.model_dump()
    document["plans"] = {name: plan.model_dump() for name, plan in settings.plans.items()}
    document["onboarding"] = ONBOARDING
    document["auth"] = AUTH
    return document
