"""Brand tokens inside renders: `"tokens": {"tokenset_id", "mode"}` on `POST /v1/renders` and
`POST /v1/preview` replaces every string written exactly `"{a.b.c}"` with that token's resolved
value in the chosen mode, before validation.

Values come out in the render spec's units: colours `#rrggbb[aa]`, font families the first
family name, sizes pixels (rem × 16; percentages stay `"50%"`), durations seconds, font weights
integers. Only whole strings are references: `"Hello {brand.name}"` is left as written, so text
may contain braces. A typography part is reachable as `{typography.h1.fontSize}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from framelane.core.errors import NotFound, ValidationFailed
from framelane.kit.context import WorkspaceContext
from framelane.tokens import aliases
from framelane.tokens.aliases import Entry
from framelane.tokens.errors import TokenModeNotFound, TokenNotFound, TokenNotRenderable
from framelane.tokens.models import Mode
from framelane.tokens.repository import TokenRepository
from framelane.tokens.service import mode_key
from framelane.tokens.token_service import mode_entries
from framelane.tokens.values import (
    COMPOSITE_TYPES,
    dimension_px,
    font_families,
    parse_boolean,
    parse_color,
    parse_dimension,
    parse_duration_ms,
    parse_font_weight,
    parse_number,
)

REFERENCE = re.compile(r"^\{([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\}$")
TYPOGRAPHY_PARTS = ("fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing")

Lookup = Callable[[str], Any]


def _whole_number(number: float) -> float | int:
    return int(number) if number.is_integer() else number


def render_value(token_type: str, value: Any) -> Any:
    """A resolved token value in the units of the render spec."""
    match token_type:
        case "color":
            return parse_color(value).hex
        case "dimension" | "fontSize" | "letterSpacing":
            px = dimension_px(value)
            return f"{parse_dimension(value)[0]:g}%" if px is None else _whole_number(px)
        case "lineHeight":
            number, unit = parse_dimension(value)
            if unit == "%":
                return number / 100.0
            return _whole_number(number if unit == "" else dimension_px(value) or number)
        case "fontFamily":
            return font_families(value)[0]
        case "fontWeight":
            return int(parse_font_weight(value))
        case "duration":
            return parse_duration_ms(value) / 1000.0
        case "number":
            return _whole_number(parse_number(value))
        case "boolean":
            return parse_boolean(value)
        case "cubicBezier":
            return [float(v) for v in value]
    return value


def substitute(node: Any, lookup: Lookup) -> Any:
    """A copy of `node` with every `"{a.b}"` string replaced by `lookup("a.b")`. Pure."""
    if isinstance(node, dict):
        return {key: substitute(value, lookup) for key, value in node.items()}
    if isinstance(node, list):
        return [substitute(value, lookup) for value in node]
    if isinstance(node, str):
        match = REFERENCE.match(node)
        if match:
            return lookup(match.group(1))
    return node


def lookup_for(entries: Mapping[str, Entry], mode_name: str) -> Lookup:
    """Resolves names in one mode's tokens; typography parts by `<token>.<part>`."""

    def lookup(name: str) -> Any:
        if name in entries:
            target = entries[aliases.alias_chain(entries, name)[-1]]
            if target.type in COMPOSITE_TYPES:
                raise TokenNotRenderable(
                    f"Token '{name}' is a {target.type}; reference one of its parts or a "
                    "single-value token instead.",
                    details={"token": name},
                )
            return render_value(target.type, target.value)
        parent, _, part = name.rpartition(".")
        if parent in entries and part in TYPOGRAPHY_PARTS:
            target = entries[aliases.alias_chain(entries, parent)[-1]]
            if target.type == "typography" and part in target.value:
                return render_value(part, target.value[part])
        raise TokenNotFound(
            f"Token '{name}' is not defined in mode '{mode_name}'.",
            details={"token": name, "mode": mode_name},
        )

    return lookup


def choose_mode(modes: list[Mode], wanted: Any) -> Mode:
    """By id, name or export key; the default mode when none is given."""
    if wanted is None:
        return next((m for m in modes if m.is_default), modes[0])
    if isinstance(wanted, str):
        for mode in modes:
            if wanted in (mode.id, mode.name) or mode_key(wanted) == mode.key:
                return mode
    raise TokenModeNotFound(
        f"The tokenset has no mode {wanted!r}.",
        details={"available_modes": [m.name for m in modes]},
    )


def brand_tokens(session: Session, ctx: WorkspaceContext, body: dict[str, Any]) -> dict[str, Any]:
    """The render preprocessor: a no-op for bodies without `tokens`."""
    if "tokens" not in body:
        return body
    choice = body["tokens"]
    if not isinstance(choice, dict) or not isinstance(choice.get("tokenset_id"), str):
        raise ValidationFailed(
            "`tokens` must be an object with `tokenset_id` and optional `mode`.",
            details=[{"loc": ["tokens"], "msg": "invalid", "type": "value_error"}],
        )
    repo = TokenRepository.from_session(session)
    tokenset = repo.tokenset(choice["tokenset_id"])
    if tokenset is None or tokenset.workspace_id != ctx.workspace.id:
        raise NotFound("Tokenset not found.")
    mode = choose_mode(list(repo.modes(tokenset.id)), choice.get("mode"))
    rest = {key: value for key, value in body.items() if key != "tokens"}
    result: dict[str, Any] = substitute(rest, lookup_for(mode_entries(session, mode.id), mode.name))
    return result
