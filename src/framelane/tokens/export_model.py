"""What every export format reads: the tokens of each mode, aliases already followed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from framelane.tokens import aliases
from framelane.tokens.aliases import Entry
from framelane.tokens.models import Mode, Token

TYPOGRAPHY_PARTS = {
    "fontFamily": "fontFamily",
    "fontSize": "fontSize",
    "fontWeight": "fontWeight",
    "lineHeight": "lineHeight",
    "letterSpacing": "letterSpacing",
}


@dataclass(frozen=True, slots=True)
class ExportToken:
    name: str
    type: str
    value: Any
    description: str | None
    alias_to: str | None
    resolved: Any
    """The final value after following aliases (equal to `value` for concrete tokens)."""


@dataclass(frozen=True, slots=True)
class ExportMode:
    name: str
    key: str
    is_default: bool
    tokens: tuple[ExportToken, ...]

    @property
    def title(self) -> str:
        return f"{self.name} Mode"


def export_mode_of(mode: Mode, tokens: Sequence[Token]) -> ExportMode:
    entries = {t.name: Entry(t.name, t.type, t.value, t.alias_to) for t in tokens}
    items = tuple(
        ExportToken(
            t.name, t.type, t.value, t.description, t.alias_to, aliases.resolve(entries, t.name)
        )
        for t in sorted(tokens, key=lambda t: t.name)
    )
    return ExportMode(mode.name, mode.key, mode.is_default, items)


def kebab(part: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", part).lower()


def flatten_typography(
    tokens: Sequence[ExportToken], *, kebab_parts: bool = False
) -> list[ExportToken]:
    """Typography tokens become one token per part (`h1.fontSize`…) for formats without
    composite values (CSS, Android); an alias of a typography aliases each part."""
    flat: list[ExportToken] = []
    for token in tokens:
        if token.type != "typography":
            flat.append(token)
            continue
        for part, part_type in TYPOGRAPHY_PARTS.items():
            if part not in token.resolved:
                continue
            suffix = kebab(part) if kebab_parts else part
            flat.append(
                ExportToken(
                    f"{token.name}.{suffix}",
                    part_type,
                    None if token.alias_to else token.value[part],
                    token.description if part == "fontFamily" else None,
                    f"{token.alias_to}.{suffix}" if token.alias_to else None,
                    token.resolved[part],
                )
            )
    return flat


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tokens"


def nest(tree: dict[str, Any], name: str, leaf: dict[str, Any]) -> None:
    """Put `leaf` at the dotted path `name` (aliases.check_groups keeps paths unambiguous)."""
    *groups, last = name.split(".")
    node = tree
    for group in groups:
        node = node.setdefault(group, {})
    node[last] = leaf
