"""A composition element's pixels: its own scene drawn into its own canvas, placed like an
image."""

from __future__ import annotations

from typing import Protocol

import skia

from framelane.render.evaluate import LayerState
from framelane.render.pixels import Pixels, to_image
from framelane.render.sources.layers import LayerImage
from framelane.render.timeline import Layer, Timeline, frame_at_or_after


class NestedScene(Protocol):
    """Renders a timeline's frames (the scene renderer, handed in by the scene that owns the
    composition layer)."""

    def render(self, index: int) -> Pixels: ...

    def close(self) -> None: ...


class CompositionSource:
    def __init__(self, layer: Layer, scene: NestedScene) -> None:
        assert layer.scene is not None
        self.layer = layer
        self.timeline: Timeline = layer.scene
        self.scene = scene

    def image(self, state: LayerState, frame_index: int) -> LayerImage:
        scene = self.timeline
        index = min(frame_at_or_after(state.local_time, scene.fps), scene.frame_count - 1)
        pixels = self.scene.render(index)
        box = skia.Rect.MakeWH(self.layer.placement.width, self.layer.placement.height)
        return LayerImage(to_image(pixels, opaque=False), box, box, False, pixels)

    def close(self) -> None:
        self.scene.close()
