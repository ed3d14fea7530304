"""Warnings about a valid request that probably does not say what its author meant: values in
the wrong unit, ids shared by several elements, an odd canvas padded to even.

Each warning is `{"code", "message", "path"}`; the render goes ahead as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from framelane.render.spec.rules import Loc, duplicate_ids, scene_elements
from framelane.render.spec.unknown import json_path

Advice = dict[str, str]

PERCENT_FIELDS = ("opacity", "background_opacity", "volume")
"""Percentages (0–100) that people often write as fractions (0–1)."""
SCALE_FIELDS = ("x_scale", "y_scale")
LARGEST_FACTOR = 5
"""A bare scale number up to this looks like a factor (1.5×), not a percentage (1.5 %)."""
PADDED_FORMATS = ("mp4", "webm", "mov")
"""Video formats encoded in 4:2:0 (or 4:2:2): their width and height must be even."""


def warning(code: str, loc: Loc, message: str) -> Advice:
    path = json_path(loc)
    return {"code": code, "message": f"{path}: {message}", "path": path}


def request_warnings(data: dict[str, Any]) -> list[Advice]:
    found = list(_canvas_warnings(data))
    found += list(_scene_warnings(data, ()))
    return found


def _canvas_warnings(data: dict[str, Any]) -> Iterator[Advice]:
    if data.get("output_format", "mp4") not in PADDED_FORMATS:
        return
    width, height = data.get("width"), data.get("height")
    if not (isinstance(width, int) and isinstance(height, int)) or (width % 2 + height % 2) == 0:
        return
    odd = [f"{name} {value}" for name, value in (("width", width), ("height", height)) if value % 2]
    yield warning(
        "canvas_padded",
        ("width",) if width % 2 else ("height",),
        f"{' and '.join(odd)} is odd; {data.get('output_format', 'mp4')} needs even sizes, so "
        f"the video is {width + width % 2}x{height + height % 2}",
    )


def _scene_warnings(data: dict[str, Any], prefix: Loc) -> Iterator[Advice]:
    elements = scene_elements(data)
    for element_id, users in duplicate_ids(elements).items():
        names = ", ".join(f"elements[{i}]" for i in users)
        yield warning(
            "duplicate_element_id",
            (*prefix, "elements", users[1], "id"),
            f"id {element_id!r} is used by {names}; accepted because no transition names it",
        )
    for index, element in elements:
        loc = (*prefix, "elements", index)
        yield from _unit_warnings(element, loc)
        if element.get("type") == "composition":
            yield from _scene_warnings(element, loc)


def _small_number(value: Any, largest: float) -> float | None:
    """`value` when it is a bare number in (0, largest], else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 < value <= largest else None


def _unit_warnings(element: dict[str, Any], loc: Loc) -> Iterator[Advice]:
    for name in PERCENT_FIELDS:
        value = _small_number(element.get(name), 1)
        if value is not None:
            yield warning(
                "unit_percent",
                (*loc, name),
                f"{name} is in percent (0–100): {value:g} means {value:g} %; "
                f"write {value * 100:g} for {value * 100:g} %",
            )
    for name in SCALE_FIELDS:
        value = _small_number(element.get(name), LARGEST_FACTOR)
        if value is not None:
            yield warning(
                "unit_percent",
                (*loc, name),
                f"{name} is a percentage: a bare {value:g} means {value:g} %; "
                f'write "{value * 100:g}%" (or {value * 100:g}) to scale by {value:g}×',
            )
