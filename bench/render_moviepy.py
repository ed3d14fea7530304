"""The reference composition of render_reference.py drawn with MoviePy 2, for comparison.

Runs under a separate interpreter with moviepy installed (it downgrades pillow, so it is kept
out of the project venv):  python render_moviepy.py A.mp4 B.mp4 LOGO.png OUT.mp4 FONT.otf
"""

from __future__ import annotations

import math
import sys

import numpy as np
from moviepy import CompositeVideoClip, ImageClip, TextClip, VideoFileClip, vfx
from PIL import Image, ImageDraw, ImageFilter

PIP_W, PIP_H, RADIUS, PAD = 640, 360, 24, 42


def rounded_mask() -> np.ndarray:
    mask = Image.new("L", (PIP_W, PIP_H), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, PIP_W - 1, PIP_H - 1), RADIUS, fill=255)
    return np.asarray(mask, dtype=np.float64) / 255.0


def shadow_rgba() -> np.ndarray:
    alpha = Image.new("L", (PIP_W + 2 * PAD, PIP_H + 2 * PAD), 0)
    ImageDraw.Draw(alpha).rounded_rectangle((PAD, PAD, PAD + PIP_W, PAD + PIP_H), RADIUS, fill=153)
    alpha = alpha.filter(ImageFilter.GaussianBlur(14))
    rgba = np.zeros((alpha.height, alpha.width, 4), np.uint8)
    rgba[..., 3] = np.asarray(alpha)
    return rgba


def pip_xy(t: float) -> tuple[float, float]:
    return 80 + 100 * t, 620 + 60 * math.sin(t)


def main(a_path: str, b_path: str, logo_path: str, out: str, font: str) -> None:
    a = VideoFileClip(a_path, audio=False)
    b = VideoFileClip(b_path, audio=False).resized((PIP_W, PIP_H))
    mask = ImageClip(rounded_mask(), is_mask=True).with_duration(10)
    b = b.with_mask(mask).with_opacity(0.9).with_position(pip_xy)
    shadow_image = shadow_rgba()
    shadow = ImageClip(shadow_image[..., :3]).with_duration(10)
    shadow = shadow.with_mask(
        ImageClip(shadow_image[..., 3] / 255.0, is_mask=True).with_duration(10)
    )
    shadow = shadow.with_position(lambda t: (pip_xy(t)[0] + 12 - PAD, pip_xy(t)[1] + 12 - PAD))
    logo = ImageClip(logo_path).with_duration(10)
    logo = logo.with_effects([vfx.Rotate(lambda t: 6 * t), vfx.CrossFadeIn(1)]).with_position(
        (1440, 60)
    )
    title = (
        TextClip(
            font=font,
            text="Framelane reference 1080p30",
            font_size=72,
            color="white",
            stroke_color="black",
            stroke_width=4,
        )
        .with_duration(10)
        .with_position(("center", 80))
    )
    scene = CompositeVideoClip([a, shadow, b, logo, title], size=(1920, 1080)).with_duration(10)
    scene.write_videofile(out, fps=30, codec="libx264", preset="veryfast", audio=False, logger=None)


if __name__ == "__main__":
    main(*sys.argv[1:6])
