"""Soft invariants of a scene (the spec's §9.3 warnings): the render goes ahead, and the
result lists them as `{code, message}` warnings."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from framelane.render.spec.models import TextElement
from framelane.render.timeline import Layer


def _path(prefix: str, index: int) -> str:
    scene = "".join(f"elements[{part}]." for part in prefix.split(".") if part)
    return f"{scene}elements[{index}]"


def scene_warnings(
    elements: Sequence[Any], layers: Sequence[Layer], total: Fraction, prefix: str
) -> list[dict[str, str]]:
    warnings: list[dict[str, str]] = []
    if not any(element.visible for element in elements):
        warnings.append({"code": "empty_timeline", "message": "no visible elements"})
    for index, element in enumerate(elements):
        if element.visible and Fraction(repr(float(element.time))) >= total:
            warnings.append(
                {
                    "code": "element_after_end",
                    "message": f"{_path(prefix, index)} starts at {element.time:g} s, "
                    f"at or after the end ({float(total):g} s)",
                }
            )
    for layer in layers:
        warnings += _caption_warnings(layer, prefix)
    return warnings


def _caption_warnings(layer: Layer, prefix: str) -> list[dict[str, str]]:
    element = layer.element
    if not isinstance(element, TextElement) or element.word_animation is None:
        return []
    start, end = float(layer.own_start), float(layer.own_end)
    outside = [w.text for w in element.word_animation.words if w.end <= start or w.start >= end]
    if not outside:
        return []
    names = ", ".join(repr(word) for word in outside[:5])
    return [
        {
            "code": "word_outside_element",
            "message": f"{_path(prefix, layer.order)}: caption words outside the element's "
            f"time window: {names}",
        }
    ]
