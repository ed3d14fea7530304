"""Find the request fields that the models do not know (ignored, reported as warnings), and
the valid name each one most likely meant."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

Loc = tuple[str | int, ...]

ALIASES = {
    "color": "text_color",
    "fontcolor": "text_color",
    "font_color": "text_color",
    "fill": "text_color",
    "src": "source_url",
    "url": "source_url",
    "source": "source_url",
    "start": "time",
    "start_time": "time",
    "length": "duration",
    "kind": "type",
    "fps": "frame_rate",
    "framerate": "frame_rate",
    "format": "output_format",
    "rotation": "z_rotation",
    "rotate": "z_rotation",
    "scale": "x_scale",
    "align": "text_align",
    "weight": "font_weight",
    "font": "font_family",
    "size": "font_size",
    "mute": "volume",
}
"""Names people write for a field, checked before the spelling distance."""


@dataclass(frozen=True, slots=True)
class UnknownField:
    loc: Loc
    suggestion: str | None
    """The closest valid field name of the same object, when one is close enough."""

    @property
    def hint(self) -> str:
        return f"; did you mean `{self.suggestion}`?" if self.suggestion else ""


def closest_field(name: str, known: list[str]) -> str | None:
    """`fontsize` → `font_size`, `colour` → `text_color` on a text; None if nothing is close."""
    wanted = name.strip().lower().replace("-", "_").replace(" ", "_")
    squashed = {field.replace("_", ""): field for field in known}
    american = wanted.replace("colour", "color")
    for candidate in (wanted, american, ALIASES.get(wanted, ""), ALIASES.get(american, "")):
        if candidate in known:
            return candidate
        if candidate.replace("_", "") in squashed:
            return squashed[candidate.replace("_", "")]
    close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.75)
    if close:
        return close[0]
    endings = [field for field in known if field.endswith("_" + american)]
    return endings[0] if len(endings) == 1 else None


def unknown_fields(data: Any, model: type[BaseModel], loc: Loc = ()) -> list[UnknownField]:
    """Every key that `model` (recursively) would ignore, with its likely meaning."""
    if not isinstance(data, dict):
        return []
    found: list[UnknownField] = []
    fields = model.model_fields
    for key, value in data.items():
        if key not in fields:
            known = [name for name in fields if name not in data]
            found.append(UnknownField((*loc, key), closest_field(str(key), known)))
            continue
        found += _unknown_in_value(value, _models_in(fields[key].annotation), (*loc, key))
    return found


def _unknown_in_value(value: Any, models: list[type[BaseModel]], loc: Loc) -> list[UnknownField]:
    if not models:
        return []
    if isinstance(value, list):
        found: list[UnknownField] = []
        for index, item in enumerate(value):
            found += _unknown_in_value(item, models, (*loc, index))
        return found
    model = _pick_model(value, models)
    return unknown_fields(value, model, loc) if model is not None else []


def _pick_model(value: Any, models: list[type[BaseModel]]) -> type[BaseModel] | None:
    if not isinstance(value, dict):
        return None
    if len(models) == 1:
        return models[0]
    for model in models:
        tag = model.model_fields.get("type")
        if tag is not None and tag.default == value.get("type"):
            return model
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found += _models_in(arg)
        return found
    return []


def json_path(loc: Loc) -> str:
    """('elements', 0, 'foo') → 'elements[0].foo'."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path
