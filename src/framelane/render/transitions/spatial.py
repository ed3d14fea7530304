"""3-D and paper transitions: `cube`, `doorway`, `page_turn` (perspective warps with OpenCV)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from framelane.render.pixels import Pixels
from framelane.render.transitions.pixel import Floats, PixelTransition, mix, u8

CAMERA = 2.5
"""Camera distance in picture widths."""


def _project(points: list[tuple[float, float, float]], w: int, h: int) -> Floats:
    """3-D points (x, y in pixels about the centre, z towards the viewer) → screen pixels."""
    focal = CAMERA * w
    out = [(w / 2 + x * focal / (focal - z), h / 2 + y * focal / (focal - z)) for x, y, z in points]
    return np.array(out, dtype=np.float32)


def _place(image: Pixels, quad: Floats, canvas: Pixels) -> None:
    """Draw `image` warped onto `quad` (tl, tr, br, bl) over `canvas` (premultiplied over)."""
    h, w = image.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    layer = u8(
        cv2.warpPerspective(
            image,
            m,
            (canvas.shape[1], canvas.shape[0]),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0, 0, 0, 0),
        )
    )
    uncovered = 255 - layer[..., 3]
    below = cv2.multiply(canvas, cv2.merge([uncovered] * 4), scale=1 / 255)
    canvas[...] = u8(cv2.add(layer, below))


def _face(w: int, h: int, angle: float, right: bool) -> Floats:
    """Screen quad (tl, tr, br, bl) of a face of a cube of side w turned by `angle` about its
    vertical axis: the front face, or (`right`) the face to its right."""
    half = w / 2
    c, s = math.cos(angle), math.sin(angle)
    corners = []
    for across, py in ((-half, -h / 2), (half, -h / 2), (half, h / 2), (-half, h / 2)):
        x, z = (half, -across) if right else (across, half)
        corners.append((x * c + z * s, py, -x * s + z * c - half))
    return _project(corners, w, h)


def _cube(a: Pixels, b: Pixels, p: float) -> Pixels:
    h, w = a.shape[:2]
    angle = -p * math.pi / 2
    canvas = np.zeros_like(a)
    faces = [(a, _face(w, h, angle, False)), (b, _face(w, h, angle, True))]
    faces.sort(key=lambda face: float(face[1][:, 0].max() - face[1][:, 0].min()))
    for image, quad in faces:
        if float(quad[1, 0] - quad[0, 0]) > 0.5:
            _place(image, quad, canvas)
    return canvas


def _doorway(a: Pixels, b: Pixels, p: float) -> Pixels:
    h, w = a.shape[:2]
    if w < 4 or h < 2:
        return mix(a, b, p)
    canvas = np.zeros_like(a)
    scale = 0.7 + 0.3 * p
    inner = np.array(
        [
            [w * (1 - scale) / 2, h * (1 - scale) / 2],
            [w * (1 + scale) / 2, h * (1 - scale) / 2],
            [w * (1 + scale) / 2, h * (1 + scale) / 2],
            [w * (1 - scale) / 2, h * (1 + scale) / 2],
        ],
        dtype=np.float32,
    )
    _place(b, inner, canvas)
    swing = p * math.pi / 2 * 1.05
    half = w // 2
    for part, side in ((a[:, :half], -1.0), (a[:, half:], 1.0)):
        pw = part.shape[1]
        hinge_x = side * w / 2
        depth = pw * math.sin(swing)
        inner_x = hinge_x - side * pw * math.cos(swing)
        pts = [
            (inner_x, -h / 2, depth),
            (hinge_x, -h / 2, 0.0),
            (hinge_x, h / 2, 0.0),
            (inner_x, h / 2, depth),
        ]
        if side < 0:
            pts = [pts[1], pts[0], pts[3], pts[2]]
        if math.cos(swing) > 0.02:
            _place(np.ascontiguousarray(part), _project(pts, w, h), canvas)
    return canvas


def _page_turn(a: Pixels, b: Pixels, p: float) -> Pixels:
    """The outgoing page folds over from the right edge; its back (mirrored, paler) lies on
    top, the incoming picture shows behind the fold with a soft shadow. The fold is vertical,
    so every step works on whole column bands."""
    w = int(a.shape[1])
    fold = w * (1.0 - p) * 1.02 - w * 0.01
    back_start = min(max(math.ceil(2 * fold - w - 0.5), 0), w)
    fold_col = min(max(math.ceil(fold - 0.5), back_start), w)
    out = np.empty_like(b)
    out[:, :back_start] = a[:, :back_start]
    if fold_col > back_start:
        mirrored = np.clip(np.rint(2 * fold - np.arange(back_start, fold_col) - 1.0), 0, w - 1)
        back = np.ascontiguousarray(a[:, mirrored.astype(np.intp)])
        lift = np.repeat(back[..., 3:4], 4, axis=2)
        paler = u8(cv2.addWeighted(back, 0.75, lift, 0.2, 0.0))
        paler[..., 3] = back[..., 3]
        out[:, back_start:fold_col] = paler
    shade_end = min(w, fold_col + math.ceil(0.08 * w) + 2)
    out[:, shade_end:] = b[:, shade_end:]
    if shade_end > fold_col:
        cols = np.arange(fold_col, shade_end, dtype=np.float32) + 0.5
        shadow = np.clip((cols - fold) / np.float32(0.08 * w + 1), 0.0, 1.0) * 0.5 + 0.5
        band = b[:, fold_col:shade_end].astype(np.float32)
        band[..., :3] *= shadow[None, :, None]
        out[:, fold_col:shade_end] = u8(band + 0.5)
    return out


CUBE = PixelTransition(
    "cube", "Rotate a cube in perspective: the incoming picture is the next face.", _cube
)
DOORWAY = PixelTransition(
    "doorway",
    "The outgoing picture opens like double doors onto the incoming one, which moves forward.",
    _doorway,
)
PAGE_TURN = PixelTransition(
    "page_turn", "The outgoing picture folds over like a page from the right edge.", _page_turn
)
