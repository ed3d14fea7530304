"""Pydantic models of the `POST /v1/renders` body and `parse_spec`, the one validator.

The HTTP service validates with exactly these models; `framelane.render.catalog` lists their
fields in `GET /v1/capabilities`.
"""

from framelane.render.spec.fields import ChromaSettings, EffectSpec, MotionSpec
from framelane.render.spec.models import (
    AudioElement,
    CompositionElement,
    Element,
    ImageElement,
    RenderSpec,
    TextElement,
    TransitionSpec,
    VideoElement,
    VisualElement,
    Word,
    WordAnimationSpec,
)
from framelane.render.spec.parse import ParsedSpec, parse_spec

__all__ = [
    "AudioElement",
    "ChromaSettings",
    "CompositionElement",
    "EffectSpec",
    "Element",
    "ImageElement",
    "MotionSpec",
    "ParsedSpec",
    "RenderSpec",
    "TextElement",
    "TransitionSpec",
    "VideoElement",
    "VisualElement",
    "Word",
    "WordAnimationSpec",
    "parse_spec",
]
