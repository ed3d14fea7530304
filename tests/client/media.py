"""Small render requests and the decoding the client tests check their artifacts with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

GREEN = (0, 255, 0)


def tiny_render(color: str = "#00ff00", **metadata: str) -> dict[str, Any]:
    """Ten 64×36 frames of one colour with a word on top."""
    return {
        "width": 64,
        "height": 36,
        "duration": 1,
        "frame_rate": 10,
        "background_color": color,
        "metadata": metadata,
        "elements": [
            {"type": "text", "id": "t", "text": ".", "font_size": 6, "duration": 1, "x": "5%"}
        ],
    }


def decoded_frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def corner_colour(frame: np.ndarray) -> tuple[int, ...]:
    """The mean colour of the bottom-right 8×8 corner (away from the text)."""
    return tuple(round(float(v)) for v in frame[-8:, -8:].reshape(-1, 3).mean(axis=0))


def near(colour: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))
