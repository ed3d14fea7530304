"""Mattes: MediaPipe person segmentation, U²-Net-p objects, edge refinement, temporal smoothing.

Models load lazily on first use and stay cached for the life of the process; a lock serialises
calls into each, because the MediaPipe graphs and the ONNX session are shared between threads.
"""

from __future__ import annotations

import functools
import importlib.resources
import threading
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from framelane.tasks.operations.media import as_f32, as_u8

Matte = NDArray[np.float32]
RGBFloat = NDArray[np.float32]
RGB = NDArray[np.uint8]

_LOCK = threading.Lock()
_U2NET_SIZE = 320
_SEGMENT_SIDE = 512
STRIP_PIXELS = 4_000_000  # rows are processed in strips of about this many pixels
_CHANNEL_SUM = np.ones((1, 3), np.float32)
_IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
_IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)


@functools.cache
def _selfie_segmenter(model_selection: int) -> Any:
    import mediapipe as mp

    return mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=model_selection)


@functools.cache
def _face_detector() -> Any:
    import mediapipe as mp

    return mp.solutions.face_detection.FaceDetection(
        model_selection=1, min_detection_confidence=0.5
    )


@functools.cache
def _u2net_session() -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    model = importlib.resources.files("rembg") / "u2netp.onnx"
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


def person_matte(rgb: RGB, landscape: bool = False) -> Matte:
    """Soft, coarse person matte (0–1); bring it to the frame's size with `refine_matte`.

    The model sees 256x256 (144x256 landscape), so big frames are shrunk to `_SEGMENT_SIDE`
    first: MediaPipe then copies and resizes a small image instead of the full frame.
    """
    with _LOCK:
        result = _selfie_segmenter(1 if landscape else 0).process(shrink(rgb, _SEGMENT_SIDE))
    return np.asarray(result.segmentation_mask, dtype=np.float32)


def shrink(rgb: RGB, side: int) -> RGB:
    """`rgb` scaled down (area filter) so its longer side is at most `side`."""
    height, width = rgb.shape[:2]
    scale = side / max(height, width)
    if scale >= 1.0:
        return rgb
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


def general_matte(rgb: RGB) -> Matte:
    """Salient-object matte (0–1) from U²-Net-p at 320x320."""
    small = cv2.resize(rgb, (_U2NET_SIZE, _U2NET_SIZE), interpolation=cv2.INTER_AREA)
    x = small.astype(np.float32) / max(1.0, float(small.max()))
    x = (x - _IMAGENET_MEAN) / _IMAGENET_STD
    batch = np.ascontiguousarray(x.transpose(2, 0, 1)[None])
    with _LOCK:
        session = _u2net_session()
        prediction = session.run(None, {session.get_inputs()[0].name: batch})[0][0, 0]
    low, high = float(prediction.min()), float(prediction.max())
    return as_f32((prediction - low) / max(high - low, 1e-6))


def has_face(rgb: RGB) -> bool:
    """Whether MediaPipe's face detector finds at least one face."""
    with _LOCK:
        result = _face_detector().process(shrink(rgb, 1024))
    return bool(result.detections)


def sharpen_matte(matte: Matte, low: float = 0.3, high: float = 0.7) -> Matte:
    """Smoothstep the soft model output so its 0.5 contour becomes a crisp, clean transition."""
    t = np.clip((matte - low) / (high - low), 0.0, 1.0)
    return as_f32(t * t * (3.0 - 2.0 * t))


def guided_coefficients(guide: RGBFloat, source: Matte, radius: int, eps: float) -> RGBFloat:
    """He et al.'s colour guided filter, as box-averaged coefficients (h, w, 4).

    The filtered matte is `a_r * R + a_g * G + a_b * B + b` with `(a_r, a_g, a_b, b)` the four
    channels returned, so it can be evaluated at another resolution (fast guided filter).
    The 3x3 colour covariance is inverted in closed form, pixel by pixel.
    """
    size = (2 * radius + 1, 2 * radius + 1)

    def box(x: NDArray[np.float32]) -> NDArray[np.float32]:
        return as_f32(cv2.blur(x, size))

    red, green, blue = guide[..., 0], guide[..., 1], guide[..., 2]
    m_r, m_g, m_b, m_p = box(red), box(green), box(blue), box(source)
    c_r = box(red * source) - m_r * m_p
    c_g = box(green * source) - m_g * m_p
    c_b = box(blue * source) - m_b * m_p
    v_rr = box(red * red) - m_r * m_r + eps
    v_rg = box(red * green) - m_r * m_g
    v_rb = box(red * blue) - m_r * m_b
    v_gg = box(green * green) - m_g * m_g + eps
    v_gb = box(green * blue) - m_g * m_b
    v_bb = box(blue * blue) - m_b * m_b + eps
    i_rr, i_rg, i_rb = (
        v_gg * v_bb - v_gb * v_gb,
        v_gb * v_rb - v_rg * v_bb,
        v_rg * v_gb - v_gg * v_rb,
    )
    i_gg, i_gb, i_bb = (
        v_rr * v_bb - v_rb * v_rb,
        v_rb * v_rg - v_rr * v_gb,
        v_rr * v_gg - v_rg * v_rg,
    )
    det = v_rr * i_rr + v_rg * i_rg + v_rb * i_rb
    a_r = (i_rr * c_r + i_rg * c_g + i_rb * c_b) / det
    a_g = (i_rg * c_r + i_gg * c_g + i_gb * c_b) / det
    a_b = (i_rb * c_r + i_gb * c_g + i_bb * c_b) / det
    offset = m_p - a_r * m_r - a_g * m_g - a_b * m_b
    return box(np.dstack([a_r, a_g, a_b, offset]))


def refine_matte(rgb: RGB, matte: Matte, work_side: int = 640) -> Matte:
    """Upsample a coarse matte so its edges follow the image's colour edges (fast guided filter).

    Coefficients are computed at most `work_side` pixels wide, with a window of about three
    model cells (the segmentation models see ~256 px), then applied at full resolution. On the
    known-composite test this cuts the matte error along the outline by about a quarter compared
    with plain upsampling, and edges follow hair and collars instead of the model's grid.
    """
    height, width = rgb.shape[:2]
    scale = min(1.0, work_side / max(height, width))
    small_size = (max(8, round(width * scale)), max(8, round(height * scale)))
    small_rgb = as_f32(cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA)) * (1 / 255)
    small_matte = as_f32(cv2.resize(matte, small_size, interpolation=cv2.INTER_LINEAR))
    radius = max(2, round(3 * max(small_size) / 256))
    coefficients = guided_coefficients(small_rgb, small_matte, radius, 1e-4)
    return apply_coefficients(coefficients, rgb)


def _evaluate(coefficients: RGBFloat, rgb: RGB, resize: Callable[[RGBFloat], RGBFloat]) -> Matte:
    """`a · rgb/255 + b` with the coefficients brought to `rgb`'s size by `resize` (OpenCV ops)."""
    scaled = coefficients.copy()
    scaled[..., :3] *= 1 / 255
    slopes = resize(np.ascontiguousarray(scaled[..., :3]))
    offsets = resize(np.ascontiguousarray(scaled[..., 3]))
    products = cv2.multiply(slopes, rgb, dtype=cv2.CV_32F)
    matte = as_f32(cv2.add(cv2.transform(products, _CHANNEL_SUM), offsets))
    return np.clip(matte, 0.0, 1.0, out=matte)


def apply_coefficients(coefficients: RGBFloat, rgb: RGB) -> Matte:
    """Evaluate guided-filter coefficients at the frame's resolution, in row strips for big frames.

    Upsampling matches `cv2.resize` (pixel centres aligned); strips keep the float temporaries
    of a 36-megapixel still to a few hundred megabytes.
    """
    height, width = rgb.shape[:2]
    if height * width <= STRIP_PIXELS:
        return _evaluate(coefficients, rgb, lambda c: _resize_linear(c, (width, height)))
    small_h, small_w = coefficients.shape[:2]
    xs = (np.arange(width, dtype=np.float32) + 0.5) * (small_w / width) - 0.5
    out = np.empty((height, width), np.float32)
    rows = max(1, STRIP_PIXELS // width)
    for top in range(0, height, rows):
        bottom = min(height, top + rows)
        ys = (np.arange(top, bottom, dtype=np.float32) + 0.5) * (small_h / height) - 0.5
        map_x = np.ascontiguousarray(np.broadcast_to(xs, (bottom - top, width)))
        map_y = np.ascontiguousarray(np.broadcast_to(ys[:, None], (bottom - top, width)))
        resize = functools.partial(_remap_linear, map_x=map_x, map_y=map_y)
        out[top:bottom] = _evaluate(coefficients, rgb[top:bottom], resize)
    return out


def _resize_linear(array: RGBFloat, size: tuple[int, int]) -> RGBFloat:
    return as_f32(cv2.resize(array, size, interpolation=cv2.INTER_LINEAR))


def _remap_linear(
    array: RGBFloat, map_x: NDArray[np.float32], map_y: NDArray[np.float32]
) -> RGBFloat:
    return as_f32(cv2.remap(array, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))


class TemporalMatteSmoother:
    """Motion-adaptive exponential smoothing of successive mattes, so mattes do not flicker.

    Where the new matte differs little from the running one (model noise), it moves slowly;
    where it differs a lot (the person moved), it follows at once.
    """

    def __init__(self, base_weight: float = 0.4, motion_gain: float = 2.5) -> None:
        self._state: Matte | None = None
        self._base = base_weight
        self._gain = motion_gain

    def update(self, matte: Matte) -> Matte:
        """Fold `matte` into the running matte and return the smoothed result."""
        if self._state is None or self._state.shape != matte.shape:
            self._state = matte.copy()
            return self._state
        change = np.abs(matte - self._state)
        weight = np.clip(self._base + self._gain * change, 0.0, 1.0)
        self._state = (self._state + weight * (matte - self._state)).astype(np.float32)
        return self._state


def compose_rgba(rgb: RGB, alpha: Matte, background: tuple[int, int, int, int] | None) -> RGB:
    """Put the matte into an alpha channel, or blend over `background` (RGBA) instead."""
    if background is None:
        rgba = as_u8(cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA))
        rgba[..., 3] = cv2.convertScaleAbs(np.clip(alpha, 0.0, 1.0), alpha=255.0)
        return rgba
    out = np.empty((*rgb.shape[:2], 4), np.uint8)
    rows = max(1, STRIP_PIXELS // rgb.shape[1])
    for top in range(0, rgb.shape[0], rows):
        out[top : top + rows] = _blend(rgb[top : top + rows], alpha[top : top + rows], background)
    return out


def _blend(rgb: RGB, alpha: Matte, background: tuple[int, int, int, int]) -> RGB:
    color = np.array(background[:3], np.float32)
    bg_alpha = background[3] / 255.0
    a = np.clip(alpha, 0.0, 1.0)[..., None]
    out_alpha = a + (1.0 - a) * bg_alpha
    premultiplied = rgb.astype(np.float32) * a + color * (1.0 - a) * bg_alpha
    out_rgb = premultiplied / np.maximum(out_alpha, 1e-6)
    return as_u8(np.clip(np.dstack([out_rgb, out_alpha * 255.0]) + 0.5, 0, 255))
