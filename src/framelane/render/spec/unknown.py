"""Find the request fields that the models do not know (ignored, reported as warnings)."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

Loc = tuple[str | int, ...]


def unknown_fields(data: Any, model: type[BaseModel], loc: Loc = ()) -> list[Loc]:
    """Locations of every key that `model` (recursively) would ignore."""
    if not isinstance(data, dict):
        return []
    found: list[Loc] = []
    fields = model.model_fields
    for key, value in data.items():
        if key not in fields:
            found.append((*loc, key))
            continue
        found += _unknown_in_value(value, _models_in(fields[key].annotation), (*loc, key))
    return found


def _unknown_in_value(value: Any, models: list[type[BaseModel]], loc: Loc) -> list[Loc]:
    if not models:
        return []
    if isinstance(value, list):
        found: list[Loc] = []
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
