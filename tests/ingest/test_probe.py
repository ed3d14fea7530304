"""Probing real generated media and every kind of bad file, straight on `probe_file`."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from framelane.core.errors import FramelaneError
from framelane.ingest.probe import probe_file
from framelane.render.limits import RenderLimits
from tests.ingest import media

FONTS = Path(__file__).parents[2] / "src" / "framelane" / "render" / "fonts"
pytestmark = pytest.mark.slow


def refused(path: Path, limits: RenderLimits | None = None) -> str:
    with pytest.raises(FramelaneError) as error:
        probe_file(path, limits) if limits else probe_file(path)
    return error.value.code


def test_fonts(tmp_path: Path) -> None:
    ttf = probe_file(FONTS / "JetBrainsMono-Bold.ttf")
    assert (ttf.content_type, ttf.kind) == ("font/ttf", "font")
    assert probe_file(FONTS / "BebasNeue-Regular.otf").content_type == "font/otf"
    font = TTFont(str(FONTS / "LiberationSerif-Regular.ttf"))
    font.flavor = "woff"
    font.save(str(tmp_path / "serif.woff"))
    assert probe_file(tmp_path / "serif.woff").content_type == "font/woff"
    font.flavor = "woff2"  # read whole (Brotli), not only its header
    font.save(str(tmp_path / "serif.woff2"))
    assert probe_file(tmp_path / "serif.woff2").content_type == "font/woff2"
    packed = (tmp_path / "serif.woff2").read_bytes()
    (tmp_path / "damaged.woff2").write_bytes(packed[:48] + bytes(200) + packed[248:])
    assert refused(tmp_path / "damaged.woff2") == "source_corrupt"
    broken = tmp_path / "broken.ttf"
    broken.write_bytes((FONTS / "JetBrainsMono-Bold.ttf").read_bytes()[:700])
    assert refused(broken) == "source_corrupt"
    woff2 = tmp_path / "lying.woff2"
    woff2.write_bytes(b"wOF2" + b"\x00\x01\x00\x00" + struct.pack(">IHH", 99999, 3, 0) + bytes(40))
    assert refused(woff2) == "source_corrupt"


def test_gif_and_limits(tmp_path: Path, media_dir: Path) -> None:
    from PIL import Image

    frames = [Image.new("RGB", (20, 10), (i * 40, 0, 0)) for i in range(3)]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:], duration=100)
    gif = probe_file(tmp_path / "a.gif")
    assert (gif.kind, gif.width, gif.height, gif.video_codec) == ("image", 20, 10, "gif")
    tight = RenderLimits(max_image_pixels=100, max_video_pixels=1000, max_source_duration=0.5)
    assert refused(tmp_path / "a.gif", tight) == "source_too_large"
    assert refused(media_dir / "clip.mp4", tight) == "source_too_large"
    long_ok = RenderLimits(max_source_duration=0.5, max_video_pixels=10**6)
    assert refused(media_dir / "clip.mp4", long_ok) == "source_too_large"


def test_jpeg_bomb_header_is_refused_undecoded(tmp_path: Path) -> None:
    jpeg = bytearray(media.make_jpeg(tmp_path / "p.jpg").read_bytes())
    marker = jpeg.index(b"\xff\xc0")  # SOF0: height and width at +5 and +7
    jpeg[marker + 5 : marker + 9] = struct.pack(">HH", 60000, 60000)
    (tmp_path / "bomb.jpg").write_bytes(bytes(jpeg))
    assert refused(tmp_path / "bomb.jpg") == "source_too_large"


def test_markup_polyglot_and_audio_only_mp4(tmp_path: Path, media_dir: Path) -> None:
    png = (media_dir / "still.png").read_bytes()
    (tmp_path / "x.png").write_bytes(png[:33] + b"<script>alert(1)</script>" + png[33:])
    assert refused(tmp_path / "x.png") == "source_corrupt"
    audio = media.make_video(tmp_path / "a.mp4", audio=True)
    assert probe_file(audio).kind == "video"


@pytest.mark.parametrize(
    ("name", "video", "audio", "fmt", "expected"),
    [
        ("a.mkv", "libx264", "aac", None, ("video/x-matroska", "video", "h264", "aac")),
        ("b.avi", "mpeg4", "libmp3lame", None, ("video/x-msvideo", "video", "mpeg4", "mp3")),
        ("c.mpg", "mpeg1video", None, "mpeg", ("video/mpeg", "video", "mpeg1video", None)),
        ("d.ts", "mpeg2video", None, "mpegts", ("video/mpeg", "video", "mpeg2video", None)),
        ("e.mov", "libx264", "aac", None, ("video/quicktime", "video", "h264", "aac")),
        ("f.mp3", None, "libmp3lame", None, ("audio/mpeg", "audio", None, "mp3")),
        ("g.flac", None, "flac", None, ("audio/flac", "audio", None, "flac")),
        ("h.ogg", None, "libopus", "ogg", ("audio/ogg", "audio", None, "opus")),
        ("i.m4a", None, "aac", "ipod", ("audio/mp4", "audio", None, "aac")),
        ("j.aac", None, "aac", "adts", ("audio/aac", "audio", None, "aac")),
    ],
)
def test_every_accepted_container(
    tmp_path: Path,
    name: str,
    video: str | None,
    audio: str | None,
    fmt: str | None,
    expected: tuple[str, str, str | None, str | None],
) -> None:
    path = media.make_container(tmp_path / name, video=video, audio=audio, fmt=fmt)
    probe = probe_file(path)
    assert (probe.content_type, probe.kind, probe.video_codec, probe.audio_codec) == expected
    assert probe.duration == pytest.approx(1.0, abs=0.1)
    assert probe.has_audio is (audio is not None)
    if video:
        assert (probe.width, probe.height, probe.fps) == (64, 48, 25.0)


def test_image_polyglots_with_markup_anywhere(tmp_path: Path, media_dir: Path) -> None:
    jpeg = (media_dir / "photo.jpg").read_bytes()
    (tmp_path / "gifar.jpg").write_bytes(jpeg + b"\n<HTML><body onload=alert(1)></body></html>")
    assert refused(tmp_path / "gifar.jpg") == "source_corrupt"
    frames = tmp_path / "ok.gif"
    media.make_png(tmp_path / "x.png")
    from PIL import Image

    Image.open(tmp_path / "x.png").save(frames, "GIF")
    (tmp_path / "js.gif").write_bytes(frames.read_bytes() + b"/*<script>evil()</script>*/")
    assert refused(tmp_path / "js.gif") == "source_corrupt"
    assert probe_file(frames).kind == "image"


@pytest.mark.parametrize(("orientation", "rotation"), [(1, 0), (3, 180), (6, 270), (8, 90)])
def test_exif_orientation_is_the_image_rotation(
    tmp_path: Path, orientation: int, rotation: int
) -> None:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.new("RGB", (30, 20), (9, 9, 9)).save(tmp_path / "phone.jpg", "JPEG", exif=exif)
    probe = probe_file(tmp_path / "phone.jpg")
    assert (probe.width, probe.height, probe.rotation) == (30, 20, rotation)


def test_images_people_use_are_probed_at_upload(tmp_path: Path) -> None:
    import numpy as np

    from tests.media.images import write_animation, write_heic, write_png_16, write_svg

    svg = probe_file(write_svg(tmp_path / "logo.svg"))
    assert (svg.content_type, svg.kind, svg.width, svg.height) == ("image/svg+xml", "image", 20, 10)
    heic = probe_file(write_heic(tmp_path / "photo.heic", (10, 20, 30), (32, 24)))
    assert (heic.content_type, heic.kind, heic.width, heic.height) == (
        "image/heic",
        "image",
        32,
        24,
    )
    for fmt, name, codec in (("WEBP", "s.webp", "webp"), ("PNG", "s.png", "apng")):
        sticker = probe_file(write_animation(tmp_path / name, fmt))
        assert (sticker.kind, sticker.video_codec, sticker.duration) == ("image", codec, 0.4)
    deep = probe_file(write_png_16(tmp_path / "deep.png", np.zeros((4, 6), np.uint16)))
    assert (deep.content_type, deep.width, deep.height) == ("image/png", 6, 4)


def test_an_svg_that_carries_script_is_refused(tmp_path: Path) -> None:
    from tests.media.images import write_svg

    scripted = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert refused(write_svg(tmp_path / "x.svg", scripted)) == "source_corrupt"
    handler = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    assert refused(write_svg(tmp_path / "y.svg", handler)) == "source_corrupt"
    page = "<!doctype html><html><body><svg></svg></body></html>"
    assert refused(write_svg(tmp_path / "page.svg", page)) == "codec_unsupported"


def test_avif_is_read_and_jpeg_xl_is_refused_with_a_code(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (16, 8), (9, 9, 9)).save(tmp_path / "a.avif")
    avif = probe_file(tmp_path / "a.avif")
    assert (avif.content_type, avif.width, avif.height) == ("image/avif", 16, 8)
    (tmp_path / "a.jxl").write_bytes(b"\xff\x0a" + bytes(64))  # a JPEG XL codestream
    assert refused(tmp_path / "a.jxl") == "codec_unsupported"
