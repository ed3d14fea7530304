"""Cross-field rules of the spec, checked on the raw request so they are reported together
with the schema errors (every violation at once, not just the first)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from framelane.render.spec.models import ALPHA_FORMATS

Loc = tuple[str | int, ...]
Violation = dict[str, Any]


def _violation(loc: Loc, msg: str, kind: str) -> Violation:
    return {"loc": list(loc), "msg": msg, "type": kind}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def cross_field_violations(data: dict[str, Any]) -> list[Violation]:
    """Every rule that involves more than one field, for the whole request."""
    found = list(_canvas_rules(data))
    found += list(_scene_rules(data, ()))
    return found


def _canvas_rules(data: dict[str, Any]) -> Iterator[Violation]:
    has_width, has_height = data.get("width") is not None, data.get("height") is not None
    if has_width != has_height:
        missing = "height" if has_width else "width"
        yield _violation((missing,), "width and height must be set together", "size_pair")
    if data.get("alpha") is True and data.get("output_format", "mp4") not in ALPHA_FORMATS:
        yield _violation(
            ("alpha",), "alpha requires output_format webm or mov", "alpha_unsupported_format"
        )


def scene_elements(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    elements = data.get("elements")
    if not isinstance(elements, list):
        return []
    return [(i, e) for i, e in enumerate(elements) if isinstance(e, dict)]


def _scene_rules(data: dict[str, Any], prefix: Loc) -> Iterator[Violation]:
    elements = scene_elements(data)
    yield from _ambiguous_transitions(data, prefix)
    for index, element in elements:
        loc = (*prefix, "elements", index)
        yield from _element_rules(element, loc)
        if element.get("type") == "composition":
            yield from _composition_rules(element, loc)
            yield from _scene_rules(element, loc)
    yield from _transition_rules(data, elements, prefix)


def _composition_rules(element: dict[str, Any], loc: Loc) -> Iterator[Violation]:
    for field in ("width", "height"):
        value = element.get(field)
        if isinstance(value, str) and value.strip().endswith(("deg", "°")):
            yield _violation((*loc, field), "a size cannot be an angle", "dimension_unit")


def duplicate_ids(elements: list[tuple[int, dict[str, Any]]]) -> dict[str, list[int]]:
    """Ids used by more than one element of a scene → the indexes that use them."""
    users: dict[str, list[int]] = {}
    for index, element in elements:
        element_id = element.get("id")
        if isinstance(element_id, str) and element_id != "":
            users.setdefault(element_id, []).append(index)
    return {element_id: found for element_id, found in users.items() if len(found) > 1}


def _ambiguous_transitions(data: dict[str, Any], prefix: Loc) -> Iterator[Violation]:
    """A transition naming an id that several elements share cannot know which one it means."""
    shared = duplicate_ids(scene_elements(data))
    transitions = data.get("transitions")
    if not shared or not isinstance(transitions, list):
        return
    for index, transition in enumerate(transitions):
        if not isinstance(transition, dict):
            continue
        for field in ("from_id", "to_id"):
            ref = transition.get(field)
            if isinstance(ref, str) and ref in shared:
                users = ", ".join(f"elements[{i}]" for i in shared[ref])
                yield _violation(
                    (*prefix, "transitions", index, field),
                    f"id {ref!r} is used by {users}: the transition cannot tell which one it "
                    "means; give each element its own id",
                    "ambiguous_transition",
                )


def _element_rules(element: dict[str, Any], loc: Loc) -> Iterator[Violation]:
    kind = element.get("type")
    if kind in ("video", "audio"):
        in_point = _number(element.get("in_point", 0)) or 0.0
        out_point = _number(element.get("out_point"))
        if out_point is not None and out_point <= in_point:
            yield _violation((*loc, "out_point"), "out_point must be > in_point", "out_point")
    if kind == "text":
        chosen = [k for k in ("background", "stroke", "shadow") if element.get(k) is True]
        if len(chosen) > 1:
            yield _violation(
                (*loc, chosen[1]),
                "at most one of background, stroke, shadow may be true",
                "text_style_conflict",
            )
        yield from _word_rules(element, loc)


def _word_rules(element: dict[str, Any], loc: Loc) -> Iterator[Violation]:
    animation = element.get("word_animation")
    if not isinstance(animation, dict) or not isinstance(animation.get("words"), list):
        return
    for index, word in enumerate(animation["words"]):
        if not isinstance(word, dict):
            continue
        start, end = _number(word.get("start")), _number(word.get("end"))
        if start is not None and end is not None and end <= start:
            yield _violation(
                (*loc, "word_animation", "words", index, "end"), "end must be > start", "word_end"
            )


def _transition_rules(
    data: dict[str, Any], elements: list[tuple[int, dict[str, Any]]], prefix: Loc
) -> Iterator[Violation]:
    transitions = data.get("transitions")
    if not isinstance(transitions, list):
        return
    ids = {e.get("id") for _, e in elements if e.get("type") != "audio"}
    for index, transition in enumerate(transitions):
        if not isinstance(transition, dict):
            continue
        loc = (*prefix, "transitions", index)
        from_id, to_id = transition.get("from_id"), transition.get("to_id")
        if isinstance(from_id, str) and from_id and from_id == to_id:
            yield _violation((*loc, "to_id"), "from_id and to_id are the same", "transition_self")
        for field, ref in (("from_id", from_id), ("to_id", to_id)):
            if isinstance(ref, str) and ref and ref not in ids:
                yield _violation(
                    (*loc, field),
                    f"no visual element with id {ref!r} in this scene",
                    "dangling_transition",
                )
