"""Image decoding: exact bit depths, orientation, HEIC, SVG at the size asked, animations
with their own timing."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from framelane.media.errors import CodecUnsupported, SourceCorrupt, SourceTooLarge
from framelane.media.image import (
    animation_plays,
    decode_still,
    image_frames,
    image_size,
    probe_image,
    svg_size,
)
from tests.media.images import (
    COLOURS,
    DELAYS_MS,
    write_animation,
    write_heic,
    write_png_16,
    write_svg,
)


def exact(values: np.ndarray) -> np.ndarray:
    return np.floor(values.astype(np.float64) * 255 / 65535 + 0.5).astype(np.uint8)


class TestBitDepths:
    def test_16_bit_grey_is_scaled_not_clipped(self, tmp_path: Path) -> None:
        ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (4, 1))
        rgba = decode_still(write_png_16(tmp_path / "grey16.png", ramp))
        assert (rgba[..., 0] == exact(ramp)).all() and (rgba[..., 3] == 255).all()
        assert (rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all()

    def test_a_dark_16_bit_grey_stays_dark(self, tmp_path: Path) -> None:
        """Every sample under 256 (a dark photo), still 16-bit: near black, not 0…255."""
        dark = np.full((4, 4), 200, np.uint16)
        assert decode_still(write_png_16(tmp_path / "dark.png", dark))[0, 0, 0] == 1

    def test_16_bit_colour_and_alpha_keep_every_bit(self, tmp_path: Path) -> None:
        rng = np.random.default_rng(3)
        values = rng.integers(0, 65536, (8, 8, 4), dtype=np.uint16)
        rgba = decode_still(write_png_16(tmp_path / "rgba16.png", values))
        assert (rgba == exact(values)).all()

    @pytest.mark.parametrize("mode", ["L", "LA", "P", "I;16", "I", "F", "1", "CMYK"])
    def test_every_pillow_mode_becomes_rgba(self, tmp_path: Path, mode: str) -> None:
        grey = np.tile(np.arange(0, 256, 16, dtype=np.uint8), (4, 1))
        image = Image.fromarray(grey, "L").convert(mode)
        suffix = "tiff" if mode in ("I;16", "I", "F", "CMYK") else "png"
        path = tmp_path / f"m.{suffix}"
        image.save(path)
        rgba = decode_still(path)
        assert rgba.shape == (4, 16, 4) and rgba.dtype == np.uint8
        if mode in ("L", "LA", "P"):
            assert (rgba[..., 0] == grey).all()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_pillow(tmp_path: Path, orientation: int) -> None:
    rng = np.random.default_rng(orientation)
    picture = Image.fromarray(rng.integers(0, 255, (6, 10, 3), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "turned.png"
    picture.save(path, exif=exif)
    with Image.open(path) as reference:
        expected = np.asarray(ImageOps.exif_transpose(reference).convert("RGBA"))
    assert (decode_still(path) == expected).all()
    assert (probe_image(path).width, probe_image(path).height) == expected.shape[1::-1]


def test_heic_photos_decode(tmp_path: Path) -> None:
    path = write_heic(tmp_path / "photo.heic", (200, 30, 40), (64, 48))
    rgba = decode_still(path)
    assert rgba.shape == (48, 64, 4)
    assert np.abs(rgba[24, 32, :3].astype(int) - (200, 30, 40)).max() <= 4
    assert (probe_image(path).width, probe_image(path).height) == (64, 48)


class TestSvg:
    def test_its_own_size_from_width_height_or_viewbox(self, tmp_path: Path) -> None:
        assert svg_size(write_svg(tmp_path / "a.svg")) == (20, 10)
        box_only = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 100"/>'
        assert svg_size(write_svg(tmp_path / "b.svg", box_only)) == (300, 100)
        in_inches = '<svg xmlns="http://www.w3.org/2000/svg" width="1in" viewBox="0 0 2 1"/>'
        assert svg_size(write_svg(tmp_path / "c.svg", in_inches)) == (96, 48)
        assert image_size(tmp_path / "c.svg") == (96, 48)

    def test_drawn_sharp_at_the_size_asked(self, tmp_path: Path) -> None:
        rgba = decode_still(write_svg(tmp_path / "logo.svg"), (400, 200))
        assert rgba.shape == (200, 400, 4)
        row = rgba[100, :, :3].astype(int)
        assert (row[:199] == (255, 0, 0)).all() and (row[201:] == (0, 0, 255)).all()

    def test_external_references_are_not_read(self, tmp_path: Path) -> None:
        Image.new("RGB", (10, 10), (0, 255, 0)).save(tmp_path / "secret.png")
        markup = (
            '<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
            f'<image width="10" height="10" xlink:href="{tmp_path / "secret.png"}"/></svg>'
        )
        rgba = decode_still(write_svg(tmp_path / "leak.svg", markup))
        assert rgba[..., 3].max() == 0

    def test_entities_and_broken_markup_are_refused(self, tmp_path: Path) -> None:
        bomb = '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><svg>&a;</svg>'
        with pytest.raises(SourceCorrupt):
            svg_size(write_svg(tmp_path / "bomb.svg", bomb))
        with pytest.raises(SourceCorrupt):
            svg_size(write_svg(tmp_path / "cut.svg", '<svg xmlns="http://www.w3.org/2000/svg"'))


@pytest.mark.parametrize(
    ("fmt", "suffix", "codec"),
    [("GIF", "gif", "gif"), ("WEBP", "webp", "webp"), ("PNG", "png", "apng")],
)
def test_animations_give_every_frame_with_its_duration(
    tmp_path: Path, fmt: str, suffix: str, codec: str
) -> None:
    path = write_animation(tmp_path / f"sticker.{suffix}", fmt)
    frames = list(image_frames(path, 10_000))
    assert [d for _, d in frames] == [Fraction(ms, 1000) for ms in DELAYS_MS]
    for (rgba, _), colour in zip(frames, COLOURS, strict=True):
        assert np.abs(rgba[8, 8, :3].astype(int) - colour).max() <= 8
    info = probe_image(path)
    assert (info.animated, info.frame_count, info.duration) == (True, 3, Fraction(2, 5))
    assert info.video_codec == codec
    assert animation_plays(path) is None


def test_loop_counts(tmp_path: Path) -> None:
    assert animation_plays(write_animation(tmp_path / "once.gif", "GIF", loop=None)) == 1
    assert animation_plays(write_animation(tmp_path / "twice.gif", "GIF", loop=1)) == 2
    assert animation_plays(write_animation(tmp_path / "twice.png", "PNG", loop=2)) == 2


def test_a_huge_animation_is_refused_while_decoding(tmp_path: Path) -> None:
    path = write_animation(tmp_path / "big.gif", "GIF", size=64)
    with pytest.raises(SourceTooLarge):
        list(image_frames(path, 64 * 64 * 2))


def test_unreadable_bytes(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(b"not an image at all")
    with pytest.raises(CodecUnsupported):
        decode_still(tmp_path / "x.png")
    (tmp_path / "cut.png").write_bytes((tmp_path / "x.png").read_bytes())
    good = tmp_path / "good.png"
    Image.new("RGB", (64, 64), (1, 2, 3)).save(good)
    (tmp_path / "cut.png").write_bytes(good.read_bytes()[:60])
    with pytest.raises(SourceCorrupt):
        decode_still(tmp_path / "cut.png")
