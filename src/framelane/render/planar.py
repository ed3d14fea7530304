"""4:2:0 output frames built around the bottom video's own decoded picture.

When the bottom layer is an opaque video covering the canvas 1:1 and the encoder takes
yuv420p, converting the whole frame to BGRA and back is wasted work (and adds rounding noise
that costs x264 time). Instead its decoded planes are copied into the output frame as they
are, and only the rectangles the other layers touch go through BGRA and back:

1. each upper layer is recorded into a skia picture, whose cull rectangle (skia's own bounds
   of what the layer draws: shadows, blur and strokes included) says where it draws;
2. overlapping rectangles merge into regions;
3. in a region whose layers all draw source-over (normal blend: the usual case) each layer
   is played back onto transparency, and that premultiplied sprite is converted to 4:2:0 on
   its own and blended into the planes: `out = sprite + out × (1 − alpha)` holds in Y'CbCr
   as in R'G'B', the conversion being affine. A layer that draws what it drew on the
   previous frame (a still title, a logo) is neither recorded, played back nor converted
   again: its sprite is blended once more;
4. any other region (multiply, screen, …: the result depends on the pixels under it) is
   converted to BGRA with a margin of context (swscale's chroma filters read neighbouring
   samples), the pictures are played back onto it in paint order, and the region without
   its margin is converted back and written into the planes.

Pixels a layer does not touch keep the source's exact values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import cast

import av
import cv2
import numpy as np
import numpy.typing as npt
import skia
from av.video.reformatter import ColorRange, Colorspace, VideoReformatter

from framelane.media.pixels import (
    PLANAR_FORMAT,
    Pixels,
    bt709,
    packed,
    to_bgra,
    to_planar,
)

__all__ = ["PLANAR_FORMAT", "packed", "to_bgra", "to_planar"]

MARGIN = 8
"""Context kept around a region while converting it (pixels; even)."""
ROW_ALIGN = 16
"""Region widths are rounded up to this many pixels so BGRA rows need no padding."""
_RANGE_LIMITED = (int(ColorRange.UNSPECIFIED), int(ColorRange.MPEG))

Plane = npt.NDArray[np.uint8]
Box = tuple[int, int, int, int]
"""left, top, right, bottom in canvas pixels (right and bottom exclusive)."""


def planes(frame: av.VideoFrame) -> tuple[Plane, Plane, Plane]:
    """Writable views of a yuv420p frame's Y, U and V planes (row padding cut off)."""
    views = []
    for plane in frame.planes:
        rows = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)
        views.append(rows[:, : plane.width])
    y, u, v = views
    return y, u, v


def copy_planes(source: av.VideoFrame, target: av.VideoFrame) -> None:
    for src, dst in zip(planes(source), planes(target), strict=True):
        np.copyto(dst, src)


def is_planar_source(frame: av.VideoFrame, colorspace: int) -> bool:
    """Whether a decoded frame's planes can be used as they are, or scaled as they are: 8-bit
    4:2:0, BT.709 (`colorspace`, as the source is read), limited range, upright."""
    return (
        frame.format.name == PLANAR_FORMAT
        and colorspace == int(Colorspace.ITU709)
        and int(frame.color_range) in _RANGE_LIMITED
        and not getattr(frame, "rotation", 0)
    )


def is_passthrough(frame: av.VideoFrame, colorspace: int, size: tuple[int, int]) -> bool:
    """Whether a decoded frame can become the output picture as it is: a planar source
    (`is_planar_source`) of the canvas size, which is even."""
    return (
        (frame.width, frame.height) == size
        and size[0] % 2 == 0
        and size[1] % 2 == 0
        and is_planar_source(frame, colorspace)
    )


def fills(frame: av.VideoFrame, size: tuple[int, int]) -> bool:
    """Whether a frame scaled to `size` (even) keeps its shape: same aspect ratio."""
    return frame.width * size[1] == frame.height * size[0] and size[0] % 2 == 0 and size[1] % 2 == 0


def scaled_planar(
    reformatter: VideoReformatter, frame: av.VideoFrame, size: tuple[int, int]
) -> av.VideoFrame:
    """A planar source scaled to `size` in its own 4:2:0 planes (area when shrinking,
    bilinear when enlarging, as the BGRA path draws it): no trip through BGRA."""
    interpolation = "AREA" if size[0] < frame.width else "BILINEAR"
    return bt709(
        reformatter,
        frame,
        size,
        PLANAR_FORMAT,
        src_color_range=ColorRange.MPEG,
        interpolation=interpolation,
    )


@dataclass
class Region:
    box: Box
    """The bounding box of `parts`."""
    parts: list[Box] = field(default_factory=list)
    """The layers' own boxes: only these are converted and written back."""
    layers: list[int] = field(default_factory=list)
    """Indices into the recorded pictures, in paint order."""


def drawn_box(picture: skia.Picture, size: tuple[int, int]) -> Box | None:
    """Where a recorded layer draws, grown by a pixel for anti-aliasing and to even
    coordinates (whole chroma samples), inside the canvas; None when it draws nothing."""
    cull = picture.cullRect()
    if cull.isEmpty() or picture.approximateOpCount() == 0:
        return None
    left = max(0, math.floor(cull.left()) - 1) & ~1
    top = max(0, math.floor(cull.top()) - 1) & ~1
    right = min(size[0], even_up(math.ceil(cull.right()) + 1))
    bottom = min(size[1], even_up(math.ceil(cull.bottom()) + 1))
    if right <= left or bottom <= top:
        return None
    return left, top, right, bottom


def regions(boxes: list[Box | None]) -> list[Region]:
    """The layers (by where they draw; None: nowhere) grouped so that layers whose boxes
    overlap, directly or through others, are drawn together; regions never overlap."""
    merged: list[Region] = []
    for index, box in enumerate(boxes):
        if box is None:
            continue
        region = Region(box, [box], [index])
        while True:
            overlapping = [other for other in merged if _touches(other, region)]
            if not overlapping:
                break
            for other in overlapping:
                merged.remove(other)
                region = Region(
                    _union(other.box, region.box),
                    other.parts + region.parts,
                    sorted(other.layers + region.layers),
                )
        merged.append(region)
    return merged


def _touches(a: Region, b: Region) -> bool:
    return any(_overlap(p, q) for p in a.parts for q in b.parts)


@dataclass(frozen=True)
class Sprite:
    """A layer played back onto transparency, as premultiplied 4:2:0 planes ready to blend."""

    box: Box
    """Where it goes in the canvas."""
    luma: Plane
    chroma: tuple[Plane, Plane]
    keep: tuple[Plane, Plane]
    """255 − alpha at luma and at chroma resolution: how much of what is under stays."""


Recording = tuple[skia.Picture, list[object]]
"""A layer recorded (`compositor.record`): the picture, and what it reads while played back
(images sharing numpy memory)."""


@dataclass
class PlanarLayer:
    """One upper layer of a frame: recorded, or made into sprites directly."""

    key: str
    """The layer's own key: which layer this is from frame to frame."""
    still: tuple[object, ...] | None
    """What the drawing is made from: the source's picture (compared by identity: sources
    hand out the same picture object only while it does not change), then the motion and
    transition state (by value). Equal on two frames: the layer draws the same pixels. None:
    never the same (a video frame)."""
    box: Box | None
    """Where it draws (`drawn_box`, or its sprites' boxes)."""
    source_over: bool
    """It draws with normal blending only: its own pixels over what is under them, never
    reading them."""
    record: Callable[[], Recording]
    """Records the layer: called once, when the layer is recorded or played back."""
    sprites: list[Sprite] | None = None
    """Made the first time it is blended, and reused for as long as the layer is still."""
    make: Callable[[], list[Sprite]] | None = None
    """Makes the sprites directly (planar_sprites.py) instead of from the recording."""
    still_since: int = 0
    """Frames in a row it has drawn the same pixels (0: new this frame)."""
    recording: Recording | None = None

    @property
    def picture(self) -> skia.Picture:
        if self.recording is None:
            self.recording = self.record()
        return self.recording[0]

    def draws_as(self, still: tuple[object, ...]) -> bool:
        return (
            self.still is not None
            and len(still) == len(self.still)
            and still[0] is self.still[0]
            and all(a == b for a, b in zip(still[1:], self.still[1:], strict=True))
        )


class PlanarCompositor:
    """Plays recorded layers back onto a yuv420p frame, region by region."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self._to_bgra = VideoReformatter()
        self._to_planar = VideoReformatter()
        self._to_sprite = VideoReformatter()
        self._previous: dict[str, PlanarLayer] = {}
        """Last frame's layers by key."""

    def unchanged(self, key: str, still: tuple[object, ...]) -> PlanarLayer | None:
        """Last frame's recording of this layer, when it draws the same pixels again."""
        previous = self._previous.get(key)
        if previous is None or not previous.draws_as(still):
            return None
        previous.still_since += 1
        return previous

    def remember(self, layers: list[PlanarLayer]) -> None:
        """This frame's layers, for `unchanged` on the next (composited here or not)."""
        self._previous = {layer.key: layer for layer in layers}

    def layer(
        self,
        key: str,
        still: tuple[object, ...],
        record: Callable[[], Recording],
        source_over: bool,
    ) -> PlanarLayer:
        """A layer recorded now (its picture says where it draws)."""
        recording = record()
        box = drawn_box(recording[0], self.size)
        return PlanarLayer(key, still, box, source_over, record, recording=recording)

    def direct(
        self,
        key: str,
        still: tuple[object, ...] | None,
        box: Box | None,
        make: Callable[[], list[Sprite]],
        record: Callable[[], Recording],
    ) -> PlanarLayer:
        """A layer whose sprites are made directly (planar_sprites.py), in `box`; recorded
        only if a region it shares must be drawn in BGRA."""
        return PlanarLayer(key, still, box, True, record, make=make)

    def area_to_convert(self, layers: list[PlanarLayer]) -> int:
        """Pixels of sprites these layers would make this frame, leaving out layers that
        have stayed still since the last frame: made once, they are reused while that lasts
        (a full-canvas background picture costs one conversion, then a blend a frame)."""
        return sum(
            (box[2] - box[0]) * (box[3] - box[1])
            for layer in layers
            if layer.sprites is None and layer.still_since == 0 and (box := layer.box) is not None
        )

    def composite(self, frame: av.VideoFrame, layers: list[PlanarLayer]) -> None:
        for region in regions([layer.box for layer in layers]):
            if not all(layers[index].source_over for index in region.layers):
                self._paint_region(frame, region, layers)
                continue
            # Source-over is associative: blending the layers one by one, in paint order,
            # is blending their composite; and a still layer stays a still sprite.
            for index in region.layers:
                layer = layers[index]
                if layer.sprites is None:
                    layer.sprites = layer.make() if layer.make else [self._sprite(layer)]
                for sprite in layer.sprites:
                    _blend(frame, sprite)
        self.remember(layers)

    def _sprite_box(self, box: Box) -> Box:
        """`box` widened to whole rows of ROW_ALIGN pixels, inside the canvas."""
        left, top, right, bottom = box
        width = min(self.size[0], _round_up(right - left, ROW_ALIGN))
        left = min(left, self.size[0] - width)
        return left, top, left + width, bottom

    def _sprite(self, layer: PlanarLayer) -> Sprite:
        assert layer.box is not None
        box = self._sprite_box(layer.box)
        left, top, right, bottom = box
        pixels = np.zeros((bottom - top, right - left, 4), np.uint8)
        surface = skia.Surface(pixels, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
        canvas = surface.getCanvas()
        canvas.translate(-left, -top)
        canvas.drawPicture(layer.picture)
        del canvas, surface
        return self._converted_sprite(box, pixels)

    def _converted_sprite(self, box: Box, pixels: Pixels) -> Sprite:
        return premultiplied_420(box, self._to_sprite, pixels)

    def _paint_region(
        self, frame: av.VideoFrame, region: Region, layers: list[PlanarLayer]
    ) -> None:
        outer = self._with_margin(region.box)
        bgra = self._region_bgra(frame, outer, region.parts)
        surface = skia.Surface(bgra, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
        canvas = surface.getCanvas()
        canvas.translate(-outer[0], -outer[1])
        for index in region.layers:
            canvas.drawPicture(layers[index].picture)
        del canvas, surface
        for part in region.parts:
            self._write_back(frame, outer, bgra, part)

    def _with_margin(self, box: Box) -> Box:
        left, top = max(0, box[0] - MARGIN), max(0, box[1] - MARGIN)
        width = _round_up(box[2] + MARGIN - left, ROW_ALIGN)
        right = min(self.size[0], left + width)
        return left, top, right, min(self.size[1], box[3] + MARGIN)

    def _region_bgra(self, frame: av.VideoFrame, outer: Box, parts: list[Box]) -> Pixels:
        """BGRA of `outer`, converted where the parts (and their margins) are: the only
        pixels the layers draw on or the write-back reads."""
        if len(parts) == 1:
            return self._converted(frame, outer)
        bgra = np.empty((outer[3] - outer[1], outer[2] - outer[0], 4), np.uint8)
        for part in parts:
            left, top, right, bottom = _clipped(self._with_margin(part), outer)
            bgra[top - outer[1] : bottom - outer[1], left - outer[0] : right - outer[0]] = (
                self._converted(frame, (left, top, right, bottom))
            )
        return bgra

    def _converted(self, frame: av.VideoFrame, box: Box) -> Pixels:
        left, top, right, bottom = box
        part = av.VideoFrame(right - left, bottom - top, PLANAR_FORMAT)
        for src, dst, shift in zip(planes(frame), planes(part), (0, 1, 1), strict=True):
            np.copyto(dst, src[top >> shift : bottom >> shift, left >> shift : right >> shift])
        converted = to_bgra(self._to_bgra, part, (part.width, part.height), Colorspace.ITU709)
        return np.ascontiguousarray(packed(converted))

    def _write_back(self, frame: av.VideoFrame, outer: Box, bgra: Pixels, inner: Box) -> None:
        """Convert `inner` (with its margin of context) back into the frame's planes."""
        left, top, right, bottom = _clipped(self._with_margin(inner), outer)
        view = bgra[top - outer[1] : bottom - outer[1], left - outer[0] : right - outer[0]]
        source = av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(view), format="bgra")
        converted = to_planar(self._to_planar, source, (right - left, bottom - top))
        dx, dy = inner[0] - left, inner[1] - top
        w, h = inner[2] - inner[0], inner[3] - inner[1]
        for src, dst, shift in zip(planes(converted), planes(frame), (0, 1, 1), strict=True):
            x, y = inner[0] >> shift, inner[1] >> shift
            sx, sy, sw, sh = dx >> shift, dy >> shift, w >> shift, h >> shift
            np.copyto(dst[y : y + sh, x : x + sw], src[sy : sy + sh, sx : sx + sw])


def premultiplied_444(
    reformatter: VideoReformatter, pixels: Pixels
) -> tuple[Plane, Plane, Plane, Plane]:
    """Premultiplied BGRA (rows of a multiple of ROW_ALIGN pixels) → premultiplied BT.709
    limited-range Y', Cb, Cr and alpha, all at full resolution."""
    y, u, v, alpha = _converted_444(reformatter, pixels)
    return _take_off(y, alpha, 16), _take_off(u, alpha, 128), _take_off(v, alpha, 128), alpha


def premultiplied_420(box: Box, reformatter: VideoReformatter, pixels: Pixels) -> Sprite:
    """Premultiplied BGRA → a sprite at `box` (even edges): chroma and alpha averaged over the
    same 2×2 blocks, then the levels under transparency taken off (`_take_off`)."""
    y, u, v, alpha = _converted_444(reformatter, pixels)
    u_half, v_half, alpha_half = _halved(u, v, alpha)
    return Sprite(
        box,
        _take_off(y, alpha, 16),
        (_take_off(u_half, alpha_half, 128), _take_off(v_half, alpha_half, 128)),
        (as_u8(cv2.bitwise_not(alpha)), as_u8(cv2.bitwise_not(alpha_half))),
    )


def subsampled(box: Box, luma: Plane, cb: Plane, cr: Plane, alpha: Plane) -> Sprite:
    """A sprite at `box` (even edges) from premultiplied full-resolution planes: chroma and
    alpha averaged over the same 2×2 blocks."""
    cb_half, cr_half, alpha_half = _halved(cb, cr, alpha)
    keep, keep_half = as_u8(cv2.bitwise_not(alpha)), as_u8(cv2.bitwise_not(alpha_half))
    return Sprite(box, luma, (cb_half, cr_half), (keep, keep_half))


def _converted_444(
    reformatter: VideoReformatter, pixels: Pixels
) -> tuple[Plane, Plane, Plane, Plane]:
    """swscale's 4:4:4 conversion of premultiplied BGRA, as if it were straight colour, and
    the alpha."""
    height, width = pixels.shape[:2]
    source = av.VideoFrame.from_numpy_buffer(pixels, format="bgra")
    y, u, v = planes(bt709(reformatter, source, (width, height), "yuv444p"))
    return y, u, v, as_u8(cv2.extractChannel(pixels, 3))


def _take_off(plane: Plane, alpha: Plane, level: int) -> Plane:
    """swscale adds `level` (video black 16, or neutral chroma 128) where a premultiplied
    picture is transparent: take off `(1 − alpha) × level`, i.e. + level × alpha − level."""
    return as_u8(cv2.addWeighted(plane, 1.0, alpha, level / 255, -float(level)))


def _halved(*full: Plane) -> list[Plane]:
    return [
        as_u8(
            cv2.resize(
                plane, (plane.shape[1] // 2, plane.shape[0] // 2), interpolation=cv2.INTER_AREA
            )
        )
        for plane in full
    ]


def as_u8(array: object) -> Plane:
    """An OpenCV result (typed loosely) as the uint8 plane it is."""
    return cast(Plane, array)


def _blend(frame: av.VideoFrame, sprite: Sprite) -> None:
    """out = sprite + out × keep / 255, in place, plane by plane."""
    luma, u, v = planes(frame)
    left, top, right, bottom = sprite.box
    targets = (
        (luma[top:bottom, left:right], sprite.luma, sprite.keep[0]),
        (u[top // 2 : bottom // 2, left // 2 : right // 2], sprite.chroma[0], sprite.keep[1]),
        (v[top // 2 : bottom // 2, left // 2 : right // 2], sprite.chroma[1], sprite.keep[1]),
    )
    for target, premultiplied, keep in targets:
        cv2.multiply(target, keep, dst=target, scale=1 / 255)
        cv2.add(target, premultiplied, dst=target)


def _clipped(box: Box, outer: Box) -> Box:
    return (
        max(box[0], outer[0]),
        max(box[1], outer[1]),
        min(box[2], outer[2]),
        min(box[3], outer[3]),
    )


def even_up(value: int) -> int:
    return value + (value & 1)


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def union_of(boxes: Iterable[Box]) -> Box | None:
    """The bounding box of `boxes` (None: there are none)."""
    union = None
    for box in boxes:
        union = box if union is None else _union(union, box)
    return union


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
