"""What a value of each of the 18 types may look like (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from framelane.tokens.errors import InvalidTokenRequest
from framelane.tokens.values import TOKEN_TYPES, check_value, parse_color

VALID: list[tuple[str, Any]] = [
    ("color", "#3b82f6"),
    ("color", "#fff8"),
    ("color", "rgb(59, 130, 246)"),
    ("color", "hsla(210 50% 40% / 0.5)"),
    ("color", "transparent"),
    ("dimension", "16px"),
    ("dimension", 16),
    ("dimension", "1.5rem"),
    ("dimension", "50%"),
    ("fontFamily", "Inter, sans-serif"),
    ("fontFamily", ["Inter", "sans-serif"]),
    ("fontWeight", 700),
    ("fontWeight", "semi-bold"),
    ("fontWeight", "400"),
    ("fontSize", "14px"),
    ("lineHeight", 1.5),
    ("letterSpacing", "-0.02em"),
    ("duration", "200ms"),
    ("duration", "1s"),
    ("duration", 150),
    ("cubicBezier", [0.4, 0, 0.2, 1]),
    ("number", 0.4),
    ("number", "2"),
    ("strokeStyle", "dashed"),
    ("strokeStyle", {"dashArray": ["4px", "2px"], "lineCap": "round"}),
    ("border", {"width": "1px", "style": "solid", "color": "#000"}),
    ("transition", {"duration": "200ms", "delay": "0ms", "timingFunction": [0, 0, 1, 1]}),
    (
        "shadow",
        {
            "offsetX": "0px",
            "offsetY": "4px",
            "blur": "8px",
            "spread": "0px",
            "color": "rgba(0, 0, 0, 0.1)",
        },
    ),
    (
        "shadow",
        [
            {"offsetX": 0, "offsetY": 1, "color": "#000"},
            {"offsetX": 0, "offsetY": 2, "color": "#0003", "inset": True},
        ],
    ),
    ("gradient", [{"color": "#fff", "position": 0}, {"color": "#000", "position": 1}]),
    ("gradient", "linear-gradient(90deg, #fff 0%, #000 100%)"),
    (
        "typography",
        {
            "fontFamily": "Inter",
            "fontSize": "16px",
            "fontWeight": 400,
            "lineHeight": 1.5,
            "letterSpacing": "0px",
        },
    ),
    ("string", "Acme"),
    ("boolean", False),
    ("boolean", "true"),
]
INVALID: list[tuple[str, Any]] = [
    ("color", "#12345"),
    ("color", "rgb(300, 0, 0)"),
    ("color", 123),
    ("color", "red;}"),
    ("dimension", "16 px px"),
    ("dimension", [16]),
    ("fontFamily", []),
    ("fontFamily", ""),
    ("fontWeight", 0),
    ("fontWeight", "heavyish"),
    ("duration", "fast"),
    ("cubicBezier", [2, 0, 0, 1]),
    ("cubicBezier", "ease"),
    ("number", "two"),
    ("strokeStyle", "wavy"),
    ("border", {"width": "1px", "color": "#000"}),
    ("transition", {"delay": "1s"}),
    ("shadow", {"offsetX": 1, "offsetY": 1}),
    ("shadow", {"offsetX": 1, "offsetY": 1, "color": "#000", "glow": 1}),
    ("gradient", "url(javascript:x)"),
    ("gradient", "linear-gradient(red, blue);} a{"),
    ("typography", {"fontSize": "16px"}),
    ("string", 5),
    ("boolean", "yes"),
    ("string", "x" * 10_001),
]


def test_every_type_has_a_valid_example() -> None:
    assert {token_type for token_type, _ in VALID} == set(TOKEN_TYPES)
    assert len(TOKEN_TYPES) == 18


@pytest.mark.parametrize(("token_type", "value"), VALID)
def test_valid_values(token_type: str, value: Any) -> None:
    check_value(token_type, value)


@pytest.mark.parametrize(("token_type", "value"), INVALID)
def test_invalid_values(token_type: str, value: Any) -> None:
    with pytest.raises(InvalidTokenRequest) as refused:
        check_value(token_type, value)
    assert refused.value.status_code == 400
    assert refused.value.message.startswith(("Invalid value for a", "Value must be at most"))


def test_colour_channels() -> None:
    assert parse_color("#3b82f6").hex == "#3b82f6"
    assert parse_color("#fff8").hex == "#ffffff88"
    assert parse_color("rgba(255, 0, 0, 50%)").hex == "#ff000080"
    assert parse_color("hsl(120, 100%, 25%)").hex == "#008000"
