"""Eye geometry from MediaPipe Face Mesh iris landmarks, and the iris warp that redirects the gaze.

For each eye the target is the centre of the eye opening (where the iris sits when the person
looks into the camera): the contour centroid, re-centred on the nasal bridge for frontal faces
(see `eye_centres`). Both eyes share one shift (they move together), taken from their averaged
offsets, so landmark noise is halved. Each iris is moved by it with a smooth displacement field:
a Gaussian around the target (σ = 1.6 iris radii) times a feathered mask of the eye opening,
applied with `cv2.remap` inside a small box around the eye. The field falls to zero at the lids
and the box border, so nothing outside the eye moves and no seam can show.

Landmarks under-report how far an iris is off-centre on narrow eyes, so the response is measured
with a known probe step (`measure_sensitivity`) and the correction divided by it. On video the
shared shift (in eye widths) goes through a One-Euro filter: landmark noise is damped, real eye
movements are followed quickly. A closing eye fades its correction out.

Limits: this is a 2D iris shift, not a re-rendered eye. Horizontal gaze is corrected well; the
landmarks hardly register vertical iris movement, so a downward look (at a screen under the
camera) is corrected only a little.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Points = NDArray[np.float64]
RGB = NDArray[np.uint8]

RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
LEFT_EYE = (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)
# (contour, iris centre, iris ring, upper lid, lower lid)
EYES = (
    (RIGHT_EYE, 468, (469, 470, 471, 472), 159, 145),
    (LEFT_EYE, 473, (474, 475, 476, 477), 386, 374),
)
NOSE_BRIDGE, NOSE_TIP, RIGHT_CHEEK, LEFT_CHEEK = 168, 1, 234, 454
MAX_FACES = 4
_MAX_YAW_RATIO = 0.25
_MAX_SHIFT = 0.35  # of the eye width
_NOISE = 0.015  # landmark noise of the iris offset, in eye widths
_PROBE = 0.15  # probe step used to measure the landmark response
_MIN_SENSITIVITY = 0.2
_CLOSED, _OPEN = 0.12, 0.22  # lid gap / eye width
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Eye:
    """One eye in pixel coordinates; `centre` is where the iris sits when looking at the camera."""

    contour: Points
    iris: Points
    iris_radius: float
    width: float
    openness: float
    centre: Points

    def offset(self) -> Points:
        """Iris position relative to the centre, in eye widths (0 = looking at the camera)."""
        return np.asarray((self.iris - self.centre) / max(self.width, 1e-6), dtype=np.float64)


def _centroid(contour: Points) -> Points:
    moments = cv2.moments(contour.astype(np.float32))
    if moments["m00"] <= 1e-6:
        return np.asarray(contour.mean(axis=0), dtype=np.float64)
    return np.array([moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]])


def frontal_weight(points: Points) -> float:
    """1 for a frontal face, falling to 0 at about 20° of head yaw (nose tip vs cheek edges)."""
    to_right = float(np.linalg.norm(points[NOSE_TIP] - points[RIGHT_CHEEK]))
    to_left = float(np.linalg.norm(points[NOSE_TIP] - points[LEFT_CHEEK]))
    yaw = abs(to_right - to_left) / max(to_right + to_left, 1e-6)
    return float(np.clip(1.0 - yaw / _MAX_YAW_RATIO, 0.0, 1.0))


def eye_centres(points: Points, right: Points, left: Points) -> tuple[Points, Points]:
    """Centres of both openings, with the common sideways drag of the mesh removed.

    Face Mesh pulls both eye contours along with the irises when the person looks sideways, so
    contour centroids alone under-report the gaze. The two eyes sit symmetrically about the nasal
    bridge (landmark 168, which does not follow the irises), so on a frontal face the pair is
    re-centred on the bridge along the line through both eyes.
    """
    half = (left - right) / 2
    middle = (left + right) / 2
    axis = half / max(float(np.linalg.norm(half)), 1e-6)
    bridge = middle + float(np.dot(points[NOSE_BRIDGE] - middle, axis)) * axis
    correction = (bridge - middle) * frontal_weight(points)
    return right + correction, left + correction


def eyes_from_points(points: Points) -> tuple[Eye, Eye]:
    """Both eyes from the 478 refined face-mesh landmarks (pixels)."""
    centroids = [_centroid(points[list(contour)]) for contour, *_ in EYES]
    centres = eye_centres(points, centroids[0], centroids[1])
    eyes = []
    for (contour, iris, ring, upper, lower), centre in zip(EYES, centres, strict=True):
        width = float(np.linalg.norm(points[contour[0]] - points[contour[8]]))
        radius = float(np.mean(np.linalg.norm(points[list(ring)] - points[iris], axis=1)))
        gap = float(np.linalg.norm(points[upper] - points[lower]))
        openness = gap / max(width, 1e-6)
        eyes.append(Eye(points[list(contour)], points[iris], radius, width, openness, centre))
    return eyes[0], eyes[1]


@functools.cache
def _static_mesh() -> Any:
    import mediapipe as mp

    return mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True,
        max_num_faces=MAX_FACES,
        refine_landmarks=True,
        min_detection_confidence=0.3,
    )


def video_mesh() -> Any:
    """A tracking face mesh for one video (stateful, so one per run)."""
    import mediapipe as mp

    return mp.solutions.face_mesh.FaceMesh(
        static_image_mode=False,
        max_num_faces=MAX_FACES,
        refine_landmarks=True,
        min_detection_confidence=0.3,
        min_tracking_confidence=0.5,
    )


def all_face_points(rgb: RGB, mesh: Any | None = None) -> list[Points]:
    """478 landmarks in pixels for every face found (up to `MAX_FACES`)."""
    if mesh is None:
        with _LOCK:
            result = _static_mesh().process(rgb)
    else:
        result = mesh.process(rgb)
    height, width = rgb.shape[:2]
    return [
        np.array([(p.x * width, p.y * height) for p in face.landmark], dtype=np.float64)
        for face in (result.multi_face_landmarks or [])
    ]


def face_points(rgb: RGB, near: Points | None = None) -> Points | None:
    """Landmarks of the face whose nasal bridge is nearest to `near` (else the first), or None."""
    faces = all_face_points(rgb)
    if not faces:
        return None
    if near is None:
        return faces[0]
    return min(faces, key=lambda face: float(np.linalg.norm(face[NOSE_BRIDGE] - near)))


def gaze_offset(eyes: tuple[Eye, Eye]) -> Points:
    """The measured gaze offset of the face: both eyes' offsets averaged (eye widths).

    Eyes move together (conjugate gaze), so one shared offset halves the landmark noise.
    """
    return np.asarray((eyes[0].offset() + eyes[1].offset()) / 2, dtype=np.float64)


def desired_shift(eyes: tuple[Eye, Eye], intensity: float, sensitivity: float = 1.0) -> Points:
    """Shared displacement (eye widths) bringing the irises `intensity` of the way to the centre.

    `sensitivity` is how much the measured offset changes per unit of real iris movement (see
    `measure_sensitivity`); the measured offset is divided by it. Offsets within landmark noise
    (under 0.015 eye widths) are left alone and the correction ramps in up to 0.045.
    """
    measured = gaze_offset(eyes)
    magnitude = float(np.linalg.norm(measured))
    dead_zone = float(np.clip((magnitude - _NOISE) / (2 * _NOISE), 0.0, 1.0))
    shift = -measured / max(sensitivity, _MIN_SENSITIVITY) * intensity * dead_zone
    length = float(np.linalg.norm(shift))
    if length > _MAX_SHIFT:
        shift *= _MAX_SHIFT / length
    return np.asarray(shift, dtype=np.float64)


def per_eye(eyes: tuple[Eye, Eye], shift: Points) -> tuple[Points, Points]:
    """The shared shift for each eye, faded out as that eye closes (blinks, squints)."""
    factors = [float(np.clip((e.openness - _CLOSED) / (_OPEN - _CLOSED), 0.0, 1.0)) for e in eyes]
    return shift * factors[0], shift * factors[1]


def measure_sensitivity(
    image: RGB, eyes: tuple[Eye, Eye], detect: Callable[[RGB], Points | None]
) -> float | None:
    """How far the measured gaze offset moves per eye width the irises really move.

    Face Mesh ties the eye contour to the iris, so on narrow or occluded eyes the measured offset
    is a compressed version of the real one. Moving both irises by a known probe step toward the
    centre and measuring again gives that ratio (a secant step), which `desired_shift` divides by.
    """
    direction = -gaze_offset(eyes)
    norm = float(np.linalg.norm(direction))
    step = (direction / norm if norm > 1e-3 else np.array([1.0, 0.0])) * _PROBE
    points = detect(redirect(image, eyes, (step, step)))
    if points is None:
        return None
    moved = gaze_offset(eyes_from_points(points)) - gaze_offset(eyes)
    response = float(np.dot(moved, step) / np.dot(step, step))
    return float(np.clip(response, _MIN_SENSITIVITY, 1.0))


def warp_eye(image: RGB, eye: Eye, shift_px: Points) -> None:
    """Move the iris of `eye` by `shift_px` in place, inside the eye opening only."""
    height, width = image.shape[:2]
    pad = math.ceil(2 * eye.iris_radius + float(np.abs(shift_px).max()) + 4)
    x0, y0 = np.floor(eye.contour.min(axis=0)).astype(int) - pad
    x1, y1 = np.ceil(eye.contour.max(axis=0)).astype(int) + pad
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return
    roi = image[y0:y1, x0:x1]
    mask = np.zeros(roi.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(eye.contour - (x0, y0)).astype(np.int32)], 255)
    feather = max(1.0, eye.iris_radius * 0.25)
    soft = cv2.GaussianBlur(mask, (0, 0), feather).astype(np.float32) / 255.0
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    tx, ty = (float(v) for v in eye.iris + shift_px)
    sigma = max(1.0, 1.6 * eye.iris_radius)
    weight = np.exp(-((xx - tx) ** 2 + (yy - ty) ** 2) / (2 * sigma**2)) * soft
    map_x = ((xx - x0) - weight * float(shift_px[0])).astype(np.float32)
    map_y = ((yy - y0) - weight * float(shift_px[1])).astype(np.float32)
    image[y0:y1, x0:x1] = cv2.remap(
        roi, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def redirect(image: RGB, eyes: tuple[Eye, Eye], shifts: tuple[Points, Points]) -> RGB:
    """A copy of `image` with each eye's iris moved by its shift (eye widths)."""
    return redirect_faces(image, [(eyes, shifts)])


def redirect_faces(image: RGB, faces: list[tuple[tuple[Eye, Eye], tuple[Points, Points]]]) -> RGB:
    """A copy of `image` with the irises of every face moved by their shifts (eye widths)."""
    out = image.copy()
    for eyes, shifts in faces:
        for eye, shift in zip(eyes, shifts, strict=True):
            if float(np.abs(shift).max()) * eye.width >= 0.05:
                warp_eye(out, eye, shift * eye.width)
    return out


class OneEuroFilter:
    """Casiez et al.'s One-Euro filter over a small vector: smooth when still, quick when moving."""

    def __init__(
        self, fps: float, min_cutoff: float = 0.8, beta: float = 2.0, d_cutoff: float = 1.0
    ):
        self._dt = 1.0 / max(fps, 1.0)
        self._min_cutoff, self._beta, self._d_cutoff = min_cutoff, beta, d_cutoff
        self._x: Points | None = None
        self._dx: Points | None = None

    def _alpha(self, cutoff: Points | float) -> Points:
        tau = 1.0 / (2 * math.pi * np.asarray(cutoff, dtype=np.float64))
        return np.asarray(1.0 / (1.0 + tau / self._dt), dtype=np.float64)

    def reset(self) -> None:
        """Forget the history (the face was lost)."""
        self._x, self._dx = None, None

    def __call__(self, value: Points) -> Points:
        if self._x is None or self._dx is None:
            self._x, self._dx = value.astype(np.float64), np.zeros_like(value, dtype=np.float64)
            return self._x
        derivative = (value - self._x) / self._dt
        self._dx = self._dx + self._alpha(self._d_cutoff) * (derivative - self._dx)
        cutoff = self._min_cutoff + self._beta * np.abs(self._dx)
        self._x = self._x + self._alpha(cutoff) * (value - self._x)
        return self._x
