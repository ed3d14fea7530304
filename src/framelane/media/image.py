"""Image decoding: every still the product reads becomes straight-alpha RGBA uint8, upright.

Pillow reads the formats (PNG, JPEG, GIF, WebP, TIFF, BMP, …). Bit depths beyond 8 are
scaled, never clipped: a 16-bit sample `v` becomes `round(v × 255 / 65535)`, so a 16-bit grey
PNG is the grey it shows in any viewer, not white.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from framelane.media.errors import CodecUnsupported, SourceCorrupt, SourceTooLarge
from framelane.media.probe import MediaInfo

RGBA = npt.NDArray[np.uint8]
"""(H, W, 4) uint8, straight (not premultiplied) alpha."""

_WIDE_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")


@contextmanager
def opened(path: Path) -> Iterator[Image.Image]:
    """Pillow's image, with its failures as media errors: a format nobody reads is
    `codec_unsupported`, a known one that does not decode is `source_corrupt`."""
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


def eight_bit(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float greyscale scaled to 8 bits (Pillow's own conversion clips
    them). 16-bit modes are exact; float images in 0…1 are taken as such."""
    if image.mode not in _WIDE_MODES:
        return image
    values = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        top = 1.0 if float(values.max(initial=0.0)) <= 1.0 else 255.0
    else:
        top = 65535.0
    scaled = np.clip(np.floor(values * (255.0 / top) + 0.5), 0, 255).astype(np.uint8)
    return Image.fromarray(scaled, "L")


def rgba_of(image: Image.Image) -> RGBA:
    """One frame of an opened image as upright straight RGBA."""
    upright = ImageOps.exif_transpose(image)
    return np.array(eight_bit(upright).convert("RGBA"), dtype=np.uint8)


def decode_still(path: Path) -> RGBA:
    """The image (its first frame) as upright straight RGBA."""
    with opened(path) as image:
        return rgba_of(image)


def probe_image(path: Path) -> MediaInfo:
    """An image's size as shown (EXIF orientation applied); refuses what does not decode."""
    with opened(path) as image:
        image.load()
        width, height = ImageOps.exif_transpose(image).size
        frames = int(getattr(image, "n_frames", 1))
    return MediaInfo(kind="image", width=width, height=height, animated=frames > 1)
