"""Pixel probes on composited frames (no encoding): stacking, blending, geometry, style."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.render.conftest import H, W, canvas, frame_rgba, write_png

Cb = (0.8, 0.4, 0.2)
Cs = (0.3, 0.6, 0.9)


def _soft_light_d(b: float) -> float:
    return ((16 * b - 12) * b + 4) * b if b <= 0.25 else math.sqrt(b)


BLEND = {
    "none": lambda b, s: s,
    "multiply": lambda b, s: b * s,
    "screen": lambda b, s: b + s - b * s,
    "overlay": lambda b, s: 2 * s * b if b <= 0.5 else 1 - 2 * (1 - s) * (1 - b),
    "darken": min,
    "lighten": max,
    "color_dodge": lambda b, s: 0.0 if b == 0 else (1.0 if s >= 1 else min(1.0, b / (1 - s))),
    "color_burn": lambda b, s: 1.0 if b >= 1 else (0.0 if s <= 0 else 1 - min(1.0, (1 - b) / s)),
    "hard_light": lambda b, s: 2 * s * b if s <= 0.5 else 1 - 2 * (1 - s) * (1 - b),
    "soft_light": lambda b, s: (
        b - (1 - 2 * s) * b * (1 - b) if s <= 0.5 else b + (2 * s - 1) * (_soft_light_d(b) - b)
    ),
}


def solid(tmp_path: Path, name: str, rgb: tuple[float, float, float], alpha: int = 255) -> str:
    write_png(tmp_path / name, (*(round(c * 255) for c in rgb), alpha))  # type: ignore[arg-type]
    return name


def image(source: str, ident: str, **fields: Any) -> dict[str, Any]:
    return {"type": "image", "id": ident, "source_url": source, "duration": 1, **fields}


def centre(frame: np.ndarray) -> np.ndarray:
    return frame[H // 2, W // 2].astype(int)


class TestStacking:
    def test_equal_z_index_puts_the_earlier_element_on_top(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        blue = solid(tmp_path, "b.png", (0, 0, 1))
        frame = frame_rgba(canvas([image(red, "a"), image(blue, "b")]), tmp_path)
        assert tuple(centre(frame)[:3]) == (255, 0, 0)

    def test_higher_z_index_is_on_top(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        blue = solid(tmp_path, "b.png", (0, 0, 1))
        frame = frame_rgba(canvas([image(red, "a"), image(blue, "b", z_index=1)]), tmp_path)
        assert tuple(centre(frame)[:3]) == (0, 0, 255)

    @pytest.mark.parametrize("mode", sorted(BLEND))
    def test_blend_modes_follow_the_w3c_formulas(self, tmp_path: Path, mode: str) -> None:
        bottom, top = solid(tmp_path, "b.png", Cb), solid(tmp_path, "s.png", Cs)
        elements = [image(bottom, "b"), image(top, "s", z_index=1, blend_mode=mode)]
        got = centre(frame_rgba(canvas(elements), tmp_path))[:3]
        cb = [round(c * 255) / 255 for c in Cb]
        cs = [round(c * 255) / 255 for c in Cs]
        expected = [round(BLEND[mode](b, s) * 255) for b, s in zip(cb, cs, strict=True)]
        assert np.abs(got - expected).max() <= 3, (mode, got, expected)

    def test_opacity_mixes_with_what_is_below(self, tmp_path: Path) -> None:
        white = solid(tmp_path, "w.png", (1, 1, 1))
        frame = frame_rgba(canvas([image(white, "w", opacity=50)]), tmp_path)
        assert abs(int(centre(frame)[0]) - 128) <= 2


class TestGeometry:
    def test_position_size_and_centre_anchor(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        box = image(red, "a", x=40, y=30, width=20, height=10, clip=True)
        frame = frame_rgba(canvas([box]), tmp_path)
        ys, xs = np.nonzero(frame[..., 0] > 128)
        assert (xs.min(), xs.max(), ys.min(), ys.max()) == (30, 49, 25, 34)

    def test_anchor_top_left_places_the_corner_at_x_y(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        box = image(
            red, "a", x=10, y=10, width=20, height=10, x_anchor="0%", y_anchor="0%", clip=True
        )
        ys, xs = np.nonzero(frame_rgba(canvas([box]), tmp_path)[..., 0] > 128)
        assert (xs.min(), ys.min()) == (10, 10)

    def test_aspect_ratio_derives_the_missing_dimension(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        box = image(red, "a", width=40, aspect_ratio=2, clip=True)
        ys, xs = np.nonzero(frame_rgba(canvas([box]), tmp_path)[..., 0] > 128)
        assert (xs.max() - xs.min() + 1, ys.max() - ys.min() + 1) == (40, 20)

    def test_flip_horizontal_mirrors(self, tmp_path: Path) -> None:
        write_png(tmp_path / "half.png", (0, 0, 0, 0))
        from PIL import Image

        picture = Image.new("RGBA", (W, H), (0, 0, 255, 255))
        picture.paste((255, 0, 0, 255), (0, 0, W // 2, H))
        picture.save(tmp_path / "half.png")
        plain = frame_rgba(canvas([image("half.png", "a")]), tmp_path)
        flipped = frame_rgba(canvas([image("half.png", "a", flip_horizontal=True)]), tmp_path)
        assert plain[H // 2, 10, 0] > 200 and flipped[H // 2, 10, 2] > 200

    def test_z_rotation_turns_a_bar_upright(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        bar = image(red, "a", width=60, height=10, z_rotation="90deg", clip=True)
        ys, xs = np.nonzero(frame_rgba(canvas([bar]), tmp_path)[..., 0] > 128)
        assert ys.max() - ys.min() > 50 and xs.max() - xs.min() < 14

    def test_y_rotation_with_perspective_narrows_the_box(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        box = image(red, "a", width=80, height=40, y_rotation="60deg", clip=True)
        _ys, xs = np.nonzero(frame_rgba(canvas([box]), tmp_path)[..., 0] > 128)
        assert 30 <= xs.max() - xs.min() <= 50

    def test_scale_percent(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        box = image(red, "a", width=40, height=20, x_scale="50%", y_scale="200%", clip=True)
        ys, xs = np.nonzero(frame_rgba(canvas([box]), tmp_path)[..., 0] > 128)
        assert (xs.max() - xs.min() + 1, ys.max() - ys.min() + 1) == (20, 40)

    def test_clip_covers_and_contain_letterboxes(self, tmp_path: Path) -> None:
        write_png(tmp_path / "wide.png", (255, 0, 0, 255), size=(80, 20))
        contain = frame_rgba(canvas([image("wide.png", "a", width=40, height=40)]), tmp_path)
        cover = frame_rgba(
            canvas([image("wide.png", "a", width=40, height=40, clip=True)]), tmp_path
        )
        assert (contain[..., 0] > 128).sum() == pytest.approx(40 * 10, abs=40)
        assert (cover[..., 0] > 128).sum() == pytest.approx(40 * 40, abs=40)

    def test_crop_keeps_the_remaining_part(self, tmp_path: Path) -> None:
        from PIL import Image

        picture = Image.new("RGBA", (W, H), (0, 0, 255, 255))
        picture.paste((255, 0, 0, 255), (0, 0, W // 2, H))
        picture.save(tmp_path / "half.png")
        frame = frame_rgba(canvas([image("half.png", "a", crop_right=0.5, clip=True)]), tmp_path)
        assert frame[H // 2, 5, 0] > 200 and frame[H // 2, W - 5, 0] > 200
        assert frame[..., 2].max() < 30


class TestLargeImages:
    def test_an_image_much_larger_than_its_box_is_shrunk_once(self, tmp_path: Path) -> None:
        from framelane.render.sources.layers import ImageSource
        from tests.render.conftest import timeline_of

        write_png(tmp_path / "big.png", (255, 0, 0, 255), size=(2000, 1000))
        data = canvas([image("big.png", "a", width=40, height=20)])
        timeline, fonts = timeline_of(data, tmp_path)
        source = ImageSource(timeline.layers[0], fonts)
        assert source.frames[0].shape[:2] == (40, 80)
        frame = frame_rgba(data, tmp_path)
        assert tuple(centre(frame)[:3]) == (255, 0, 0)

    def test_exif_orientation_is_applied(self, tmp_path: Path) -> None:
        from PIL import Image

        from framelane.render.sources.layers import load_image_pixels

        picture = Image.new("RGB", (40, 20), (0, 0, 255))
        exif = Image.Exif()
        exif[0x0112] = 6  # stored rotated: display turned 90° clockwise
        picture.save(tmp_path / "phone.jpg", exif=exif)
        assert load_image_pixels(tmp_path / "phone.jpg").shape[:2] == (40, 20)


class TestStyle:
    def test_border_radius_rounds_the_corners(self, tmp_path: Path) -> None:
        white = solid(tmp_path, "w.png", (1, 1, 1))
        frame = frame_rgba(canvas([image(white, "a", border_radius=20)]), tmp_path)
        assert frame[1, 1, 0] < 10 and frame[H // 2, 1, 0] > 245 and frame[1, W // 2, 0] > 245

    def test_border_is_drawn_inside_the_box(self, tmp_path: Path) -> None:
        white = solid(tmp_path, "w.png", (1, 1, 1))
        bordered = image(white, "a", border_color="#ff0000", border_width=6)
        frame = frame_rgba(canvas([bordered]), tmp_path)
        assert tuple(frame[H // 2, 2, :3]) == (255, 0, 0)
        assert tuple(frame[H // 2, W // 2, :3]) == (255, 255, 255)

    def test_drop_shadow_falls_on_the_offset_side(self, tmp_path: Path) -> None:
        white = solid(tmp_path, "w.png", (1, 1, 1))
        grey = solid(tmp_path, "g.png", (0.5, 0.5, 0.5))
        box = image(
            white,
            "a",
            width=40,
            height=20,
            shadow_color="#000000",
            shadow_x=10,
            shadow_y=10,
            shadow_blur=4,
            z_index=1,
        )
        frame = frame_rgba(canvas([box, image(grey, "bg")]), tmp_path)
        below_right = frame[H // 2 + 15, W // 2 + 15, 0]
        above_left = frame[H // 2 - 15, W // 2 - 25, 0]
        assert below_right < 60 and abs(int(above_left) - 128) <= 3

    def test_color_overlay_tints_by_its_alpha(self, tmp_path: Path) -> None:
        white = solid(tmp_path, "w.png", (1, 1, 1))
        frame = frame_rgba(canvas([image(white, "a", color_overlay="#ff000080")]), tmp_path)
        r, g, b = centre(frame)[:3]
        assert r == 255 and abs(g - 127) <= 3 and abs(b - 127) <= 3


class TestColour:
    def test_solid_colours_survive_exactly(self, tmp_path: Path) -> None:
        colour = (0.2, 0.5, 0.7)
        frame = frame_rgba(canvas([image(solid(tmp_path, "c.png", colour), "a")]), tmp_path)
        assert np.abs(centre(frame)[:3] - [51, 128, 178]).max() <= 1

    def test_saturation_minus_100_is_grey(self, tmp_path: Path) -> None:
        frame = frame_rgba(
            canvas([image(solid(tmp_path, "c.png", (1, 0, 0)), "a", saturation=-100)]), tmp_path
        )
        r, g, b = centre(frame)[:3]
        assert r == g == b and abs(r - 54) <= 3

    def test_brightness_and_contrast(self, tmp_path: Path) -> None:
        grey = solid(tmp_path, "g.png", (0.4, 0.4, 0.4))
        bright = frame_rgba(canvas([image(grey, "a", brightness=20)]), tmp_path)
        flat = frame_rgba(canvas([image(grey, "a", contrast=-100)]), tmp_path)
        assert abs(int(centre(bright)[0]) - (102 + 51)) <= 2
        assert abs(int(centre(flat)[0]) - 128) <= 2

    def test_exposure_one_stop_doubles(self, tmp_path: Path) -> None:
        grey = solid(tmp_path, "g.png", (0.2, 0.2, 0.2))
        frame = frame_rgba(canvas([image(grey, "a", exposure=25)]), tmp_path)
        assert abs(int(centre(frame)[0]) - 102) <= 2

    def test_hue_rotate_120_turns_red_towards_green(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        r, g, b = centre(frame_rgba(canvas([image(red, "a", hue_rotate=120)]), tmp_path))[:3]
        assert g > r and g > b

    def test_blur_softens_an_edge_and_vignette_darkens_corners(self, tmp_path: Path) -> None:
        white = solid(tmp_path, "w.png", (1, 1, 1))
        vignette = frame_rgba(canvas([image(white, "a", vignette=100)]), tmp_path)
        assert vignette[1, 1, 0] < 60 and centre(vignette)[0] > 245
        from PIL import Image

        picture = Image.new("RGBA", (W, H), (0, 0, 255, 255))
        picture.paste((255, 0, 0, 255), (0, 0, W // 2, H))
        picture.save(tmp_path / "half.png")
        sharp = frame_rgba(canvas([image("half.png", "a")]), tmp_path)
        soft = frame_rgba(canvas([image("half.png", "a", blur=10)]), tmp_path)
        assert sharp[H // 2, W // 2 - 2, 0] > 250 and 60 < soft[H // 2, W // 2 - 2, 0] < 230

    def test_noise_changes_from_frame_to_frame_and_sharpness_raises_edge_contrast(
        self, tmp_path: Path
    ) -> None:
        grey = solid(tmp_path, "g.png", (0.5, 0.5, 0.5))
        noisy = canvas([image(grey, "a", noise=50)], frame_rate=10)
        first, second = frame_rgba(noisy, tmp_path, 0), frame_rgba(noisy, tmp_path, 1)
        assert first[..., 0].std() > 5 and np.abs(first.astype(int) - second.astype(int)).mean() > 3
        from PIL import Image

        picture = Image.new("RGBA", (W, H), (60, 60, 60, 255))
        picture.paste((190, 190, 190, 255), (W // 2, 0, W, H))
        picture.save(tmp_path / "edge.png")
        soft = frame_rgba(canvas([image("edge.png", "a")]), tmp_path)[H // 2, W // 2 - 1, 0]
        sharp = frame_rgba(canvas([image("edge.png", "a", sharpness=100)]), tmp_path)[
            H // 2, W // 2 - 1, 0
        ]
        assert int(sharp) < int(soft) - 10

    def test_cube_lut_with_intensity(self, tmp_path: Path) -> None:
        size = 2
        rows = [
            f"{1 - r} {1 - g} {1 - b}"
            for b in range(size)
            for g in range(size)
            for r in range(size)
        ]
        (tmp_path / "invert.cube").write_text(f"LUT_3D_SIZE {size}\n" + "\n".join(rows) + "\n")
        colour = solid(tmp_path, "c.png", (0.2, 0.6, 1.0))
        full = frame_rgba(canvas([image(colour, "a", lut_url="invert.cube")]), tmp_path)
        half = frame_rgba(
            canvas([image(colour, "a", lut_url="invert.cube", lut_intensity=50)]), tmp_path
        )
        assert np.abs(centre(full)[:3] - [204, 102, 0]).max() <= 2
        assert np.abs(centre(half)[:3] - [128, 128, 128]).max() <= 2

    def test_sepia_and_invert_effects(self, tmp_path: Path) -> None:
        colour = solid(tmp_path, "c.png", (0.2, 0.6, 1.0))
        inverted = frame_rgba(canvas([image(colour, "a", effects=[{"type": "invert"}])]), tmp_path)
        sepia = frame_rgba(canvas([image(colour, "a", effects=[{"type": "sepia"}])]), tmp_path)
        assert np.abs(centre(inverted)[:3] - [204, 102, 0]).max() <= 1
        r, g, b = centre(sepia)[:3]
        assert r >= g >= b


class TestCanvas:
    def test_background_image_covers_the_canvas(self, tmp_path: Path) -> None:
        write_png(tmp_path / "bg.png", (0, 255, 0, 255), size=(32, 18))
        frame = frame_rgba(canvas([], duration=1, background_image_url="bg.png"), tmp_path)
        assert tuple(frame[0, 0, :3]) == (0, 255, 0) and tuple(frame[-1, -1, :3]) == (0, 255, 0)

    def test_nested_composition_renders_its_scene_in_its_box(self, tmp_path: Path) -> None:
        red = solid(tmp_path, "r.png", (1, 0, 0))
        nested = {
            "type": "composition",
            "id": "c",
            "width": 40,
            "height": 20,
            "x": 20,
            "y": 10,
            "background_color": "#0000ff",
            "elements": [image(red, "in", width="50%")],
        }
        frame = frame_rgba(canvas([nested]), tmp_path)
        assert tuple(frame[10, 20, :3]) == (255, 0, 0)
        assert tuple(frame[10, 3, :3]) == (0, 0, 255)
        assert tuple(frame[40, 80, :3]) == (0, 0, 0)


class TestRotatedPicturesResampledByOpenCV:
    """A rotated picture is resampled by OpenCV into the canvas pixels it covers, then drawn
    1:1; skia's own bilinear draw of the same picture is the reference."""

    @staticmethod
    def both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **fields: Any) -> tuple[Any, Any]:
        from PIL import Image as PILImage

        from framelane.render import compositor

        ys, xs = np.mgrid[0:30, 0:50]
        rgba = np.zeros((30, 50, 4), np.uint8)
        rgba[..., 0] = xs * 5
        rgba[..., 1] = ys * 8
        rgba[..., 2] = 120
        rgba[..., 3] = np.where((xs // 10 + ys // 10) % 2 == 0, 255, 140)
        PILImage.fromarray(rgba).save(tmp_path / "grad.png")
        spec = canvas(
            [image("grad.png", "a", width=50, height=30, x=80.3, y=44.6, opacity=70, **fields)],
            background_color="#305070",
        )
        warped = frame_rgba(spec, tmp_path)
        monkeypatch.setattr(compositor, "_warped", lambda *args: None)
        return warped, frame_rgba(spec, tmp_path)

    @pytest.mark.parametrize("turn", ["12deg", "-37deg", "90deg", "180deg"])
    def test_matches_skia_inside_and_along_the_edges(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, turn: str
    ) -> None:
        warped, drawn = self.both(tmp_path, monkeypatch, z_rotation=turn)
        difference = np.abs(warped.astype(int) - drawn.astype(int)).max(axis=2)
        touched = np.abs(drawn.astype(int) - (48, 80, 112, 255)).max(axis=2) > 2
        assert touched.sum() > 700  # the picture is there
        inner = touched.copy()  # two pixels in from every edge
        for axis in (0, 1):
            for shift in (2, -2):
                inner &= np.roll(touched, shift, axis)
        # The same bilinear samples away from the edges (OpenCV weighs in 1/32 pixel steps;
        # half a pixel off gave 22+); along the edges cv2's fade vs skia's coverage.
        assert difference[inner].max() <= 4
        assert difference[touched].mean() <= 2.0

    def test_a_scaled_and_rotated_picture_matches_too(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        warped, drawn = self.both(
            tmp_path,
            monkeypatch,
            z_rotation="25deg",
            scale_x=1.4,
            scale_y=0.8,
            flip_horizontal=True,
        )
        difference = np.abs(warped.astype(int) - drawn.astype(int)).max(axis=2)
        touched = np.abs(drawn.astype(int) - (48, 80, 112, 255)).max(axis=2) > 2
        assert difference[touched].mean() <= 2.0


class TestSoftShadowsDrawnFromACachedPicture:
    """From a blur of 8 px (sigma) on, an opaque picture's shadow is skia's own blurred round
    rectangle drawn once per quarter-pixel phase and then placed at whole pixels; sharper
    shadows keep skia's sub-pixel mask. The reference is skia's mask at the exact position."""

    @staticmethod
    def both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blur: float) -> tuple[Any, Any]:
        from framelane.render import compositor

        white = solid(tmp_path, "w.png", (1, 1, 1))
        grey = solid(tmp_path, "g.png", (0.6, 0.7, 0.8))
        box = image(
            white,
            "a",
            width=60,
            height=30,
            x=70.3,
            y=40.6,
            border_radius=8,
            opacity=80,
            shadow_color="#10204099",
            shadow_x=6,
            shadow_y=5,
            shadow_blur=blur,
            z_index=1,
        )
        spec = canvas([box, image(grey, "bg")])
        cached = frame_rgba(spec, tmp_path)
        monkeypatch.setattr(compositor, "SNAPPED_SHADOW_SIGMA", float("inf"))
        return cached, frame_rgba(spec, tmp_path)

    @pytest.mark.parametrize("blur", [16, 28, 40])
    def test_a_soft_shadow_matches_the_sub_pixel_mask_within_two_levels(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blur: float
    ) -> None:
        cached, masked = self.both(tmp_path, monkeypatch, blur=blur)
        difference = np.abs(cached.astype(int) - masked.astype(int))
        shaded = np.abs(masked.astype(int) - (153, 178, 204, 255)).max(axis=2) > 3
        assert shaded.sum() > 1500  # the shadow and the box are there
        assert difference.max() <= 2

    def test_a_sharp_shadow_keeps_the_exact_mask(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        cached, masked = self.both(tmp_path, monkeypatch, blur=14)
        assert np.array_equal(cached, masked)
