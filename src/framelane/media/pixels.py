"""Pixel buffers and their conversions: premultiplied BGRA arrays, swscale to and from the
encoders' 4:2:0 planes, BT.709 on both sides.

Every picture the product handles passes here on its way in (a decoded frame → BGRA) or out
(BGRA → the encoder's format), so the colour matrix is decided in one place.
"""

from __future__ import annotations

import av
import numpy as np
import numpy.typing as npt
from av.video.reformatter import ColorRange, Colorspace, VideoReformatter

Pixels = npt.NDArray[np.uint8]
"""(H, W, 4) uint8 BGRA, premultiplied unless said otherwise."""

PLANAR_FORMAT = "yuv420p"


def premultiply(bgra: Pixels) -> Pixels:
    """Straight alpha → premultiplied alpha (a copy)."""
    alpha = bgra[..., 3:4].astype(np.uint16)
    out = np.empty_like(bgra)
    out[..., :3] = ((bgra[..., :3].astype(np.uint16) * alpha + 127) // 255).astype(np.uint8)
    out[..., 3] = bgra[..., 3]
    return out


def unpremultiply(bgra: Pixels) -> Pixels:
    """Premultiplied alpha → straight alpha (a copy). Only partly transparent pixels need
    arithmetic: opaque ones are unchanged and fully transparent ones are already zero."""
    out = bgra.copy()
    alpha = bgra[..., 3]
    partial = (alpha > 0) & (alpha < 255)
    if partial.any():
        a = alpha[partial].astype(np.uint32)[:, None]
        colour = bgra[partial][:, :3].astype(np.uint32)
        out[partial, :3] = np.minimum((colour * 255 + a // 2) // a, 255).astype(np.uint8)
    return out


def is_opaque(bgra: Pixels) -> bool:
    return bool(bgra[..., 3].min() == 255)


def to_planar(
    reformatter: VideoReformatter,
    bgra: av.VideoFrame,
    size: tuple[int, int],
    pix_fmt: str = PLANAR_FORMAT,
) -> av.VideoFrame:
    """BGRA → the output's 4:2:0 format, BT.709 limited range (the encoder's conversion)."""
    return bt709(reformatter, bgra, size, pix_fmt)


def bt709(
    reformatter: VideoReformatter,
    frame: av.VideoFrame,
    size: tuple[int, int],
    pix_fmt: str,
    **options: object,
) -> av.VideoFrame:
    """swscale to `pix_fmt`, BT.709 on both sides, limited range out, on this thread (x264's
    frame threads already use the other core)."""
    return reformatter.reformat(
        frame,
        width=size[0],
        height=size[1],
        format=pix_fmt,
        src_colorspace=Colorspace.ITU709,
        dst_colorspace=Colorspace.ITU709,
        dst_color_range=ColorRange.MPEG,
        threads=1,
        **options,  # type: ignore[arg-type]
    )


def to_bgra(
    reformatter: VideoReformatter, frame: av.VideoFrame, size: tuple[int, int], colorspace: int
) -> av.VideoFrame:
    """A decoded frame → BGRA of `size` (the decoders' conversion: area when shrinking)."""
    return reformatter.reformat(
        frame,
        width=size[0],
        height=size[1],
        format="bgra",
        src_colorspace=colorspace,
        interpolation="AREA" if size[0] < frame.width else "BILINEAR",
        threads=1,  # sliced swscale threads only contend with the decoder and x264
    )


def packed(frame: av.VideoFrame) -> Pixels:
    """A numpy view of a BGRA frame's pixels (row padding cut off; may be non-contiguous)."""
    plane = frame.planes[0]
    rows = np.frombuffer(memoryview(plane), np.uint8).reshape(frame.height, plane.line_size // 4, 4)
    return rows[:, : frame.width]
