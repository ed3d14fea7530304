"""Draw layers onto a numpy-backed skia surface: transform, clip, shadow, blend, border."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
import skia

from framelane.render.evaluate import LayerState
from framelane.render.fast_paths import HANDOVER, SNAPPED_SHADOW_SIGMA, SOURCE_OVER, WARPED
from framelane.render.pixels import Pixels, to_image
from framelane.render.sources.layers import LayerImage, on_screen_scale
from framelane.render.spec.units import Rgba
from framelane.render.transitions.base import FULL_CANVAS

BLEND_MODES = {
    "none": skia.BlendMode.kSrcOver,
    "multiply": skia.BlendMode.kMultiply,
    "screen": skia.BlendMode.kScreen,
    "overlay": skia.BlendMode.kOverlay,
    "darken": skia.BlendMode.kDarken,
    "lighten": skia.BlendMode.kLighten,
    "color_dodge": skia.BlendMode.kColorDodge,
    "color_burn": skia.BlendMode.kColorBurn,
    "hard_light": skia.BlendMode.kHardLight,
    "soft_light": skia.BlendMode.kSoftLight,
}
MOTION_BLEND_MODES = {**BLEND_MODES, "difference": skia.BlendMode.kDifference}
"""What a motion's `blend` may name: the public modes plus `difference` (motion-only)."""
LINEAR = skia.SamplingOptions(skia.FilterMode.kLinear)
PERSPECTIVE_DISTANCE = 2.0
"""Camera distance for x/y rotation, in multiples of the larger canvas side."""


def color(value: Rgba, opacity: float = 1.0) -> int:
    r, g, b, a = value
    return int(skia.Color(r, g, b, max(0, min(255, round(a * opacity)))))


class Painter:
    """Draws layers onto a skia canvas of the scene's size (pixels, or a recording)."""

    def __init__(self, canvas: skia.Canvas, width: int, height: int) -> None:
        self.canvas = canvas
        self.width, self.height = width, height
        self.retained: list[LayerImage] | None = None
        """When recording: pictures made while drawing, whose pixels the recording reads."""

    def covered_by(self, state: LayerState, picture: LayerImage) -> bool:
        """Whether drawing this layer would replace every pixel with the picture's own, as a
        plain 1:1 copy (opaque, full opacity, normal blend, nothing clipped or added)."""
        size = (picture.image.width(), picture.image.height())
        return self.covered_by_frame(state, size, picture.dst, picture.content, picture.opaque)

    def covered_by_frame(
        self,
        state: LayerState,
        size: tuple[int, int],
        dst: skia.Rect,
        content: skia.Rect,
        opaque: bool,
    ) -> bool:
        """`covered_by` for a picture of `size` drawn at `dst`, showing `content`."""
        if not (opaque and HANDOVER.accepts(state) and size == (self.width, self.height)):
            return False
        canvas = self.canvas
        canvas.save()
        self._transform(state)
        matrix = canvas.getTotalMatrix()
        canvas.restore()
        return bool(
            matrix.isTranslate()
            and matrix.getTranslateX() + dst.left() == 0
            and matrix.getTranslateY() + dst.top() == 0
            and dst.width() == self.width
            and dst.height() == self.height
            and content.contains(skia.Rect.MakeWH(self.width, self.height))
        )

    def clear(self, background: Rgba | None) -> None:
        self.canvas.clear(color(background) if background else skia.ColorTRANSPARENT)

    def draw_cover(self, image: skia.Image) -> None:
        """Draw an image covering the whole canvas (background_image_url)."""
        scale = max(self.width / image.width(), self.height / image.height())
        w, h = image.width() * scale, image.height() * scale
        dst = skia.Rect.MakeXYWH((self.width - w) / 2, (self.height - h) / 2, w, h)
        self.canvas.drawImageRect(image, dst, LINEAR)

    def draw_pixels(self, bgra: Pixels) -> None:
        """Draw a canvas-size premultiplied picture over what is there (a blended pair)."""
        image = to_image(np.ascontiguousarray(bgra), opaque=False)
        self.canvas.drawImage(image, 0, 0)

    def draw_layer(self, state: LayerState, picture: LayerImage) -> None:
        opacity = state.layer.placement.opacity * state.motion.opacity * state.modifier.opacity
        if opacity <= 0.0:
            return
        canvas = self.canvas
        if state.motion.blur > 0:
            picture = blurred(picture, state)
            if self.retained is not None:
                self.retained.append(picture)
        canvas.save()
        self._clip_to_transition(state)
        self._transform(state)
        if only_transformed(state):
            warped = _warped(canvas, picture)
            if warped is not None:
                canvas.restore()  # drawn 1:1 with no transform: skia bounds it tightly
                if warped.image is not None:
                    paint = _content_paint(state, opacity)
                    canvas.drawImage(warped.image, warped.left, warped.top, NEAREST, paint)
                return
        self._clip_to_reveal(state)
        if state.motion.scatter == 0:  # pieces in flight cast no box shadow
            _draw_box_shadow(canvas, state, picture, opacity)
        motion = state.motion
        if motion.blend is not None and motion.blend_mix > 0:
            _draw_content(canvas, state, picture, opacity, MOTION_BLEND_MODES[motion.blend])
            normal = opacity * (1.0 - min(motion.blend_mix, 1.0))
            if normal > 0:
                _draw_content(canvas, state, picture, normal)
        else:
            _draw_content(canvas, state, picture, opacity)
        canvas.restore()

    def _clip_to_transition(self, state: LayerState) -> None:
        clip = state.modifier.canvas_clip
        if clip != FULL_CANVAS:
            left, top, right, bottom = clip
            rect = skia.Rect.MakeLTRB(
                left * self.width, top * self.height, right * self.width, bottom * self.height
            )
            self.canvas.clipRect(rect)

    def _transform(self, state: LayerState) -> None:
        apply_transform(self.canvas, state, max(self.width, self.height))

    def _clip_to_reveal(self, state: LayerState) -> None:
        reveal = state.motion.reveal
        if reveal != (0.0, 0.0, 1.0, 1.0):
            w, h = state.layer.placement.width, state.layer.placement.height
            left, top, right, bottom = reveal
            self.canvas.clipRect(skia.Rect.MakeLTRB(left * w, top * h, right * w, bottom * h))


class Canvas(Painter):
    """One reusable BGRA buffer and the skia surface drawing straight into it (zero copy)."""

    def __init__(self, width: int, height: int) -> None:
        self.pixels: Pixels = np.zeros((height, width, 4), np.uint8)
        self.surface = skia.Surface(self.pixels, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
        super().__init__(self.surface.getCanvas(), width, height)

    @classmethod
    def over(cls, pixels: Pixels) -> Canvas:
        """A canvas drawing onto existing premultiplied BGRA pixels (C-contiguous)."""
        canvas = cls.__new__(cls)
        canvas.pixels = pixels
        canvas.surface = skia.Surface(pixels, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
        Painter.__init__(canvas, canvas.surface.getCanvas(), pixels.shape[1], pixels.shape[0])
        return canvas


def record(
    width: int, height: int, draw: Callable[[Painter], None]
) -> tuple[skia.Picture, list[LayerImage]]:
    """What `draw` paints, as a skia picture whose cull rectangle is the tight bounds of it
    (skia's own: shadows, blurs and strokes included), and the pictures made on the way,
    which must outlive its playback (their images share numpy memory)."""
    recorder = skia.PictureRecorder()
    bounds = skia.Rect.MakeWH(width, height)
    painter = Painter(recorder.beginRecording(bounds, skia.RTreeFactory()()), width, height)
    painter.retained = []
    draw(painter)
    return recorder.finishRecordingAsPicture(), painter.retained


def apply_transform(canvas: skia.Canvas, state: LayerState, canvas_side: int) -> None:
    """Concatenate the layer's transform (placement, then motion, about its anchor) to the
    canvas's: element box coordinates → canvas pixels. `canvas_side`: the canvas's larger side
    (the perspective camera's distance)."""
    p, m = state.layer.placement, state.motion
    canvas.translate(p.x + m.dx, p.y + m.dy)
    rotation_x, rotation_y = p.rotation_x + m.rotation_x, p.rotation_y + m.rotation_y
    if rotation_x or rotation_y:
        canvas.concat(perspective(rotation_x, rotation_y, canvas_side))
    rotation = p.rotation_z + m.rotation
    if rotation:
        canvas.rotate(rotation)
    sx = p.scale_x * m.scale * (-1 if p.flip_horizontal else 1)
    sy = p.scale_y * m.scale * (-1 if p.flip_vertical else 1)
    if sx != 1 or sy != 1:
        canvas.scale(sx, sy)
    canvas.translate(-p.anchor_x * p.width, -p.anchor_y * p.height)


def layer_matrix(state: LayerState, size: tuple[int, int]) -> skia.Matrix:
    """The layer's transform (`apply_transform`) as a matrix, without drawing anything."""
    recorder = skia.PictureRecorder()
    canvas = recorder.beginRecording(skia.Rect.MakeWH(*size))
    apply_transform(canvas, state, max(size))
    return canvas.getTotalMatrix()


def perspective(rotation_x: float, rotation_y: float, canvas_side: float) -> skia.M44:
    """Rotate about the x and y axes through the origin, seen from a camera in front."""
    ax, ay = math.radians(rotation_x), math.radians(rotation_y)
    cx, sx, cy, sy = math.cos(ax), math.sin(ax), math.cos(ay), math.sin(ay)
    rot_x = np.array([[1, 0, 0, 0], [0, cx, -sx, 0], [0, sx, cx, 0], [0, 0, 0, 1]])
    rot_y = np.array([[cy, 0, sy, 0], [0, 1, 0, 0], [-sy, 0, cy, 0], [0, 0, 0, 1]])
    camera = np.eye(4)
    camera[3, 2] = -1.0 / (PERSPECTIVE_DISTANCE * canvas_side)
    matrix = camera @ rot_x @ rot_y
    return skia.M44.Rows(*(skia.V4(*(float(v) for v in row)) for row in matrix))


NEAREST = skia.SamplingOptions()
BLUR_WORKING_SIGMA = 2.0
"""A motion blur wider than this (in picture pixels) is done on a picture shrunk until it is
this wide, then drawn enlarged: same look, the cost of a small kernel on a small picture."""


def draws_source_over(state: LayerState) -> bool:
    """Whether the layer's pixels only ever go over what is under them (normal blending):
    the result never depends on the values under them, only on their own colour and alpha
    (`fast_paths.SOURCE_OVER`)."""
    return SOURCE_OVER.accepts(state)


def blurred(picture: LayerImage, state: LayerState) -> LayerImage:
    """The picture with a Gaussian blur of `state.motion.blur` canvas pixels (premultiplied, so
    colours do not bleed from transparent areas), padded so the blur spreads past its edges."""
    dst = picture.dst
    width, height = picture.image.width(), picture.image.height()
    to_canvas = dst.width() / width * on_screen_scale(state)
    sigma = state.motion.blur / max(to_canvas, 1e-6)
    if sigma < 0.05:
        return picture
    pixels = picture.image.toarray(
        colorType=skia.kBGRA_8888_ColorType, alphaType=skia.kPremul_AlphaType
    )
    shrink = max(1.0, sigma / BLUR_WORKING_SIGMA)
    if shrink > 1.0:
        size = (max(1, math.ceil(width / shrink)), max(1, math.ceil(height / shrink)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    small_h, small_w = pixels.shape[:2]
    sigma = sigma * small_w / width
    pad = math.ceil(3.0 * sigma)
    pixels = cv2.copyMakeBorder(pixels, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    pixels = np.ascontiguousarray(cv2.GaussianBlur(pixels, (0, 0), sigma))
    step_x, step_y = dst.width() / small_w, dst.height() / small_h
    padded = skia.Rect.MakeLTRB(
        dst.left() - pad * step_x,
        dst.top() - pad * step_y,
        dst.right() + pad * step_x,
        dst.bottom() + pad * step_y,
    )
    return LayerImage(
        image=to_image(pixels, opaque=False),
        dst=padded,
        content=picture.content,
        opaque=False,
        pixels=pixels,
    )


def _sampling(canvas: skia.Canvas, picture: LayerImage) -> skia.SamplingOptions:
    """Pixel-aligned 1:1 draws (a full-frame clip) are plain copies; filter everything else."""
    matrix = canvas.getTotalMatrix()
    dst = picture.dst
    aligned = (
        matrix.isTranslate()
        and float(matrix.getTranslateX() + dst.left()).is_integer()
        and float(matrix.getTranslateY() + dst.top()).is_integer()
        and dst.width() == picture.image.width()
        and dst.height() == picture.image.height()
    )
    return NEAREST if aligned else LINEAR


def rounded(state: LayerState, rect: skia.Rect) -> skia.RRect:
    radius = min(state.layer.style.border_radius, rect.width() / 2, rect.height() / 2)
    return skia.RRect.MakeRectXY(rect, radius, radius)


def _draw_box_shadow(
    canvas: skia.Canvas, state: LayerState, picture: LayerImage, opacity: float
) -> None:
    """Opaque pictures get the cheap analytic blurred round-rect shadow."""
    style = state.layer.style
    if style.shadow_color is None or not picture.opaque:
        return
    shadow = rounded(state, picture.content).makeOffset(style.shadow_x, style.shadow_y)
    sigma = style.shadow_blur / 2
    matrix = canvas.getTotalMatrix()
    if sigma >= SNAPPED_SHADOW_SIGMA and matrix.isTranslate():
        _draw_cached_shadow(canvas, shadow, sigma, style.shadow_color, opacity)
        return
    paint = skia.Paint(AntiAlias=True, Color=color(style.shadow_color, opacity))
    if sigma > 0:
        paint.setMaskFilter(skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, sigma))
    canvas.drawRRect(shadow, paint)


SHADOW_PHASES = 4


def _draw_cached_shadow(
    canvas: skia.Canvas, shadow: skia.RRect, sigma: float, shade: Rgba, opacity: float
) -> None:
    image, left, top = snapped_shadow(canvas.getTotalMatrix(), shadow, sigma, shade)
    paint = skia.Paint()
    paint.setAlphaf(opacity)
    canvas.save()
    canvas.resetMatrix()  # translate-only before: skia still bounds this tightly
    canvas.drawImage(image, left, top, NEAREST, paint)
    canvas.restore()


def snapped_shadow(
    matrix: skia.Matrix, shadow: skia.RRect, sigma: float, shade: Rgba
) -> tuple[skia.Image, int, int]:
    """A blurred round-rect shadow (`shadow` in box coordinates, `matrix` translate-only) as
    its cached picture and the whole canvas pixel its top-left corner goes to."""
    rect = shadow.rect()
    left, phase_x = _phase(matrix.getTranslateX() + rect.left())
    top, phase_y = _phase(matrix.getTranslateY() + rect.top())
    radius = shadow.getSimpleRadii().x()
    image, pad = _shadow_picture(
        round(rect.width(), 2),
        round(rect.height(), 2),
        round(radius, 2),
        sigma,
        shade,
        phase_x,
        phase_y,
    )
    return image, left - pad, top - pad


def _phase(position: float) -> tuple[int, float]:
    """A position as a whole pixel and a fraction in steps of 1 / SHADOW_PHASES."""
    steps = round(position * SHADOW_PHASES)
    whole = math.floor(steps / SHADOW_PHASES)
    return whole, (steps - whole * SHADOW_PHASES) / SHADOW_PHASES


@functools.lru_cache(maxsize=64)
def _shadow_picture(
    width: float,
    height: float,
    radius: float,
    sigma: float,
    shade: Rgba,
    phase_x: float,
    phase_y: float,
) -> tuple[skia.Image, int]:
    """The blurred round rectangle drawn by skia once, `pad` pixels plus the phase in."""
    pad = math.ceil(3 * sigma) + 2
    size = (math.ceil(width) + 2 * pad + 1, math.ceil(height) + 2 * pad + 1)
    surface = skia.Surface(*size)
    paint = skia.Paint(AntiAlias=True, Color=color(shade))
    paint.setMaskFilter(skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, sigma))
    box = skia.Rect.MakeXYWH(pad + phase_x, pad + phase_y, width, height)
    surface.getCanvas().drawRRect(skia.RRect.MakeRectXY(box, radius, radius), paint)
    return surface.makeImageSnapshot(), pad


def _needs_group(state: LayerState, opaque: bool) -> bool:
    style, placement = state.layer.style, state.layer.placement
    return (
        placement.color_overlay is not None
        or state.modifier.tint_amount > 0
        or (style.border_color is not None and style.border_width > 0)
        or (style.shadow_color is not None and not opaque)
    )


def _draw_content(
    canvas: skia.Canvas,
    state: LayerState,
    picture: LayerImage,
    opacity: float,
    blend: skia.BlendMode | None = None,
) -> None:
    """`blend`: a motion's blend mode in place of the element's own."""
    placement, style = state.layer.placement, state.layer.style
    paint = _content_paint(state, opacity, blend)
    grouped = _needs_group(state, picture.opaque)
    if grouped:
        canvas.saveLayer(None, _group_paint(state, picture, paint))
        paint = skia.Paint(AntiAlias=True)
    scatter = state.motion.scatter
    if scatter == 0 and style.border_radius > 0:
        canvas.clipRRect(rounded(state, picture.content), skia.ClipOp.kIntersect, True)
    elif placement.clip:
        canvas.clipRect(picture.content)
    warped = None if scatter > 0 else _warped(canvas, picture)
    if scatter > 0:
        _draw_pieces(canvas, picture, paint, scatter)
    elif warped is None:
        canvas.drawImageRect(picture.image, picture.dst, _sampling(canvas, picture), paint)
    elif warped.image is not None:
        canvas.save()
        canvas.resetMatrix()  # the clips stay: they are kept in device space
        canvas.drawImage(warped.image, warped.left, warped.top, NEAREST, paint)
        canvas.restore()
    if grouped:
        _draw_overlays(canvas, state, picture)
        canvas.restore()


EXPLODE_GRID = 6
"""An exploding picture breaks into this many pieces a side."""
EXPLODE_REACH = 0.5
"""How far the pieces fly at full scatter, as a fraction of the picture's larger side."""
EXPLODE_SPIN = 240.0
"""Degrees a piece turns at most at full scatter."""


def _draw_pieces(
    canvas: skia.Canvas, picture: LayerImage, paint: skia.Paint, scatter: float
) -> None:
    """The picture as an EXPLODE_GRID² grid of pieces, each pushed away from the centre
    along its own direction and turned about its own centre, `scatter` of the way out."""
    image, dst = picture.image, picture.dst
    grid = EXPLODE_GRID
    source_w, source_h = image.width() / grid, image.height() / grid
    piece_w, piece_h = dst.width() / grid, dst.height() / grid
    reach = EXPLODE_REACH * max(dst.width(), dst.height()) * scatter
    piece = skia.Rect.MakeXYWH(-piece_w / 2, -piece_h / 2, piece_w, piece_h)
    for row in range(grid):
        for column in range(grid):
            swerve, spin = _piece_randomness(row, column)
            out_x, out_y = (column + 0.5) / grid - 0.5, (row + 0.5) / grid - 0.5
            angle = math.atan2(out_y, out_x) + swerve
            canvas.save()
            canvas.translate(
                dst.left() + (column + 0.5) * piece_w + math.cos(angle) * reach,
                dst.top() + (row + 0.5) * piece_h + math.sin(angle) * reach,
            )
            canvas.rotate(spin * EXPLODE_SPIN * scatter)
            source = skia.Rect.MakeXYWH(column * source_w, row * source_h, source_w, source_h)
            canvas.drawImageRect(image, source, piece, LINEAR, paint)
            canvas.restore()


def _piece_randomness(row: int, column: int) -> tuple[float, float]:
    """A piece's own swerve off the outward direction (radians, ±0.6) and spin (±1), the
    same on every frame and every render."""
    seed = math.sin(row * 12.9898 + column * 78.233) * 43758.5453
    first = seed - math.floor(seed)
    second = (seed * 7.0) - math.floor(seed * 7.0)
    return (first - 0.5) * 1.2, second * 2.0 - 1.0


def _content_paint(
    state: LayerState, opacity: float, blend: skia.BlendMode | None = None
) -> skia.Paint:
    paint = skia.Paint(AntiAlias=True)
    paint.setAlphaf(opacity)
    paint.setBlendMode(BLEND_MODES[state.layer.placement.blend_mode] if blend is None else blend)
    return paint


def only_transformed(state: LayerState) -> bool:
    """Whether the layer is its picture drawn through the transform and nothing else: no
    clip, reveal, shadow, radius, border, overlay or motion blend (`fast_paths.WARPED`)."""
    return WARPED.accepts(state)


@dataclass(frozen=True, slots=True)
class Warped:
    image: skia.Image | None
    """The picture resampled into canvas pixels (None: nothing of it is inside the clip)."""
    left: int
    top: int


def _warped(canvas: skia.Canvas, picture: LayerImage) -> Warped | None:
    """A rotated or skewed picture resampled by OpenCV into the canvas pixels it covers, to
    be drawn 1:1: the same bilinear filter as skia's, at a fraction of its cost (skia's
    raster pipeline samples rotated images at ~25 ns a pixel). None when skia should draw it
    (axis-aligned, perspective, or no pixel array)."""
    matrix = canvas.getTotalMatrix()
    if matrix.hasPerspective() or matrix.isScaleTranslate() or picture.pixels.ndim != 3:
        return None
    to_canvas = picture_to_canvas(matrix, picture)
    source = skia.Rect.MakeWH(picture.image.width(), picture.image.height())
    covered = to_canvas.mapRect(source).roundOut()
    if not covered.intersect(canvas.getDeviceClipBounds()):
        return Warped(None, 0, 0)
    affine = opencv_affine(to_canvas, covered.left(), covered.top())
    patch = cv2.warpAffine(
        np.ascontiguousarray(picture.pixels),
        affine,
        (covered.width(), covered.height()),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0, 0),
    )
    image = skia.Image.fromarray(patch, skia.kBGRA_8888_ColorType, skia.kPremul_AlphaType)
    return Warped(image, covered.left(), covered.top())


def picture_to_canvas(matrix: skia.Matrix, picture: LayerImage) -> skia.Matrix:
    """The picture's pixels → canvas pixels, through `matrix` (box → canvas)."""
    source = skia.Rect.MakeWH(picture.image.width(), picture.image.height())
    fill = skia.Matrix.MakeRectToRect(source, picture.dst, skia.Matrix.kFill_ScaleToFit)
    return skia.Matrix.Concat(matrix, fill)


def opencv_affine(to_canvas: skia.Matrix, left: int, top: int) -> npt.NDArray[np.float64]:
    """`to_canvas` (affine) as OpenCV's warp matrix into a patch whose top-left pixel is
    canvas pixel (`left`, `top`). skia puts texel and pixel centres at +0.5, OpenCV at whole
    coordinates."""
    a, b, c = to_canvas.getScaleX(), to_canvas.getSkewX(), to_canvas.getTranslateX()
    d, e, f = to_canvas.getSkewY(), to_canvas.getScaleY(), to_canvas.getTranslateY()
    shift_x = c + (a + b) / 2 - 0.5 - left
    shift_y = f + (d + e) / 2 - 0.5 - top
    return np.array([[a, b, shift_x], [d, e, shift_y]], np.float64)


def _group_paint(state: LayerState, picture: LayerImage, paint: skia.Paint) -> skia.Paint:
    style = state.layer.style
    if style.shadow_color is not None and not picture.opaque:
        sigma = style.shadow_blur / 2
        drop = skia.ImageFilters.DropShadow(
            style.shadow_x, style.shadow_y, sigma, sigma, color(style.shadow_color)
        )
        paint.setImageFilter(drop)
    return paint


def _draw_overlays(canvas: skia.Canvas, state: LayerState, picture: LayerImage) -> None:
    placement, style, modifier = state.layer.placement, state.layer.style, state.modifier
    content = picture.content
    if placement.color_overlay is not None:
        tint = skia.Paint(Color=color(placement.color_overlay), BlendMode=skia.BlendMode.kSrcATop)
        canvas.drawRect(content, tint)
    if modifier.tint_amount > 0:
        r, g, b = modifier.tint
        dip = skia.Paint(
            Color=color((r, g, b, 255), modifier.tint_amount), BlendMode=skia.BlendMode.kSrcATop
        )
        canvas.drawPaint(dip)
    if style.border_color is not None and style.border_width > 0:
        border = skia.Paint(
            AntiAlias=True, Color=color(style.border_color), Style=skia.Paint.kStroke_Style
        )
        border.setStrokeWidth(style.border_width)
        inset = style.border_width / 2
        rect = skia.Rect.MakeLTRB(
            content.left() + inset,
            content.top() + inset,
            content.right() - inset,
            content.bottom() - inset,
        )
        radius = max(0.0, min(style.border_radius - inset, rect.width() / 2, rect.height() / 2))
        canvas.drawRRect(skia.RRect.MakeRectXY(rect, radius, radius), border)
