"""The 18 token types, what a value of each may look like, and parsers shared by the exports.

Values are stored as the client sent them (Tokencraft echoes them back unchanged); this module
only checks that every value can be interpreted, so that every export format and every render
can use it.
"""

from __future__ import annotations

import colorsys
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from framelane.tokens.errors import InvalidTokenRequest

TOKEN_TYPES = (
    "color",
    "dimension",
    "fontFamily",
    "fontWeight",
    "fontSize",
    "lineHeight",
    "letterSpacing",
    "duration",
    "cubicBezier",
    "number",
    "strokeStyle",
    "border",
    "transition",
    "shadow",
    "gradient",
    "typography",
    "string",
    "boolean",
)
COMPOSITE_TYPES = frozenset(
    {"strokeStyle", "border", "transition", "shadow", "gradient", "typography"}
)
SIZE_TYPES = frozenset({"dimension", "fontSize", "letterSpacing"})
REM_PX = 16.0
MAX_VALUE_CHARS = 10_000

_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
_DIMENSION = re.compile(rf"^\s*({_NUMBER})\s*(px|rem|em|%|pt|dp|sp)?\s*$")
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*(ms|s)?\s*$")
_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_CSS_GRADIENT = re.compile(r"^\s*(?:repeating-)?(?:linear|radial|conic)-gradient\([^;{}<>]*\)\s*$")
_FUNC = re.compile(r"^\s*(rgba?|hsla?)\(\s*([^)]*)\)\s*$", re.IGNORECASE)
FONT_WEIGHT_KEYWORDS = {
    "thin": 100,
    "hairline": 100,
    "extra-light": 200,
    "ultra-light": 200,
    "light": 300,
    "normal": 400,
    "regular": 400,
    "book": 400,
    "medium": 500,
    "semi-bold": 600,
    "demi-bold": 600,
    "bold": 700,
    "extra-bold": 800,
    "ultra-bold": 800,
    "black": 900,
    "heavy": 900,
    "extra-black": 950,
    "ultra-black": 950,
}
STROKE_KEYWORDS = frozenset(
    {"solid", "dashed", "dotted", "double", "groove", "ridge", "outset", "inset"}
)


class BadValue(ValueError):
    """Raised inside this module when a value cannot be interpreted as its type."""


@dataclass(frozen=True, slots=True)
class Rgba:
    """A colour with channels in 0–1."""

    r: float
    g: float
    b: float
    a: float = 1.0

    @property
    def hex(self) -> str:
        """`#rrggbb`, or `#rrggbbaa` when not opaque."""
        digits = "".join(f"{round(c * 255):02x}" for c in (self.r, self.g, self.b))
        return f"#{digits}" if self.a >= 1.0 else f"#{digits}{round(self.a * 255):02x}"


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _channel(text: str, scale: float) -> float:
    text = text.strip()
    if text.endswith("%"):
        return float(text[:-1]) / 100.0
    return float(text) / scale


def parse_color(value: Any) -> Rgba:
    """`#rgb[a]`, `#rrggbb[aa]`, `rgb[a](…)`, `hsl[a](…)` or `transparent`."""
    if not isinstance(value, str):
        raise BadValue("a colour must be a string such as '#3b82f6'")
    text = value.strip()
    if text.lower() == "transparent":
        return Rgba(0, 0, 0, 0)
    match = _HEX.match(text)
    if match:
        digits = match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        channels = [int(digits[i : i + 2], 16) / 255.0 for i in range(0, len(digits), 2)]
        return Rgba(*channels)
    return _parse_color_function(text)


def _parse_color_function(text: str) -> Rgba:
    match = _FUNC.match(text)
    if not match:
        raise BadValue(f"{text!r} is not a colour (use #rrggbb, rgb(), rgba(), hsl() or hsla())")
    name, args = match.group(1).lower(), re.split(r"[\s,/]+", match.group(2).strip())
    if len(args) not in (3, 4):
        raise BadValue(f"{text!r} needs 3 or 4 components")
    try:
        alpha = _channel(args[3], 1.0) if len(args) == 4 else 1.0
        if name.startswith("rgb"):
            r, g, b = (_channel(part, 255.0) for part in args[:3])
        else:
            hue = float(args[0].removesuffix("deg")) / 360.0 % 1.0
            r, g, b = colorsys.hls_to_rgb(hue, _channel(args[2], 100), _channel(args[1], 100))
    except ValueError as exc:
        raise BadValue(f"{text!r} has a component that is not a number") from exc
    channels = (r, g, b, alpha)
    if not all(0.0 <= c <= 1.0 for c in channels):
        raise BadValue(f"{text!r} has a component out of range")
    return Rgba(*channels)


def parse_dimension(value: Any) -> tuple[float, str]:
    """A number (pixels) or `"<n>px|rem|em|%|pt|dp|sp"` → (number, unit); unit "" for numbers."""
    if is_number(value):
        return float(value), ""
    if isinstance(value, str):
        match = _DIMENSION.match(value)
        if match:
            return float(match.group(1)), match.group(2) or ""
    raise BadValue("a size must be a number or a string such as '16px' or '1.5rem'")


def dimension_px(value: Any) -> float | None:
    """Pixels for px, rem/em (×16), pt and dp/sp; None for percentages."""
    number, unit = parse_dimension(value)
    if unit == "%":
        return None
    return number * REM_PX if unit in ("rem", "em") else number


def parse_duration_ms(value: Any) -> float:
    """`"200ms"`, `"1.5s"`, or a number of milliseconds → milliseconds."""
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            number = float(match.group(1))
            return number * 1000.0 if match.group(2) == "s" else number
    raise BadValue("a duration must be a number of milliseconds or a string like '200ms' or '1s'")


def parse_number(value: Any) -> float:
    if is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise BadValue("expected a number")


def parse_font_weight(value: Any) -> float:
    if isinstance(value, str) and value.strip().lower() in FONT_WEIGHT_KEYWORDS:
        return float(FONT_WEIGHT_KEYWORDS[value.strip().lower()])
    weight = parse_number(value)
    if not 1 <= weight <= 1000:
        raise BadValue("a font weight must be between 1 and 1000 or a keyword such as 'bold'")
    return weight


def font_families(value: Any) -> list[str]:
    if isinstance(value, str) and value.strip():
        return [part.strip().strip("'\"") for part in value.split(",") if part.strip()]
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return [str(v) for v in value]
    raise BadValue("a font family must be a name or a non-empty list of names")


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise BadValue("expected true or false")


def _cubic_bezier(value: Any) -> list[float]:
    if not isinstance(value, list) or len(value) != 4 or not all(is_number(v) for v in value):
        raise BadValue("a cubic bezier is an array of 4 numbers such as [0, 0, 0.2, 1]")
    if not (0 <= value[0] <= 1 and 0 <= value[2] <= 1):
        raise BadValue("the x coordinates of a cubic bezier must be between 0 and 1")
    return [float(v) for v in value]


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue("expected a string")
    return value


def _object(value: Any, parts: dict[str, Callable[[Any], Any]], required: set[str]) -> None:
    if not isinstance(value, dict):
        raise BadValue(f"expected an object with {', '.join(sorted(parts))}")
    unknown = sorted(set(value) - set(parts))
    missing = sorted(required - set(value))
    if unknown or missing:
        raise BadValue(
            f"expected an object with {', '.join(sorted(parts))}"
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
            + (f"; missing {', '.join(missing)}" if missing else "")
        )
    for key, check in parts.items():
        if key in value:
            try:
                check(value[key])
            except BadValue as exc:
                raise BadValue(f"{key}: {exc}") from exc


def _stroke_style(value: Any) -> None:
    if isinstance(value, str):
        if value not in STROKE_KEYWORDS:
            raise BadValue(f"a stroke style is one of {', '.join(sorted(STROKE_KEYWORDS))}")
        return
    _object(value, {"dashArray": _dash_array, "lineCap": _string}, {"dashArray"})


def _dash_array(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise BadValue("a dash array is a non-empty list of sizes")
    for part in value:
        parse_dimension(part)


def _shadow_layer(value: Any) -> None:
    _object(
        value,
        {
            "offsetX": parse_dimension,
            "offsetY": parse_dimension,
            "blur": parse_dimension,
            "spread": parse_dimension,
            "color": parse_color,
            "inset": parse_boolean,
        },
        {"offsetX", "offsetY", "color"},
    )


def _shadow(value: Any) -> None:
    layers = value if isinstance(value, list) and value else [value]
    for layer in layers:
        _shadow_layer(layer)


def _gradient(value: Any) -> None:
    if isinstance(value, str) and _CSS_GRADIENT.match(value):
        return
    if not isinstance(value, list) or not value:
        raise BadValue("a gradient is a list of {color, position} stops or a CSS gradient")
    for stop in value:
        _object(stop, {"color": parse_color, "position": parse_number}, {"color", "position"})


CHECKS: dict[str, Callable[[Any], Any]] = {
    "color": parse_color,
    "dimension": parse_dimension,
    "fontSize": parse_dimension,
    "letterSpacing": parse_dimension,
    "lineHeight": parse_dimension,
    "fontFamily": font_families,
    "fontWeight": parse_font_weight,
    "duration": parse_duration_ms,
    "cubicBezier": _cubic_bezier,
    "number": parse_number,
    "string": _string,
    "boolean": parse_boolean,
    "strokeStyle": _stroke_style,
    "border": lambda v: _object(
        v,
        {"width": parse_dimension, "style": _stroke_style, "color": parse_color},
        {"width", "style", "color"},
    ),
    "transition": lambda v: _object(
        v,
        {
            "duration": parse_duration_ms,
            "delay": parse_duration_ms,
            "timingFunction": _cubic_bezier,
        },
        {"duration"},
    ),
    "shadow": _shadow,
    "gradient": _gradient,
    "typography": lambda v: _object(
        v,
        {
            "fontFamily": font_families,
            "fontSize": parse_dimension,
            "fontWeight": parse_font_weight,
            "lineHeight": parse_dimension,
            "letterSpacing": parse_dimension,
        },
        {"fontFamily"},
    ),
}


def check_value(token_type: str, value: Any) -> None:
    """400 with a precise message when `value` is not a valid `token_type` value."""
    if len(json.dumps(value)) > MAX_VALUE_CHARS:
        raise InvalidTokenRequest(f"Value must be at most {MAX_VALUE_CHARS} characters as JSON")
    try:
        CHECKS[token_type](value)
    except BadValue as exc:
        raise InvalidTokenRequest(f"Invalid value for a {token_type} token: {exc}") from exc
