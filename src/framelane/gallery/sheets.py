"""Labelled contact sheets and overview montages (OpenCV text: no font files needed)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from framelane.render.pixels import Pixels

LABEL_HEIGHT = 34
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def decode_png(data: bytes) -> Pixels:
    """PNG bytes → RGB uint8."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.uint8)


def grid(frames: list[Pixels], columns: int | None = None) -> Pixels:
    """RGB frames of one size in a grid."""
    columns = columns or math.ceil(math.sqrt(len(frames)))
    rows = math.ceil(len(frames) / columns)
    h, w = frames[0].shape[:2]
    sheet = np.zeros((rows * h, columns * w, 3), dtype=np.uint8)
    for i, frame in enumerate(frames):
        r, c = divmod(i, columns)
        sheet[r * h : (r + 1) * h, c * w : (c + 1) * w] = frame[..., :3]
    return sheet


_ASCII = str.maketrans(
    {"–": "-", "—": "-", "°": " deg", "×": "x", "…": "...", "’": "'", "▶": ">", "`": "", "%": "%"}
)


def ascii_text(text: str) -> str:
    """OpenCV's Hershey fonts only draw ASCII."""
    return text.translate(_ASCII).encode("ascii", "replace").decode("ascii")


def _fit(text: str, width: int, scale: float) -> str:
    text = ascii_text(text)
    if cv2.getTextSize(text, _FONT, scale, 1)[0][0] <= width - 12:
        return text
    while text and cv2.getTextSize(text + "...", _FONT, scale, 1)[0][0] > width - 12:
        text = text[:-1]
    return text + "..."


def labelled(body: Pixels, title: str, subtitle: str, *, supported: bool) -> Pixels:
    """`body` (RGB) under a strip with the entry name and a one-line description."""
    width = max(body.shape[1], 240)
    strip = np.full((LABEL_HEIGHT, width, 3), (24, 24, 32), dtype=np.uint8)
    badge = (70, 200, 110) if supported else (230, 120, 60)
    cv2.rectangle(strip, (0, 0), (4, LABEL_HEIGHT), badge, -1)
    cv2.putText(
        strip, _fit(title, width, 0.5), (10, 14), _FONT, 0.5, (255, 255, 255), 1, cv2.LINE_AA
    )
    cv2.putText(
        strip, _fit(subtitle, width, 0.35), (10, 28), _FONT, 0.35, (190, 190, 200), 1, cv2.LINE_AA
    )
    canvas = np.full((LABEL_HEIGHT + body.shape[0], width, 3), (16, 16, 22), dtype=np.uint8)
    canvas[:LABEL_HEIGHT] = strip
    canvas[LABEL_HEIGHT:, : body.shape[1]] = body
    return canvas


def placeholder(width: int, height: int, reason: str) -> Pixels:
    """A card for entries that cannot be rendered yet, naming why."""
    card = np.full((height, width, 3), (40, 30, 30), dtype=np.uint8)
    cv2.putText(
        card, "not rendered yet:", (8, height // 2 - 6), _FONT, 0.4, (230, 150, 120), 1, cv2.LINE_AA
    )
    cv2.putText(
        card,
        _fit(reason, width, 0.33),
        (8, height // 2 + 12),
        _FONT,
        0.33,
        (220, 220, 220),
        1,
        cv2.LINE_AA,
    )
    return card


def save_png(rgb: Pixels, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.ascontiguousarray(rgb), "RGB").save(path, compress_level=6)
    return path
