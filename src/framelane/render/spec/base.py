"""Base model and registry-backed name types shared by the spec models."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

from framelane.render.effects import EFFECTS
from framelane.render.motions import MOTIONS
from framelane.render.registry import Registry
from framelane.render.transitions import TRANSITIONS
from framelane.render.word_animations import WORD_ANIMATIONS


class SpecModel(BaseModel):
    """Unknown fields are ignored (and reported as warnings by `parse_spec`)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def _known_in(registry: Registry[Any]) -> AfterValidator:
    def check(name: str) -> str:
        if name not in registry:
            allowed = ", ".join(registry.names())
            raise ValueError(f"unknown {registry.kind} {name!r}; expected one of: {allowed}")
        return name

    return AfterValidator(check)


EffectName = Annotated[str, _known_in(EFFECTS)]
MotionName = Annotated[str, _known_in(MOTIONS)]
TransitionName = Annotated[str, _known_in(TRANSITIONS)]
WordStyleName = Annotated[str, _known_in(WORD_ANIMATIONS)]
