"""The smallest valid render spec that uses one catalog entry."""

from __future__ import annotations

from typing import Any

TEXT = {"type": "text", "text": "Hi", "duration": 2}


def spec_using(kind: str, name: str) -> dict[str, Any]:
    if kind == "effects":
        image = {
            "type": "image",
            "id": "img",
            "source_url": "https://example.com/a.png",
            "duration": 2,
            "effects": [{"type": name, "intensity": 60}],
        }
        return {"width": 320, "height": 180, "elements": [image]}
    if kind == "motions":
        motion = {"type": name, "time": 0, "duration": 1}
        return {"width": 320, "height": 180, "elements": [{**TEXT, "motion": [motion]}]}
    if kind == "motion_scopes":
        motion = {"type": "fade", "time": 0, "duration": 1, "scope": name}
        return {"width": 320, "height": 180, "elements": [{**TEXT, "motion": [motion]}]}
    if kind == "transitions":
        elements = [{**TEXT, "id": "a", "time": 0}, {**TEXT, "id": "b", "time": 1.5}]
        transition = {"type": name, "duration": 0.5, "from_id": "a", "to_id": "b"}
        return {"width": 320, "height": 180, "elements": elements, "transitions": [transition]}
    if kind == "word_animations":
        words = [{"text": "Hi", "start": 0, "end": 1}]
        caption = {**TEXT, "word_animation": {"style": name, "words": words}}
        return {"width": 320, "height": 180, "elements": [caption]}
    raise ValueError(kind)
