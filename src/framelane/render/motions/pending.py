"""Motions the `MotionState` protocol cannot express yet, with the extension each one needs.

They stay registered as unsupported (validation answers `capability_unsupported`), and the
reason is part of their catalog description so `GET /v1/capabilities` explains it.
"""

from __future__ import annotations

from framelane.render.registry import Unsupported

BLUR = Unsupported("blur", "Blur into focus. Not rendered yet: needs MotionState.blur (a blur "
                   "radius the compositor applies to the layer).")
EXPLODE = Unsupported("explode", "Explode into place. Not rendered yet: needs fragment or "
                      "per-glyph (scope=character) rendering.")
OVERLAY = Unsupported("overlay", "Overlay blend motion. Not rendered yet: needs "
                      "MotionState.blend_mode.")
DIFFERENCE = Unsupported("difference", "Difference blend motion. Not rendered yet: needs "
                         "MotionState.blend_mode.")
