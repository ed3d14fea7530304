"""Value conventions of the spec: dimensions ("50%", "90deg", "90°", 12) and hex colours."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field

_DIMENSION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(%|px|deg|°)?\s*$")
HEX_COLOR_PATTERN = r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"

Rgba = tuple[int, int, int, int]


def _check_dimension(value: float | str) -> float | str:
    if isinstance(value, str) and not _DIMENSION.match(value):
        raise ValueError("expected a number, or a string like '50%', '120px', '90deg' or '90°'")
    return value


Dimension = Annotated[float | str, AfterValidator(_check_dimension)]
"""A pixel number, or a string in %, px, deg or °."""

HexColor = Annotated[str, Field(pattern=HEX_COLOR_PATTERN, examples=["#000000ff"])]

FETCHED_URL_PATTERN = r"^https?://[^\s/@]+/\S*$"
"""What the service fetches: http(s) URLs (our own upload URLs are http(s) too). The CLI also
reads local paths, so this is documented in the schema, not enforced by the model."""

URL_SCHEMA: dict[str, Any] = {"pattern": FETCHED_URL_PATTERN, "format": "uri"}


def _split(value: float | str) -> tuple[float, str]:
    if isinstance(value, int | float):
        return float(value), ""
    match = _DIMENSION.match(value)
    if match is None:
        raise ValueError(f"invalid dimension {value!r}")
    return float(match.group(1)), match.group(2) or ""


def length(value: float | str, reference: float) -> float:
    """Pixels: a number or "px" as is, "%" of `reference`."""
    number, unit = _split(value)
    return number * reference / 100.0 if unit == "%" else number


def angle(value: float | str) -> float:
    """Degrees: a number, "deg" or "°" as is; "%" of a full turn."""
    number, unit = _split(value)
    return number * 3.6 if unit == "%" else number


def factor(value: float | str) -> float:
    """A scale factor: "150%" and 150 both mean 1.5."""
    number, _unit = _split(value)
    return number / 100.0


def rgba(hex_color: str) -> Rgba:
    """'#rrggbb' or '#rrggbbaa' → (r, g, b, a) in 0–255."""
    digits = hex_color.lstrip("#")
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    a = int(digits[6:8], 16) if len(digits) == 8 else 255
    return r, g, b, a
