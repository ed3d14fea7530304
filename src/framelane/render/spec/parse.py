"""`parse_spec`: request dict → `RenderSpec`, with every violation reported at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from framelane.core.errors import CapabilityUnsupported, ValidationFailed
from framelane.render.effects import EFFECTS
from framelane.render.motions import MOTIONS
from framelane.render.motions.scope import character_capable
from framelane.render.registry import Registry
from framelane.render.spec.advice import request_warnings
from framelane.render.spec.fields import EffectSpec, MotionSpec
from framelane.render.spec.models import (
    ELEMENT_TYPES,
    CompositionElement,
    ImageElement,
    RenderSpec,
    TextElement,
    TransitionSpec,
    VideoElement,
)
from framelane.render.spec.rules import Violation, cross_field_violations
from framelane.render.spec.unknown import Loc, UnknownField, json_path, unknown_fields
from framelane.render.transitions import TRANSITIONS
from framelane.render.word_animations import WORD_ANIMATIONS

_UNION_TAGS = frozenset(ELEMENT_TYPES)


@dataclass(frozen=True, slots=True)
class ParsedSpec:
    spec: RenderSpec
    warnings: list[dict[str, str]] = field(default_factory=list)
    """`{code, message, path}`: unknown fields that were ignored (`unknown_field`, with a
    `suggestion` when a valid name is close), values in a doubtful unit, shared ids…"""


def parse_spec(data: dict[str, Any], *, strict: bool = False) -> ParsedSpec:
    """Validate a render request; raise `ValidationFailed` listing every violation, then
    `CapabilityUnsupported` if a valid request names a catalog entry not supported yet."""
    if not isinstance(data, dict):
        raise ValidationFailed(
            "the render spec must be a JSON object",
            details=[{"loc": [], "msg": "expected an object", "type": "dict_type"}],
        )
    unknown = unknown_fields(data, RenderSpec)
    violations: list[Violation] = []
    spec: RenderSpec | None = None
    try:
        spec = RenderSpec.model_validate(data)
    except ValidationError as error:
        violations += [_from_pydantic(e) for e in error.errors(include_url=False)]
    violations += cross_field_violations(data)
    if strict:
        violations += [_extra(field) for field in unknown]
    if violations or spec is None:
        raise ValidationFailed(_summary(violations), details=_deduplicated(violations))
    _check_capabilities(spec)
    warnings = [_ignored(field) for field in unknown] + request_warnings(data)
    return ParsedSpec(spec=spec, warnings=warnings)


def _ignored(field: UnknownField) -> dict[str, str]:
    path = json_path(field.loc)
    found = {
        "code": "unknown_field",
        "message": f"{path} is not a field here and was ignored{field.hint}",
        "path": path,
    }
    if field.suggestion:
        found["suggestion"] = field.suggestion
    return found


def _from_pydantic(error: Any) -> Violation:
    loc = list(error["loc"])
    # Drop the discriminator tag pydantic inserts after a list index: elements.0.video.x
    cleaned = [
        part
        for i, part in enumerate(loc)
        if not (part in _UNION_TAGS and i > 0 and isinstance(loc[i - 1], int))
    ]
    kind = str(error["type"])
    if kind in _TAG_ERRORS:
        return {"loc": [*cleaned, "type"], "msg": _TAG_ERRORS[kind](error), "type": kind}
    return {"loc": cleaned, "msg": str(error["msg"]), "type": kind}


def _element_types() -> str:
    return ", ".join(f"`{name}`" for name in ELEMENT_TYPES)


def _missing_type(_error: Any) -> str:
    return f"missing `type`: each element needs one of {_element_types()}"


def _unknown_type(error: Any) -> str:
    tag = (error.get("ctx") or {}).get("tag", "")
    return f"unknown element type {tag!r}; expected one of {_element_types()}"


_TAG_ERRORS = {"union_tag_not_found": _missing_type, "union_tag_invalid": _unknown_type}


def _extra(field: UnknownField) -> Violation:
    found = {
        "loc": list(field.loc),
        "msg": f"unknown field (strict mode){field.hint}",
        "type": "extra_forbidden",
    }
    if field.suggestion:
        found["suggestion"] = field.suggestion
    return found


def _deduplicated(violations: list[Violation]) -> list[Violation]:
    seen: set[tuple[str, str]] = set()
    unique: list[Violation] = []
    for violation in violations:
        key = (repr(violation["loc"]), violation["type"])
        if key not in seen:
            seen.add(key)
            unique.append(violation)
    return unique


def _summary(violations: list[Violation]) -> str:
    count = len(violations)
    first = violations[0] if violations else {"loc": [], "msg": "invalid"}
    where = json_path(tuple(first["loc"])) or "body"
    more = f" (and {count - 1} more)" if count > 1 else ""
    return f"invalid render spec: {where}: {first['msg']}{more}"


def _check_capabilities(spec: RenderSpec) -> None:
    unsupported = list(_unsupported_entries(spec.elements, spec.transitions, ()))
    if unsupported:
        names = ", ".join(f"{u['kind']} {u['name']!r}" for u in unsupported)
        raise CapabilityUnsupported(f"not supported yet: {names}", details=unsupported)


def _entry(registry: Registry[Any], name: str, loc: Loc) -> Iterator[dict[str, Any]]:
    if not registry.is_supported(name):
        yield {"loc": list(loc), "kind": registry.kind, "name": name}


def _unsupported_entries(
    elements: list[Any], transitions: list[TransitionSpec], prefix: Loc
) -> Iterator[dict[str, Any]]:
    for index, element in enumerate(elements):
        loc = (*prefix, "elements", index)
        yield from _element_entries(element, loc)
        if isinstance(element, CompositionElement):
            yield from _unsupported_entries(element.elements, element.transitions, loc)
    for index, transition in enumerate(transitions):
        yield from _entry(TRANSITIONS, transition.type, (*prefix, "transitions", index, "type"))
        if transition.z_index is not None:
            # The pair is drawn where its elements stack; a separate layer is not rendered yet.
            yield {
                "loc": [*prefix, "transitions", index, "z_index"],
                "kind": "transition_field",
                "name": "z_index",
            }


def _plays_per_character(element: Any, motion: MotionSpec) -> bool:
    """`scope: "character"` is played for a text element without word animation, with a
    motion that only offsets, scales and fades (sources/characters.py)."""
    return (
        isinstance(element, TextElement)
        and element.word_animation is None
        and character_capable(motion.type)
    )


def _element_entries(element: Any, loc: Loc) -> Iterator[dict[str, Any]]:
    if isinstance(element, VideoElement | ImageElement):
        effects: list[EffectSpec] = element.effects
        for i, effect in enumerate(effects):
            yield from _entry(EFFECTS, effect.type, (*loc, "effects", i, "type"))
    motions: list[MotionSpec] = getattr(element, "motion", [])
    for i, motion in enumerate(motions):
        yield from _entry(MOTIONS, motion.type, (*loc, "motion", i, "type"))
        if motion.scope == "character" and not _plays_per_character(element, motion):
            yield {"loc": [*loc, "motion", i, "scope"], "kind": "motion_scope", "name": "character"}
    if isinstance(element, TextElement):
        if element.word_animation is not None:
            style_loc = (*loc, "word_animation", "style")
            yield from _entry(WORD_ANIMATIONS, element.word_animation.style, style_loc)
        if element.animation_preset is not None:
            yield {
                "loc": [*loc, "animation_preset"],
                "kind": "animation_preset",
                "name": element.animation_preset,
            }
