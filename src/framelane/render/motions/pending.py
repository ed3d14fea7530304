"""Motions the `MotionState` protocol cannot express yet, with the extension each one needs.

They stay registered as unsupported (validation answers `capability_unsupported`), and the
reason is part of their catalog description so `GET /v1/capabilities` explains it.
"""

from __future__ import annotations

from framelane.render.registry import Unsupported

EXPLODE = Unsupported(
    "explode",
    "Explode into place. Not rendered yet: needs fragment or "
    "per-glyph (scope=character) rendering.",
)
