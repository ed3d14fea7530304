"""`GET /tokensets/{id}/export` and `/modes/{modeId}/export`: json, css, ios, android, dtcg.

`json` is Tokencraft's nested format (`{"value", "type", "description"}` leaves; a tokenset wraps
modes in `"$modes"`); `dtcg` is the W3C Design Tokens format 2025.10 (`$value`, `$type`,
structured colours and dimensions), with other modes under `$extensions.mode` of each token.
Aliases stay references wherever the format can express them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from framelane.tokens.errors import InvalidTokenRequest
from framelane.tokens.export_android import android_mode, android_tokenset
from framelane.tokens.export_css import css_mode, css_tokenset
from framelane.tokens.export_dtcg import dtcg_mode, dtcg_tokenset
from framelane.tokens.export_model import ExportMode, export_mode_of, nest, slug
from framelane.tokens.export_swift import swift_mode, swift_tokenset
from framelane.tokens.models import Mode, Tokenset
from framelane.tokens.repository import TokenRepository

FORMATS = ("json", "css", "ios", "android", "dtcg")


@dataclass(frozen=True, slots=True)
class Format:
    content_type: str
    extension: str
    one_mode: Callable[[ExportMode], str]
    all_modes: Callable[[list[ExportMode]], str]


@dataclass(frozen=True, slots=True)
class Document:
    body: str
    content_type: str
    filename: str


def json_tree(mode: ExportMode) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for token in mode.tokens:
        leaf: dict[str, Any] = {
            "value": f"{{{token.alias_to}}}" if token.alias_to else token.value,
            "type": token.type,
        }
        if token.description:
            leaf["description"] = token.description
        nest(tree, token.name, leaf)
    return tree


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


FORMAT_TABLE = {
    "json": Format(
        "application/json",
        "json",
        lambda m: _dumps(json_tree(m)),
        lambda ms: _dumps({"$modes": {m.key: json_tree(m) for m in ms}}),
    ),
    "css": Format("text/css", "css", css_mode, css_tokenset),
    "ios": Format("text/plain", "swift", swift_mode, swift_tokenset),
    "android": Format("application/xml", "xml", android_mode, android_tokenset),
    "dtcg": Format(
        "application/design-tokens+json",
        "tokens.json",
        lambda m: _dumps(dtcg_mode(m)),
        lambda ms: _dumps(dtcg_tokenset(ms)),
    ),
}


def format_for(name: str) -> Format:
    found = FORMAT_TABLE.get(name)
    if found is None:
        raise InvalidTokenRequest(f"Invalid format. Must be one of: {', '.join(FORMATS)}")
    return found


def load_mode(session: Session, mode: Mode) -> ExportMode:
    return export_mode_of(mode, TokenRepository.from_session(session).mode_tokens(mode.id))


def export_mode(session: Session, tokenset: Tokenset, mode: Mode, format_name: str) -> Document:
    fmt = format_for(format_name)
    body = fmt.one_mode(load_mode(session, mode))
    return Document(body, fmt.content_type, f"{slug(tokenset.name)}-{mode.key}.{fmt.extension}")


def export_tokenset(session: Session, tokenset: Tokenset, format_name: str) -> Document:
    fmt = format_for(format_name)
    modes = [
        load_mode(session, m) for m in TokenRepository.from_session(session).modes(tokenset.id)
    ]
    return Document(
        fmt.all_modes(modes), fmt.content_type, f"{slug(tokenset.name)}.{fmt.extension}"
    )
