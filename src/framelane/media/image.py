"""Image decoding: every picture the product reads becomes straight-alpha RGBA uint8, upright.

- Raster formats (PNG, JPEG, GIF, WebP, TIFF, BMP, …) are read with Pillow; HEIC and HEIF
  (iPhone photos) through pillow-heif's Pillow plugin.
- Bit depths beyond 8 are scaled, never clipped: a 16-bit sample `v` becomes
  `round(v × 255 / 65535)` (16-bit PNGs, grey or colour, are read with OpenCV, which keeps
  all 16 bits), so a 16-bit grey PNG shows the grey it is, not white.
- Animated GIF, WebP and APNG give every frame, composited as the format says (disposal,
  blending), with its own duration (`image_frames`).
- SVG is rasterised by resvg at the size asked (`decode_still(path, size)`), so a logo is
  drawn at the pixels it will cover, never scaled up from a small raster. External
  references are dropped before rendering: an SVG never reads a file or a URL.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from framelane.media.errors import CodecUnsupported, SourceCorrupt, SourceTooLarge
from framelane.media.probe import MediaInfo

RGBA = npt.NDArray[np.uint8]
"""(H, W, 4) uint8, straight (not premultiplied) alpha."""

_WIDE_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")
ANIMATED_FORMATS = frozenset({"GIF", "WEBP", "PNG"})
GIF_MIN_DELAY = Fraction(2, 100)
"""GIF frames asking for less (often 0 or 10 ms) play at 100 ms, as every browser does."""
GIF_DEFAULT_DELAY = Fraction(1, 10)
DEFAULT_DELAY = Fraction(1, 10)
"""A frame that states no duration."""
SVG_DEFAULT_SIZE = (300.0, 150.0)
"""CSS's size of a replaced element that states none."""
EXIF_ORIENTATION = 0x0112


# --- opening --------------------------------------------------------------------------------


def _heif_ready() -> None:
    """Let Pillow open HEIC/HEIF (pillow-heif's plugin; registering twice is harmless)."""
    from pillow_heif import register_heif_opener  # type: ignore[import-untyped]

    register_heif_opener()


@contextmanager
def opened(path: Path) -> Iterator[Image.Image]:
    """Pillow's image, with its failures as media errors: a format nobody reads is
    `codec_unsupported`, a known one that does not decode is `source_corrupt`."""
    _heif_ready()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                yield image
    except UnidentifiedImageError as error:
        raise CodecUnsupported(f"not a readable image: {path.name}") from error
    except Image.DecompressionBombError as error:
        raise SourceTooLarge(f"{path.name}: {error}") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise SourceCorrupt(f"cannot decode the image {path.name}: {error}") from error


# --- exact conversion -----------------------------------------------------------------------


def eight_bit(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float greyscale scaled to 8 bits (Pillow's own conversion clips
    them). Integer modes are taken as 16-bit; float images in 0…1 as such."""
    if image.mode not in _WIDE_MODES:
        return image
    values = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        top = 1.0 if float(values.max(initial=0.0)) <= 1.0 else 255.0
    else:
        top = 65535.0
    return Image.fromarray(_scaled(values, top), "L")


def _scaled(values: npt.NDArray[np.float64], top: float) -> npt.NDArray[np.uint8]:
    return np.clip(np.floor(values * (255.0 / top) + 0.5), 0, 255).astype(np.uint8)


def rgba_of(image: Image.Image) -> RGBA:
    """One frame of an opened image as straight RGBA (not turned)."""
    return np.array(eight_bit(image).convert("RGBA"), dtype=np.uint8)


def _is_16_bit_png(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(26)
    return head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR" and head[24] == 16


def _png_16(path: Path) -> RGBA:
    """A 16-bit PNG with all its bits (Pillow keeps only the high byte of colour PNGs)."""
    data = np.fromfile(path, np.uint8)
    pixels = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if pixels is None:
        raise SourceCorrupt(f"cannot decode the image {path.name}")
    eight = _scaled(np.asarray(pixels, np.float64), 65535.0)
    if eight.ndim == 2:
        eight = eight[..., None]
    channels = eight.shape[2]
    if channels == 1:
        rgba = np.concatenate([np.repeat(eight, 3, axis=2), _opaque(eight)], axis=2)
    elif channels == 2:
        rgba = np.concatenate([np.repeat(eight[..., :1], 3, axis=2), eight[..., 1:]], axis=2)
    elif channels == 3:
        rgba = np.concatenate([eight[..., ::-1], _opaque(eight)], axis=2)
    else:
        rgba = eight[..., [2, 1, 0, 3]]
    return np.ascontiguousarray(rgba)


def _opaque(like: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    return np.full((*like.shape[:2], 1), 255, np.uint8)


_ORIENTED = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.transpose(1, 0, 2),
    6: lambda a: np.rot90(a, 3),
    7: lambda a: a[::-1, ::-1].transpose(1, 0, 2),
    8: lambda a: np.rot90(a, 1),
}
"""EXIF orientation → the turn or flip that shows the picture upright (as Pillow's
`exif_transpose`)."""


def _upright(rgba: RGBA, orientation: int) -> RGBA:
    turn = _ORIENTED.get(orientation)
    return np.ascontiguousarray(turn(rgba) if turn is not None else rgba)


# --- SVG ------------------------------------------------------------------------------------


def is_svg(path: Path) -> bool:
    """Whether the file is SVG markup (by content: an `<svg` root near the start)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"\x1f\x8b"):
        return False
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in text


_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_UNITS["in"] = 96.0
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*([a-z%]*)\s*$", re.IGNORECASE)
_EXTERNAL_HREF = re.compile(
    rb"""((?:xlink:)?href\s*=\s*)(["'])(?!\s*(?:#|data:))[^"']*\2""", re.IGNORECASE
)


def _svg_markup(path: Path) -> bytes:
    data = path.read_bytes()
    if b"<!ENTITY" in data:
        raise SourceCorrupt(f"{path.name}: SVG entity declarations are not accepted.")
    return _EXTERNAL_HREF.sub(rb"\1\2\2", data)


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if match is None or match.group(2).lower() not in _UNITS:
        return None
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def svg_size(path: Path) -> tuple[float, float]:
    """The SVG's own size in CSS pixels: its width and height, else its viewBox's (with the
    viewBox's aspect for a missing one), else 300 × 150."""
    try:
        root = ElementTree.fromstring(_svg_markup(path))
    except ElementTree.ParseError as error:
        raise SourceCorrupt(f"{path.name}: not well-formed SVG ({error}).") from error
    if not root.tag.endswith("svg"):
        raise CodecUnsupported(f"{path.name}: the root element is not <svg>.")
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = [float(v) for v in re.split(r"[\s,]+", (root.get("viewBox") or "").strip()) if v]
    aspect = box[2] / box[3] if len(box) == 4 and box[2] > 0 and box[3] > 0 else None
    if width is None and height is None and aspect is not None:
        width, height = box[2], box[3]
    if width is None:
        width = height * aspect if height is not None and aspect else SVG_DEFAULT_SIZE[0]
    if height is None:
        height = width / aspect if aspect else SVG_DEFAULT_SIZE[1]
    if width <= 0 or height <= 0:
        raise SourceCorrupt(f"{path.name}: the SVG has no area ({width}x{height}).")
    return width, height


def rasterize_svg(path: Path, width: int, height: int) -> RGBA:
    """The SVG drawn into `width` × `height` pixels (resvg; its aspect kept, as a browser
    fits an <img>: the size asked is expected to have the SVG's own aspect)."""
    import resvg_py  # type: ignore[import-untyped]

    try:
        png = resvg_py.svg_to_bytes(
            svg_string=_svg_markup(path).decode("utf-8", "replace"),
            width=max(1, width),
            height=max(1, height),
        )
    except ValueError as error:
        raise SourceCorrupt(f"{path.name}: the SVG cannot be drawn ({error}).") from error
    with Image.open(io.BytesIO(bytes(png))) as image:
        return np.array(image.convert("RGBA"), dtype=np.uint8)


# --- decoding -------------------------------------------------------------------------------


def image_size(path: Path) -> tuple[int, int]:
    """Width and height as stored (before EXIF orientation), read from the header: nothing
    is decoded, so a decompression bomb is refused before it costs anything."""
    if is_svg(path):
        width, height = svg_size(path)
        return max(1, round(width)), max(1, round(height))
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with opened(path) as image:
            return image.size
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def decode_still(path: Path, size: tuple[int, int] | None = None) -> RGBA:
    """The image (its first frame) as upright straight RGBA. An SVG is drawn at `size`
    (default: its own size); raster images come at their own size whatever `size` says."""
    if is_svg(path):
        width, height = size or image_size(path)
        return rasterize_svg(path, width, height)
    with opened(path) as image:
        orientation = int(image.getexif().get(EXIF_ORIENTATION, 1) or 1)
        if _is_16_bit_png(path):
            return _upright(_png_16(path), orientation)
        return rgba_of(ImageOps.exif_transpose(image))


def _frame_duration(image: Image.Image) -> Fraction:
    """How long the current frame shows (WebP says it only once the frame is loaded)."""
    image.load()
    milliseconds = image.info.get("duration")
    if image.format == "GIF":
        delay = Fraction(int(milliseconds or 0), 1000)
        return GIF_DEFAULT_DELAY if delay < GIF_MIN_DELAY else delay
    if not milliseconds:
        return DEFAULT_DELAY
    return Fraction(round(float(milliseconds)), 1000)


def image_frames(path: Path, max_pixels: int) -> Iterator[tuple[RGBA, Fraction]]:
    """Every frame of an animated GIF, WebP or APNG as upright straight RGBA, composited as
    the format says, with how long it shows. Decoding stops with `source_too_large` once
    the frames add up to more than `max_pixels`."""
    with opened(path) as image:
        orientation = int(image.getexif().get(EXIF_ORIENTATION, 1) or 1)
        total = 0
        try:
            for frame in ImageSequence.Iterator(image):
                total += frame.width * frame.height
                if total > max_pixels:
                    raise SourceTooLarge(
                        f"{path.name}: the animation's frames add up to more than "
                        f"{max_pixels} pixels."
                    )
                yield _upright(rgba_of(frame), orientation), _frame_duration(frame)
        except (OSError, SyntaxError, ValueError) as error:
            raise SourceCorrupt(f"cannot decode a frame of {path.name}: {error}") from error


def is_animation(path: Path) -> bool:
    """Whether the image has more than one frame to play (read from its header)."""
    if is_svg(path):
        return False
    with opened(path) as image:
        return int(getattr(image, "n_frames", 1)) > 1 and image.format in ANIMATION_CODECS


def animation_plays(path: Path) -> int | None:
    """How many times an animated image asks to be played (None: endlessly). A loop count of
    0 means endlessly in every format; a GIF's count N repeats it N times after the first
    play (N + 1 plays); WebP's and APNG's count all plays; no count means one play."""
    with opened(path) as image:
        count = image.info.get("loop")
        if count is None:
            return 1
        if int(count) == 0:
            return None
        return int(count) + 1 if image.format == "GIF" else int(count)


EXIF_ROTATIONS = {3: 180, 6: 270, 8: 90}
"""EXIF orientation → counter-clockwise degrees, as a video's display matrix reports them."""
ANIMATION_CODECS = {"GIF": "gif", "WEBP": "webp", "PNG": "apng"}


def probe_image(path: Path) -> MediaInfo:
    """An image's size as shown (EXIF orientation applied) and its rotation; for an
    animation its frame count, duration and codec. Every frame is decoded: what does not
    decode is refused here."""
    if is_svg(path):
        width, height = image_size(path)
        return MediaInfo(kind="image", width=width, height=height)
    with opened(path) as image:
        frames = int(getattr(image, "n_frames", 1))
        animated = frames > 1 and image.format in ANIMATION_CODECS
        if not animated:
            image.load()
        width, height = ImageOps.exif_transpose(image).size
        orientation = int(image.getexif().get(EXIF_ORIENTATION, 1) or 1)
        duration = Fraction(0)
        if animated:
            try:
                for frame in ImageSequence.Iterator(image):
                    duration += _frame_duration(frame)
            except (OSError, SyntaxError, ValueError) as error:
                raise SourceCorrupt(f"cannot decode a frame of {path.name}: {error}") from error
        codec = ANIMATION_CODECS.get(str(image.format)) if animated else None
    return MediaInfo(
        kind="image",
        width=width,
        height=height,
        duration=duration,
        fps=frames / duration if duration else Fraction(0),
        frame_count=frames,
        rotation=EXIF_ROTATIONS.get(orientation, 0),
        animated=animated,
        video_codec=codec,
    )
