"""Per-effect property checks: each one fails if its effect did nothing or the wrong thing.
`CHECKS` maps every registered effect name to its check (see test_effects.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from framelane.render.effects import EFFECTS, EffectInput
from framelane.render.effects.base import Pixels

from .frames import BARS_BGR, H, W, flat, picture


def run(
    name: str,
    pixels: Pixels,
    intensity: float = 1.0,
    time: float = 0.0,
    settings: Mapping[str, float] | None = None,
) -> Pixels:
    return EFFECTS.get(name).apply(pixels, EffectInput(intensity, dict(settings or {}), time))


def bar(pixels: Pixels, index: int) -> Pixels:
    """The inside of colour bar `index` (upper half), away from its edges."""
    width = W // len(BARS_BGR)
    return pixels[4 : H // 2 - 4, index * width + 3 : (index + 1) * width - 3]


def spread(pixels: Pixels) -> float:
    """Total variation: how much neighbouring pixels differ."""
    p = pixels[..., :3].astype(np.int32)
    return float(np.abs(np.diff(p, axis=0)).sum() + np.abs(np.diff(p, axis=1)).sum())


def sat(pixels: Pixels) -> float:
    p = pixels[..., :3].astype(np.int32)
    return float((p.max(axis=2) - p.min(axis=2)).mean())


def brighter_or_equal(out: Pixels, src: Pixels) -> bool:
    return bool((out[..., :3].astype(int) >= src[..., :3].astype(int) - 1).all())


def _lifted_blacks(name: str) -> None:
    out = run(name, picture())
    assert bar(out, 7)[..., :3].mean() > 12


def _vintage() -> None:
    _lifted_blacks("vintage")
    white = bar(run("vintage", picture()), 0)
    assert white[..., 0].mean() < white[..., 2].mean() - 20  # yellowed whites


def _polaroid() -> None:
    _lifted_blacks("polaroid")
    black = bar(run("polaroid", picture()), 7)
    assert black[..., 0].mean() > black[..., 2].mean() + 10  # cyan-blue shadows


def _portra() -> None:
    src = picture()
    out = run("portra", src)
    assert sat(bar(out, 5)) < sat(bar(src, 5)) - 10
    assert bar(out, 7)[..., :3].min() > 3


def _filmic() -> None:
    out = run("filmic", picture())
    ramp = out[H // 2 + 2, :, 1].astype(int)
    assert (np.diff(ramp) >= -1).all()  # monotonic tone curve
    assert ramp[W // 4] < picture()[H // 2 + 2, W // 4, 1] - 3  # toe: deeper shadows
    assert bar(out, 0)[..., :3].max() < 240  # shoulder: highlights roll off


def _super8() -> None:
    grey = flat((128, 128, 128))
    out = run("super8", grey)
    assert out[:4, :4, :3].mean() < out[H // 2 - 4 : H // 2 + 4, W // 2 - 4 : W // 2 + 4].mean()
    assert not np.array_equal(run("super8", grey, time=0.0), run("super8", grey, time=0.5))


def _add_grain() -> None:
    grey = flat((128, 128, 128))
    out = run("add_grain", grey)[..., :3].astype(float)
    assert out.std() > 3 and abs(out.mean() - 128) < 3
    assert not np.array_equal(run("add_grain", grey, time=0.0), run("add_grain", grey, time=0.04))


def _sepia() -> None:
    out = run("sepia", flat((128, 128, 128)))
    b, g, r = (out[..., c].mean() for c in range(3))
    assert b < g < r


def _invert() -> None:
    src = picture()
    assert (bar(run("invert", src), 0)[..., :3] == 0).all()
    assert np.array_equal(run("invert", run("invert", src)), src)


def _screened_warm(name: str) -> None:
    src = picture()
    out = run(name, src)
    assert brighter_or_equal(out, src)
    gain = out[..., :3].astype(int) - src[..., :3]
    assert gain[..., 2].mean() > gain[..., 0].mean()


def _light_leaks() -> None:
    _screened_warm("light_leaks")
    assert not np.array_equal(
        run("light_leaks", picture(), time=0.0), run("light_leaks", picture(), time=2.0)
    )


def _film_burn() -> None:
    _screened_warm("film_burn")


def _rgb_split() -> None:
    src = picture()
    out = run("rgb_split", src)
    assert np.array_equal(out[..., 1], src[..., 1])
    assert not np.array_equal(out[..., 2], src[..., 2])
    assert not np.array_equal(out[..., 0], src[..., 0])


def _flat_unchanged_textured_changed(name: str) -> None:
    grey = flat((90, 140, 200))
    assert np.abs(run(name, grey).astype(int) - grey).max() <= 1
    assert np.abs(run(name, picture()).astype(int) - picture()).mean() > 0.5


def _ghosting() -> None:
    _flat_unchanged_textured_changed("ghosting")


def _displacement_map() -> None:
    _flat_unchanged_textured_changed("displacement_map")
    assert not np.array_equal(
        run("displacement_map", picture(), time=0.0), run("displacement_map", picture(), time=0.6)
    )


def _chromatic_aberration() -> None:
    src = picture()
    out = run("chromatic_aberration", src)
    assert np.array_equal(out[..., 1], src[..., 1])
    edge = np.abs(out[:, :8, 2].astype(int) - src[:, :8, 2]).mean()
    centre = np.abs(out[30:42, 56:72, 2].astype(int) - src[30:42, 56:72, 2]).mean()
    assert edge > centre


def _echo() -> None:
    _flat_unchanged_textured_changed("echo")


def _prism() -> None:
    _flat_unchanged_textured_changed("prism")


def _posterize() -> None:
    out = run("posterize", picture())
    assert all(len(np.unique(out[..., c])) <= 3 for c in range(3))


def _blocks_constant(out: Pixels, block: int) -> bool:
    h, w = (out.shape[0] // block) * block, (out.shape[1] // block) * block
    tiles = out[:h, :w].reshape(h // block, block, w // block, block, 4)
    return bool((tiles == tiles[:, :1, :, :1]).all())


def _mosaic() -> None:
    out = run("mosaic", picture())
    assert _blocks_constant(out, 3)


def _mosaic_blur() -> None:
    src = picture()
    out = run("mosaic_blur", src)
    assert spread(out) < spread(src) * 0.8
    assert not _blocks_constant(out, 3)


def _mosaic_posterize() -> None:
    out = run("mosaic_posterize", picture())
    assert _blocks_constant(out, 3)
    assert all(len(np.unique(out[..., c])) <= 3 for c in range(3))


def _halftone(name: str, ink_channel: int | None) -> None:
    src = picture()
    out = run(name, src)
    dark, light = bar(out, 7).astype(int), bar(out, 0).astype(int)
    assert dark[..., :3].mean() < light[..., :3].mean() - 60
    assert (light[..., :3] >= 225).mean() > 0.9  # white input prints as bare paper
    if ink_channel is not None:
        ink = dark[..., :3].reshape(-1, 3).mean(axis=0)
        assert int(np.argmax(ink)) == ink_channel


def _optics_compensation() -> None:
    src = picture()
    out = run("optics_compensation", src)
    assert np.array_equal(out[0, 0], src[0, 0]) and np.array_equal(out[-1, -1], src[-1, -1])
    assert np.abs(out[20:52, 40:88].astype(int) - src[20:52, 40:88]).mean() > 2


def _viewfinder() -> None:
    black = flat((0, 0, 0))
    lit = run("viewfinder", black, time=0.1)
    assert (lit[..., :3] > 200).all(axis=2).sum() > 50  # brackets, cross, text
    red = (lit[..., 2] > 150) & (lit[..., 0] < 100)
    blink = run("viewfinder", black, time=0.6)
    assert red.sum() > 0 and ((blink[..., 2] > 150) & (blink[..., 0] < 100)).sum() == 0


def _night_vision() -> None:
    out = run("night_vision", picture())
    b, g, r = (out[..., c].astype(float).mean() for c in range(3))
    assert g > r + 20 and g > b + 20


def _thermal() -> None:
    out = run("thermal", picture())
    assert bar(out, 7)[..., :3].max() < 20
    assert bar(out, 0)[..., :3].min() > 200
    mid = out[H - 20, W // 2].astype(int)  # mid grey: magenta-red heat
    assert mid[2] > mid[1]


def _blurred(name: str) -> None:
    src = picture()
    assert spread(run(name, src)) < spread(src) * 0.85
    grey = flat((60, 120, 180))
    assert np.abs(run(name, grey).astype(int) - grey).max() <= 1


def _camera_lens_blur_bg() -> None:
    src = picture(216, 384)
    out = run("camera_lens_blur_bg", src)
    assert np.array_equal(out[108, 192], src[108, 192])  # in focus
    edge_src, edge_out = src[:, :60], out[:, :60]
    assert spread(edge_out) < spread(edge_src) * 0.85


def _lens_flare() -> None:
    src = picture()
    out = run("lens_flare", src)
    assert brighter_or_equal(out, src)
    gain = out[..., :3].astype(int).sum(axis=2) - src[..., :3].astype(int).sum(axis=2)
    y, x = np.unravel_index(np.argmax(gain), gain.shape)
    assert y < H / 2 and x < W / 2  # the light source sits in the upper left


def _strobe_light() -> None:
    src = picture()
    assert (run("strobe_light", src, time=0.0)[..., :3] == 255).all()
    assert np.array_equal(run("strobe_light", src, time=0.15), src)


def _snow() -> None:
    black = flat((0, 0, 0), 144, 256)
    out = run("snow", black, time=0.4)
    assert (out[..., :3] > 100).any() and (out[..., :3] == 0).mean() > 0.8
    assert not np.array_equal(out, run("snow", black, time=0.8))


def _glow() -> None:
    src = picture()
    out = run("glow", src)
    assert brighter_or_equal(out, src)
    dark = flat((50, 50, 50))
    assert np.array_equal(run("glow", dark), dark)


def _vhs() -> None:
    src = picture()
    assert not np.array_equal(run("vhs", src, time=0.0), run("vhs", src, time=0.5))
    assert sat(bar(run("vhs", src), 5)) < sat(bar(src, 5))


def _vhs_overlay() -> None:
    black = flat((0, 0, 0), 216, 384)
    out = run("vhs_overlay", black)
    assert (out[..., :3] > 200).all(axis=2).sum() > 100
    assert (out == black).all(axis=2).mean() > 0.7


def _crt() -> None:
    white = flat((255, 255, 255))
    out = run("crt", white)
    assert out[0, 0, :3].max() < 30  # curved glass: black corners
    assert out[H // 2, W // 2, :3].min() > 150


def _television() -> None:
    src = picture()
    assert sat(bar(run("television", src), 3)) < sat(bar(src, 3)) - 40
    assert not np.array_equal(run("television", src, time=0.0), run("television", src, time=0.5))


def _stepped_glitch(name: str) -> None:
    src = picture()
    assert np.array_equal(run(name, src, time=0.01), run(name, src, time=0.02))
    assert not np.array_equal(run(name, src, time=0.01), run(name, src, time=0.5))


def _scanlines() -> None:
    white = flat((255, 255, 255))
    rows = run("scanlines", white)[:, 0, 0].astype(int)
    assert (rows == 255).any() and (rows < 150).any()


def _duotone() -> None:
    from framelane.render.effects.grade import DUOTONE_HIGHLIGHT, DUOTONE_SHADOW

    out = run("duotone", picture())
    assert np.abs(bar(out, 7)[..., :3].astype(int) - DUOTONE_SHADOW).max() <= 2
    assert np.abs(bar(out, 0)[..., :3].astype(int) - DUOTONE_HIGHLIGHT).max() <= 2


def _cross_process() -> None:
    black = bar(run("cross_process", picture()), 7)
    assert black[..., 0].mean() > black[..., 2].mean() + 20


def _bleach_bypass() -> None:
    src = picture()
    out = run("bleach_bypass", src)
    assert sat(bar(out, 5)) < sat(bar(src, 5)) * 0.6


def _chroma_key() -> None:
    src = picture()
    out = run("chroma_key", src)
    assert (bar(out, 3)[..., 3] == 0).all()  # green bar keyed out
    assert (bar(out, 3)[..., :3] == 0).all()  # premultiplied transparent
    for kept in (0, 1, 2, 4, 5, 6, 7):
        assert (bar(out, kept)[..., 3] == 255).all()
    reds = run("chroma_key", src, settings={"hue_min": 330, "hue_max": 30, "sat_min": 50})
    assert (bar(reds, 5)[..., 3] == 0).all() and (bar(reds, 3)[..., 3] == 255).all()
    half = run("chroma_key", src, intensity=0.5)
    assert abs(int(bar(half, 3)[..., 3].mean()) - 127) <= 2


CHECKS: dict[str, Callable[[], None]] = {
    "vintage": _vintage,
    "polaroid": _polaroid,
    "portra": _portra,
    "super8": _super8,
    "filmic": _filmic,
    "add_grain": _add_grain,
    "sepia": _sepia,
    "light_leaks": _light_leaks,
    "film_burn": _film_burn,
    "rgb_split": _rgb_split,
    "ghosting": _ghosting,
    "displacement_map": _displacement_map,
    "chromatic_aberration": _chromatic_aberration,
    "echo": _echo,
    "prism": _prism,
    "posterize": _posterize,
    "mosaic": _mosaic,
    "mosaic_blur": _mosaic_blur,
    "mosaic_posterize": _mosaic_posterize,
    "cc_halftone": lambda: _halftone("cc_halftone", None),
    "cc_halftone_blue": lambda: _halftone("cc_halftone_blue", 0),
    "cc_halftone_green": lambda: _halftone("cc_halftone_green", 1),
    "cc_halftone_red": lambda: _halftone("cc_halftone_red", 2),
    "invert": _invert,
    "optics_compensation": _optics_compensation,
    "viewfinder": _viewfinder,
    "night_vision": _night_vision,
    "thermal": _thermal,
    "camera_lens_blur": lambda: _blurred("camera_lens_blur"),
    "camera_lens_blur_bg": _camera_lens_blur_bg,
    "box_blur": lambda: _blurred("box_blur"),
    "lens_flare": _lens_flare,
    "strobe_light": _strobe_light,
    "snow": _snow,
    "glow": _glow,
    "vhs": _vhs,
    "vhs_overlay": _vhs_overlay,
    "crt": _crt,
    "television": _television,
    "glitch": lambda: _stepped_glitch("glitch"),
    "compression_glitch": lambda: _stepped_glitch("compression_glitch"),
    "scanlines": _scanlines,
    "duotone": _duotone,
    "cross_process": _cross_process,
    "bleach_bypass": _bleach_bypass,
    "chroma_key": _chroma_key,
}
