"""Token writes: each one is checked against the whole mode (names, aliases, cycles, types)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from framelane.core.ids import new_id
from framelane.db.base import utcnow
from framelane.tokens import aliases
from framelane.tokens.aliases import Entry
from framelane.tokens.errors import InvalidTokenRequest
from framelane.tokens.models import Mode, Token
from framelane.tokens.repository import TokenRepository
from framelane.tokens.schemas import TokenChanges, Unset
from framelane.tokens.values import check_value


def mode_entries(session: Session, mode_id: str) -> dict[str, Entry]:
    rows = TokenRepository.from_session(session).mode_graph(mode_id)
    return {name: Entry(name, token_type, value, alias) for name, token_type, value, alias in rows}


def _checked_entry(name: str, token_type: str, value: Any, alias: str | None) -> Entry:
    aliases.check_name(name)
    if alias is not None:
        return Entry(name, token_type, None, alias)
    if value is None:
        raise InvalidTokenRequest("Value is required unless alias_to is provided")
    check_value(token_type, value)
    return Entry(name, token_type, value, None)


def create_token(session: Session, mode: Mode, changes: TokenChanges) -> Token:
    assert isinstance(changes.name, str) and isinstance(changes.type, str)
    entries = mode_entries(session, mode.id)
    if changes.name in entries:
        raise InvalidTokenRequest(f"A token named '{changes.name}' already exists in this mode")
    alias = changes.alias_to if isinstance(changes.alias_to, str) else None
    entry = _checked_entry(changes.name, changes.type, changes.value, alias)
    aliases.check_mode({**entries, entry.name: entry})
    description = None if isinstance(changes.description, Unset) else changes.description
    token = Token(
        id=new_id("tok"),
        tokenset_id=mode.tokenset_id,
        mode_id=mode.id,
        name=entry.name,
        type=entry.type,
        value=entry.value,
        description=description,
        alias_to=entry.alias_to,
    )
    TokenRepository.from_session(session).add_unique(
        token, f"A token named '{token.name}' already exists in this mode"
    )
    return token


def _next_alias(token: Token, changes: TokenChanges) -> str | None:
    """`alias_to` as sent; otherwise sending a concrete value turns an alias into a value."""
    if not isinstance(changes.alias_to, Unset):
        return changes.alias_to
    if not isinstance(changes.value, Unset) and changes.value is not None:
        return None
    return token.alias_to


def _next_value(token: Token, changes: TokenChanges) -> Any:
    if isinstance(changes.value, Unset):
        return token.value
    return changes.value


def update_token(session: Session, mode: Mode, token: Token, changes: TokenChanges) -> Token:
    name = token.name if isinstance(changes.name, Unset) else changes.name
    token_type = token.type if isinstance(changes.type, Unset) else changes.type
    entries = mode_entries(session, mode.id)
    if name != token.name:
        if name in entries:
            raise InvalidTokenRequest(f"A token named '{name}' already exists in this mode")
        entries = aliases.renamed(entries, token.name, name)
    entry = _checked_entry(
        name, token_type, _next_value(token, changes), _next_alias(token, changes)
    )
    entries[name] = entry
    aliases.check_mode(entries)
    if name != token.name:
        TokenRepository.from_session(session).repoint_aliases(mode.id, token.name, name)
    token.name, token.type, token.value, token.alias_to = (
        name,
        token_type,
        entry.value,
        entry.alias_to,
    )
    if not isinstance(changes.description, Unset):
        token.description = changes.description
    token.updated_at = utcnow()
    return token


def delete_token(session: Session, mode: Mode, token: Token) -> None:
    """Refused while other tokens alias it: deleting it would leave them dangling."""
    referrers = aliases.aliases_of(mode_entries(session, mode.id), token.name)
    if referrers:
        raise InvalidTokenRequest(
            f"Token '{token.name}' is referenced by {', '.join(referrers)}: point those "
            "aliases elsewhere or delete them first"
        )
    TokenRepository.from_session(session).delete(token)


def resolved_value(session: Session, token: Token) -> Any:
    return aliases.resolve(mode_entries(session, token.mode_id), token.name)
