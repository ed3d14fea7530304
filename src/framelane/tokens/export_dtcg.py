"""W3C Design Tokens (DTCG 2025.10): `$value`, `$type`, `{a.b}` aliases, structured values.

Types DTCG lacks: fontSize and letterSpacing export as `dimension`, a unitless lineHeight as
`number`; `string`, `boolean`, percentages and CSS gradient strings have no DTCG type, so they
carry no `$type` and keep the Tokencraft type in `$extensions["dev.framelane"].type`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framelane.tokens.export_model import ExportMode, ExportToken, nest
from framelane.tokens.values import (
    font_families,
    parse_boolean,
    parse_color,
    parse_dimension,
    parse_duration_ms,
    parse_font_weight,
    parse_number,
)

EXTENSION = "dev.framelane"
DIRECT = {
    "color",
    "dimension",
    "fontFamily",
    "fontWeight",
    "duration",
    "cubicBezier",
    "number",
    "strokeStyle",
    "border",
    "transition",
    "shadow",
    "gradient",
    "typography",
}


class NoDtcgType(ValueError):
    """Raised when a value has no DTCG representation with a `$type`."""


def color(value: Any) -> dict[str, Any]:
    c = parse_color(value)
    out: dict[str, Any] = {
        "colorSpace": "srgb",
        "components": [round(v, 4) for v in (c.r, c.g, c.b)],
        "hex": c.hex[:7],
    }
    if c.a < 1.0:
        out["alpha"] = round(c.a, 4)
    return out


def dimension(value: Any) -> dict[str, Any]:
    number, unit = parse_dimension(value)
    if unit == "%":
        raise NoDtcgType("percentages have no DTCG dimension unit")
    if unit in ("rem", "em"):
        return {"value": number, "unit": "rem"}
    return {"value": number, "unit": "px"}


def duration(value: Any) -> dict[str, Any]:
    return {"value": parse_duration_ms(value), "unit": "ms"}


def font_weight(value: Any) -> Any:
    if isinstance(value, str) and not value.strip().replace(".", "").isdigit():
        return value.strip().lower()
    return parse_font_weight(value)


def stroke(value: Any) -> Any:
    if isinstance(value, str):
        return value
    return {
        "dashArray": [dimension(d) for d in value["dashArray"]],
        "lineCap": value.get("lineCap", "butt"),
    }


def shadow_layer(layer: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "color": color(layer["color"]),
        "offsetX": dimension(layer["offsetX"]),
        "offsetY": dimension(layer["offsetY"]),
        "blur": dimension(layer.get("blur", 0)),
        "spread": dimension(layer.get("spread", 0)),
    }
    if layer.get("inset") in (True, "true"):
        out["inset"] = True
    return out


def _line_height(value: Any) -> float:
    return parse_dimension(value)[0]


def typography(value: dict[str, Any]) -> dict[str, Any]:
    converters: dict[str, Callable[[Any], Any]] = {
        "fontFamily": font_families,
        "fontSize": dimension,
        "fontWeight": font_weight,
        "letterSpacing": dimension,
        "lineHeight": _line_height,
    }
    return {key: converters[key](part) for key, part in value.items()}


def dtcg_value(token_type: str, value: Any) -> tuple[str, Any]:
    """(`$type`, `$value`) for a concrete value; NoDtcgType when there is none."""
    match token_type:
        case "color":
            return "color", color(value)
        case "dimension" | "fontSize" | "letterSpacing":
            return "dimension", dimension(value)
        case "lineHeight":
            number, unit = parse_dimension(value)
            return ("number", number) if unit == "" else ("dimension", dimension(value))
        case "fontFamily":
            names = font_families(value)
            return "fontFamily", names[0] if len(names) == 1 else names
        case "fontWeight":
            return "fontWeight", font_weight(value)
        case "duration":
            return "duration", duration(value)
        case "cubicBezier":
            return "cubicBezier", [float(v) for v in value]
        case "number":
            return "number", parse_number(value)
        case "strokeStyle":
            return "strokeStyle", stroke(value)
        case "border":
            return "border", {
                "color": color(value["color"]),
                "width": dimension(value["width"]),
                "style": stroke(value["style"]),
            }
        case "transition":
            return "transition", {
                "duration": duration(value["duration"]),
                "delay": duration(value.get("delay", 0)),
                "timingFunction": value.get("timingFunction", [0, 0, 1, 1]),
            }
        case "shadow":
            layers = value if isinstance(value, list) else [value]
            converted = [shadow_layer(layer) for layer in layers]
            return "shadow", converted if isinstance(value, list) else converted[0]
        case "gradient" if isinstance(value, list):
            return "gradient", [
                {"color": color(s["color"]), "position": float(s["position"])} for s in value
            ]
        case "typography":
            return "typography", typography(value)
        case "boolean":
            raise NoDtcgType(str(parse_boolean(value)))
    raise NoDtcgType(token_type)


def dtcg_token(token: ExportToken) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if token.alias_to is not None:
        try:
            out["$type"] = dtcg_value(token.type, token.resolved)[0]
        except NoDtcgType:
            out["$extensions"] = {EXTENSION: {"type": token.type}}
        out["$value"] = f"{{{token.alias_to}}}"
    else:
        out.update(dtcg_concrete(token.type, token.value))
    if token.description:
        out["$description"] = token.description
    return out


def dtcg_concrete(token_type: str, value: Any) -> dict[str, Any]:
    try:
        dtcg_type, dtcg_val = dtcg_value(token_type, value)
    except NoDtcgType:
        return {"$value": value, "$extensions": {EXTENSION: {"type": token_type}}}
    out: dict[str, Any] = {"$type": dtcg_type, "$value": dtcg_val}
    if token_type not in DIRECT or dtcg_type != token_type:
        out["$extensions"] = {EXTENSION: {"type": token_type}}
    return out


def dtcg_mode(mode: ExportMode) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for token in mode.tokens:
        nest(tree, token.name, dtcg_token(token))
    return tree


def _mode_value(token: ExportToken) -> Any:
    if token.alias_to is not None:
        return f"{{{token.alias_to}}}"
    return dtcg_concrete(token.type, token.value)["$value"]


def dtcg_tokenset(modes: list[ExportMode]) -> dict[str, Any]:
    """The default mode's tokens, each with every mode's value under `$extensions.mode`
    (the convention Terrazzo and Tokens Studio read); the root lists the modes."""
    ordered = sorted(modes, key=lambda m: not m.is_default)
    first_seen: dict[str, ExportToken] = {}
    per_mode: dict[str, dict[str, Any]] = {}
    for mode in ordered:
        for token in mode.tokens:
            first_seen.setdefault(token.name, token)
            per_mode.setdefault(token.name, {})[mode.key] = _mode_value(token)
    tree: dict[str, Any] = {
        "$extensions": {
            EXTENSION: {
                "modes": [m.key for m in modes],
                "defaultMode": ordered[0].key if ordered else None,
            }
        }
    }
    for name in sorted(first_seen):
        leaf = dtcg_token(first_seen[name])
        leaf.setdefault("$extensions", {})["mode"] = per_mode[name]
        nest(tree, name, leaf)
    return tree
