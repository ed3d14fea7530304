"""The soft invariants of a project's render request (violations), and its hard errors.

A project may be saved in a state that cannot be rendered yet, so that an agent can fix it with
the next ops: those states are *violations* with a severity. Errors (`duplicate_element_id`,
`transition_self`, `dangling_transition`) block a render; warnings
(`empty_timeline`, `element_after_end`, `word_outside_element`) do not. Anything else the
render validator refuses (a field of the wrong type, an unknown effect…) is refused with the
ops themselves: 422, nothing saved.

Warnings are judged on the request as written (before sources are probed); the renderer
reports the same codes again, measured, on the job.
"""

from __future__ import annotations

from typing import Any

from framelane.core.errors import ValidationFailed
from framelane.render.spec import RenderSpec, TextElement, parse_spec
from framelane.render.spec.rules import cross_field_violations
from framelane.render.spec.unknown import json_path
from framelane.renders.service import element_end

SOFT_ERRORS = frozenset({"duplicate_element_id", "transition_self", "dangling_transition"})
Violation = dict[str, Any]


def violation(code: str, message: str, severity: str, path: str | None = None) -> Violation:
    found: Violation = {"code": code, "message": message, "severity": severity}
    if path:
        found["path"] = path
    return found


def check_request(request: dict[str, Any]) -> tuple[RenderSpec, list[Violation]]:
    """The spec (its schema holds even when soft errors stop the render) and the soft errors;
    raises the validator's 422 for anything else, its locations under `render_request`."""
    try:
        return parse_spec(request).spec, []
    except ValidationFailed as exc:
        details = list(exc.details or [])
        hard = [d for d in details if d.get("type") not in SOFT_ERRORS]
        if hard:
            raise ValidationFailed(
                "render_request: " + exc.message.removeprefix("invalid render spec: "),
                details=[{**d, "loc": ["render_request", *d.get("loc", [])]} for d in hard],
            ) from None
        return RenderSpec.model_validate(request), [
            violation(
                str(d["type"]),
                str(d["msg"]),
                "error",
                "render_request." + json_path(tuple(d.get("loc", []))),
            )
            for d in details
        ]


def soft_errors(request: dict[str, Any]) -> list[Violation]:
    """The error violations alone: judged on the ids and references as written, so nothing
    (no preprocessor) needs to run first."""
    return [
        violation(
            str(d["type"]),
            str(d["msg"]),
            "error",
            "render_request." + json_path(tuple(d.get("loc", []))),
        )
        for d in cross_field_violations(request)
        if d.get("type") in SOFT_ERRORS
    ]


def warnings_of(spec: RenderSpec) -> list[Violation]:
    found: list[Violation] = []
    visible = [(i, e) for i, e in enumerate(spec.elements) if e.visible]
    if not visible:
        found.append(violation("empty_timeline", "no visible elements", "warning"))
    end = float(spec.duration) if spec.duration is not None else None
    for index, element in visible:
        path = f"render_request.elements[{index}]"
        if end is not None and float(element.time) >= end:
            found.append(
                violation(
                    "element_after_end",
                    f"starts at {element.time:g} s, at or after the end ({end:g} s)",
                    "warning",
                    path,
                )
            )
        if isinstance(element, TextElement) and element.word_animation is not None:
            found += _words_outside(element, path)
    return found


def _words_outside(element: TextElement, path: str) -> list[Violation]:
    assert element.word_animation is not None
    start, end = float(element.time), element_end(element)
    outside = [w.text for w in element.word_animation.words if w.end <= start or w.start >= end]
    if not outside:
        return []
    names = ", ".join(repr(word) for word in outside[:5])
    return [
        violation(
            "word_outside_element",
            f"caption words outside the element's time window: {names}",
            "warning",
            path,
        )
    ]


def has_errors(violations: list[Violation]) -> bool:
    return any(v["severity"] == "error" for v in violations)
