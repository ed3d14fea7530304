"""The one video writer: straight RGB(A) and premultiplied BGRA in, BT.709 out, and rows of
any width (RGB rows are not a multiple of 4 bytes)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from framelane.media.encode import VideoFormat, VideoWriter, plane_view

pytestmark = pytest.mark.slow

MP4 = VideoFormat("mp4", "libx264", "yuv420p", "aac", {"preset": "veryfast", "crf": "1"})


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_rgb_frames_of_an_odd_row_size_keep_their_colour(tmp_path: Path) -> None:
    out = tmp_path / "rgb.mp4"
    frame = np.zeros((30, 46, 3), np.uint8)
    frame[:, :23] = (200, 40, 40)
    frame[:, 23:] = (30, 160, 220)
    with VideoWriter(out, MP4, (46, 30), Fraction(10), input_format="rgb24") as writer:
        for _ in range(3):
            writer.write(frame)
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.colorspace == 1  # tagged BT.709
        frames = [f.to_ndarray(format="rgb24", src_colorspace=1) for f in container.decode(stream)]
    assert len(frames) == 3
    assert np.abs(frames[1][15, 5].astype(int) - (200, 40, 40)).max() <= 4
    assert np.abs(frames[1][15, 40].astype(int) - (30, 160, 220)).max() <= 4


def test_premultiplied_bgra_is_straightened_for_an_alpha_codec(tmp_path: Path) -> None:
    out = tmp_path / "alpha.webm"
    webm = VideoFormat("webm", "libvpx-vp9", "yuva420p", "libopus", {"crf": "4", "b": "0"})
    half = np.zeros((16, 16, 4), np.uint8)
    half[...] = (0, 0, 100, 128)  # premultiplied: straight red 199 at half alpha
    with VideoWriter(out, webm, (16, 16), Fraction(10), premultiplied=True) as writer:
        writer.write_frame(half, 0)
        writer.write_frame(half, 1)
    with av.open(str(out)) as container:
        decoder = av.CodecContext.create("libvpx-vp9", "r")
        packets = list(container.demux(video=0))
        frames = [f for p in packets for f in decoder.decode(p)]
    rgba = frames[0].to_ndarray(format="rgba")
    assert abs(int(rgba[8, 8, 0]) - 199) <= 6 and abs(int(rgba[8, 8, 3]) - 128) <= 6


def test_plane_view_covers_padded_rows() -> None:
    frame = av.VideoFrame(45, 7, "rgb24")
    view = plane_view(frame, 45, 7)
    view[...] = 9
    assert view.shape == (7, 45, 3)
    assert (frame.to_ndarray()[..., :] == 9).all()
