"""Motions the `MotionState` protocol cannot express yet, with the extension each one needs.

They stay registered as unsupported (validation answers `capability_unsupported`), and the
reason is part of their catalog description so `GET /v1/capabilities` explains it.
"""

from __future__ import annotations

from framelane.render.registry import Unsupported

NEEDS_3D = "needs MotionState.rotation_x/rotation_y (3-D rotation) read by the compositor"

LOOP_3D_SPIN = Unsupported("loop_3d_spin", f"Looping 3D spin. Not rendered yet: {NEEDS_3D}.")
LOOP_3D_SWAY = Unsupported("loop_3d_sway", f"Looping 3D sway. Not rendered yet: {NEEDS_3D}.")
BLUR = Unsupported("blur", "Blur into focus. Not rendered yet: needs MotionState.blur (a blur "
                   "radius the compositor applies to the layer).")
EXPLODE = Unsupported("explode", "Explode into place. Not rendered yet: needs fragment or "
                      "per-glyph (scope=character) rendering.")
OVERLAY = Unsupported("overlay", "Overlay blend motion. Not rendered yet: needs "
                      "MotionState.blend_mode.")
DIFFERENCE = Unsupported("difference", "Difference blend motion. Not rendered yet: needs "
                         "MotionState.blend_mode.")
