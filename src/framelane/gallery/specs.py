"""One render spec per catalog entry, on the gallery's synthetic sources."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from framelane.render.motions import MOTIONS


@dataclass(frozen=True, slots=True)
class Frame:
    """Size and timing of every gallery clip."""

    width: int = 160
    height: int = 90
    seconds: float = 1.0
    fps: int = 24


def _canvas(frame: Frame, elements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "width": frame.width,
        "height": frame.height,
        "frame_rate": frame.fps,
        "duration": frame.seconds,
        "background_color": "#101018",
        "elements": elements,
        **extra,
    }


def _picture(path: Path, seconds: float, **fields: Any) -> dict[str, Any]:
    return {
        "type": "image",
        "id": path.stem,
        "source_url": str(path),
        "duration": seconds,
        **fields,
    }


def effect_spec(name: str, frame: Frame, sources: dict[str, Path]) -> dict[str, Any]:
    effect = {"type": name, "intensity": 100}
    if name == "chroma_key":
        backdrop = _picture(sources["landscape"], frame.seconds, z_index=0)
        keyed = _picture(sources["green"], frame.seconds, z_index=1, effects=[effect])
        return _canvas(frame, [keyed, backdrop])
    return _canvas(frame, [_picture(sources["landscape"], frame.seconds, effects=[effect])])


def motion_spec(name: str, frame: Frame, sources: dict[str, Path]) -> dict[str, Any]:
    """A half-size card over the landscape; the motion spans 80% of the clip from 10%, so the
    resting state shows at one end (looping presets loop for the whole clip)."""
    looping = bool(getattr(MOTIONS.entry(name), "looping", False))
    start, length = (
        (0.0, frame.seconds / 2) if looping else (0.1 * frame.seconds, 0.8 * frame.seconds)
    )
    motion = {
        "type": name,
        "time": start,
        "duration": length,
        "easing": "ease_in_out",
        "loop": looping,
    }
    card = _picture(
        sources["city"],
        frame.seconds,
        width="50%",
        height="50%",
        z_index=1,
        motion=[motion],
        border_radius=6,
    )
    return _canvas(frame, [card, _picture(sources["landscape"], frame.seconds, z_index=0)])


def transition_spec(name: str, frame: Frame, sources: dict[str, Path]) -> dict[str, Any]:
    """Landscape, cut to the city at half time, the transition centred on the cut."""
    half = frame.seconds / 2
    outgoing = _picture(sources["landscape"], half, id="from", time=0)
    incoming = _picture(sources["city"], half, id="to", time=half)
    transition = {"type": name, "duration": 0.6 * frame.seconds, "from_id": "from", "to_id": "to"}
    return _canvas(frame, [outgoing, incoming], transitions=[transition])


WORDS = ("every", "word", "lights", "up")


def word_animation_spec(name: str, frame: Frame, sources: dict[str, Path]) -> dict[str, Any]:
    step = frame.seconds / len(WORDS)
    words = [{"text": w, "start": i * step, "end": (i + 1) * step} for i, w in enumerate(WORDS)]
    text = {
        "type": "text",
        "text": " ".join(WORDS),
        "duration": frame.seconds,
        "font_family": "Inter",
        "font_weight": 800,
        "font_size": max(8, frame.height // 6),
        "text_color": "#ffffff",
        "background_color": "#e0306a",
        "z_index": 1,
        "word_animation": {"style": name, "words": words, "highlight_color": "#ffd400"},
    }
    return _canvas(frame, [text, _picture(sources["landscape"], frame.seconds, z_index=0)])
