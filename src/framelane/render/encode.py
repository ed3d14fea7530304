"""The engine's outputs: which codec each output format uses, the video writer for the
composited frames (premultiplied BGRA, the mix's audio) and PNG/JPEG stills."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from framelane.media import encode
from framelane.media.encode import CONTENT_TYPES, VideoFormat
from framelane.media.errors import EncodeFailed
from framelane.media.pixels import Pixels, is_opaque, unpremultiply

__all__ = ["CONTENT_TYPES", "VideoWriter", "render_format", "still_bytes"]

_VP9 = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "30", "b": "0"}
_AAC_BIT_RATE = 192_000


def render_format(output_format: str, alpha: bool) -> VideoFormat:
    """The codecs a render's `output_format` (mp4, webm, mov) is encoded with."""
    if output_format == "webm":
        pix = "yuva420p" if alpha else "yuv420p"
        return VideoFormat("webm", "libvpx-vp9", pix, "libopus", dict(_VP9))
    if output_format == "mov" and alpha:
        prores = {"profile": "4", "vendor": "apl0", "qscale": "9"}
        return VideoFormat("mov", "prores_ks", "yuva444p10le", "aac", prores, True, _AAC_BIT_RATE)
    x264 = {"preset": "veryfast", "crf": "20"}
    return VideoFormat(output_format, "libx264", "yuv420p", "aac", x264, True, _AAC_BIT_RATE)


class VideoWriter(encode.VideoWriter):
    """Encodes composited BGRA frames (premultiplied) and the mixed audio into one file."""

    def __init__(
        self,
        path: Path,
        output_format: str,
        size: tuple[int, int],
        fps: Fraction,
        alpha: bool,
        with_audio: bool,
    ) -> None:
        super().__init__(
            path,
            render_format(output_format, alpha),
            size,
            fps,
            input_format="bgra",
            premultiplied=True,
            with_audio=with_audio,
        )


def still_bytes(bgra: Pixels, output_format: str) -> bytes:
    """PNG keeps transparency (RGB when the frame is opaque); JPEG is flattened on black.
    OpenCV's encoders take BGR(A) as is and are several times faster than Pillow's."""
    if output_format == "jpg":
        # Premultiplied colour is the picture composited over black.
        ok, data = cv2.imencode(
            ".jpg", np.ascontiguousarray(bgra[..., :3]), [cv2.IMWRITE_JPEG_QUALITY, 92]
        )
    else:
        picture = bgra[..., :3] if is_opaque(bgra) else unpremultiply(bgra)
        ok, data = cv2.imencode(
            ".png", np.ascontiguousarray(picture), [cv2.IMWRITE_PNG_COMPRESSION, 1]
        )
    if not ok:
        raise EncodeFailed(f"cannot encode the {output_format} still")
    return bytes(data)
