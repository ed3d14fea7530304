"""Real render requests shown in the API documentation (`POST /v1/renders` and `/v1/preview`).

Each one validates, and renders once its sources exist (the tests serve clips under these
names and render every example). Among equal `z_index`, the earlier element is drawn on top:
titles and captions set `z_index: 1` to stay above the video whatever their order.
"""

from __future__ import annotations

from typing import Any

MEDIA = "https://media.example.com"

VIDEO_WITH_TRIM: dict[str, Any] = {
    "width": 640,
    "height": 360,
    "frame_rate": 30,
    "elements": [
        {
            "type": "video",
            "id": "interview",
            "source_url": f"{MEDIA}/interview.mp4",
            "in_point": 1.5,
            "duration": 3,
            "fade_out_duration": 0.5,
        },
        {
            "type": "text",
            "id": "title",
            "text": "Meet the team",
            "z_index": 1,
            "time": 0.2,
            "duration": 2.5,
            "y": "85%",
            "height": "20%",
            "font_size": 36,
            "font_weight": 700,
            "motion": [{"type": "fade", "time": 0.2, "duration": 0.5}],
        },
    ],
}

CAPTIONS: dict[str, Any] = {
    "width": 360,
    "height": 640,
    "duration": 2.4,
    "elements": [
        {"type": "video", "id": "clip", "source_url": f"{MEDIA}/vertical.mp4", "loop": True},
        {"type": "audio", "source_url": f"{MEDIA}/music.wav", "loop": True, "volume": 40},
        {
            "type": "text",
            "id": "caption",
            "text": "Ship videos from JSON",
            "z_index": 1,
            "duration": 2.4,
            "y": "75%",
            "width": "90%",
            "height": "20%",
            "font_size": 40,
            "font_weight": 800,
            "stroke_color": "#000000",
            "stroke_width": 3,
            "word_animation": {
                "style": "scale_pop",
                "words": [
                    {"text": "Ship", "start": 0.0, "end": 0.5},
                    {"text": "videos", "start": 0.5, "end": 1.1},
                    {"text": "from", "start": 1.1, "end": 1.5},
                    {"text": "JSON", "start": 1.5, "end": 2.4},
                ],
            },
        },
    ],
}

TRANSITION: dict[str, Any] = {
    "width": 640,
    "height": 360,
    "elements": [
        {"type": "video", "id": "first", "source_url": f"{MEDIA}/beach.mp4", "duration": 2},
        {
            "type": "video",
            "id": "second",
            "source_url": f"{MEDIA}/city.mp4",
            "time": 2,
            "duration": 2,
        },
    ],
    "transitions": [
        {"type": "cross_dissolve", "duration": 0.6, "from_id": "first", "to_id": "second"}
    ],
}

BRAND_TOKENS: dict[str, Any] = {
    "width": 640,
    "height": 360,
    "duration": 2,
    "tokens": {"tokenset_id": "tks_your_tokenset", "mode": "Dark"},
    "background_color": "{colors.background}",
    "elements": [
        {
            "type": "text",
            "id": "headline",
            "text": "Autumn sale",
            "duration": 2,
            "font_size": 56,
            "font_weight": 700,
            "text_color": "{colors.accent}",
        }
    ],
}

RENDER_EXAMPLES: dict[str, dict[str, Any]] = {
    "video_with_trim": {
        "summary": "A video trimmed to 3 s, with a title fading in",
        "value": VIDEO_WITH_TRIM,
    },
    "captions": {
        "summary": "A vertical clip and a music bed, looped, with word-by-word captions",
        "value": CAPTIONS,
    },
    "transition": {
        "summary": "Two clips joined by a cross-dissolve (their sound crossfades too)",
        "value": TRANSITION,
    },
    "brand_tokens": {
        "summary": "Colours from a brand tokenset (Dark mode) instead of literal values",
        "value": BRAND_TOKENS,
    },
}
