"""Transitions drawn on the two pictures: both layers are rendered alone onto canvas-size
buffers and the transition's `blend(outgoing, incoming, progress)` makes the one picture that
is drawn in place of the pair (at the upper layer's position in the stack)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from framelane.render.evaluate import FrameState, LayerState
from framelane.render.pixels import Pixels
from framelane.render.transitions import TRANSITIONS, UNCHANGED


@runtime_checkable
class BlendsPictures(Protocol):
    """A transition that needs both pictures (iris, cube, swirl…), not just a layer modifier."""

    def blend(self, outgoing: Pixels, incoming: Pixels, progress: float) -> Pixels: ...


@dataclass(frozen=True, slots=True)
class PicturePair:
    outgoing: LayerState
    incoming: LayerState
    transition: BlendsPictures
    progress: float
    lower_key: str
    """The layer drawn as part of the pair instead of on its own."""


def picture_pairs(state: FrameState) -> dict[str, PicturePair]:
    """Active picture transitions of this frame, keyed by the upper layer of each pair."""
    position = {s.layer.key: (i, s) for i, s in enumerate(state.layers)}
    pairs: dict[str, PicturePair] = {}
    for index, outgoing in enumerate(state.layers):
        for role in outgoing.layer.transitions:
            if role.role != "from" or not role.start <= state.time < role.start + role.duration:
                continue
            transition = TRANSITIONS.get(role.name)
            partner = position.get(role.partner)
            if not isinstance(transition, BlendsPictures) or partner is None:
                continue
            partner_index, incoming = partner
            upper, lower = (outgoing, incoming) if index > partner_index else (incoming, outgoing)
            pairs[upper.layer.key] = PicturePair(
                outgoing=replace(outgoing, modifier=UNCHANGED),
                incoming=replace(incoming, modifier=UNCHANGED),
                transition=transition,
                progress=float((state.time - role.start) / role.duration),
                lower_key=lower.layer.key,
            )
    return pairs
