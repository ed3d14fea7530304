"""Easing curves, named as in the spec: progress 0–1 in, eased 0–1 out."""

from __future__ import annotations

from collections.abc import Callable


def linear(p: float) -> float:
    return p


def ease_in(p: float) -> float:
    return p * p * p


def ease_out(p: float) -> float:
    q = 1.0 - p
    return 1.0 - q * q * q


def ease_in_out(p: float) -> float:
    if p < 0.5:
        return 4.0 * p * p * p
    q = -2.0 * p + 2.0
    return 1.0 - q * q * q / 2.0


EASINGS: dict[str, Callable[[float], float]] = {
    "linear": linear,
    "ease_in": ease_in,
    "ease_out": ease_out,
    "ease_in_out": ease_in_out,
}
