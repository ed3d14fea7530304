"""Small helpers on (H, W, 4) uint8 BGRA arrays and their skia views."""

from __future__ import annotations

import skia

from framelane.media.pixels import Pixels, is_opaque, premultiply, unpremultiply

__all__ = ["Pixels", "is_opaque", "premultiply", "to_image", "unpremultiply"]


def to_image(bgra: Pixels, *, opaque: bool) -> skia.Image:
    """Wrap premultiplied BGRA pixels as a skia image without copying.

    Tagging opaque frames as opaque matters: skia draws them ~100x faster than unpremul ones.
    The caller keeps `bgra` alive as long as the image is used.
    """
    alpha_type = skia.kOpaque_AlphaType if opaque else skia.kPremul_AlphaType
    return skia.Image.fromarray(bgra, skia.kBGRA_8888_ColorType, alpha_type, copy=False)
