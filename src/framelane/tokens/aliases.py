"""The token graph of one mode: names, aliases, cycles and resolution. Pure functions.

A mode is checked as a whole after every change, so one function guards every write: a token
whose `alias_to` names no token of the same mode (dangling), an alias cycle, an alias between
incompatible types, or a name that is also a group of other names is refused with 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from framelane.tokens.errors import InvalidTokenRequest
from framelane.tokens.values import SIZE_TYPES

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
MAX_ALIAS_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Entry:
    """What the graph needs to know about one token."""

    name: str
    type: str
    value: Any
    alias_to: str | None = None


def check_name(name: str) -> None:
    if len(name) > 255 or not NAME_PATTERN.match(name):
        raise InvalidTokenRequest(
            "Name must use dot notation: letters, digits, '-' or '_' separated by dots "
            "(e.g. colors.primary.500), at most 255 characters"
        )


def compatible(alias_type: str, target_type: str) -> bool:
    """An alias keeps its target's kind of value: same type, or both sizes."""
    return alias_type == target_type or {alias_type, target_type} <= SIZE_TYPES


def alias_chain(entries: Mapping[str, Entry], name: str) -> list[str]:
    """`[name, target, target's target, …]` up to the first concrete token."""
    chain = [name]
    current = entries[name]
    while current.alias_to is not None:
        if current.alias_to in chain:
            cycle = " → ".join([*chain[chain.index(current.alias_to) :], current.alias_to])
            raise InvalidTokenRequest(f"Alias cycle: {cycle}")
        target = entries.get(current.alias_to)
        if target is None:
            raise InvalidTokenRequest(
                f"Token '{current.name}' is an alias of '{current.alias_to}', "
                "which does not exist in this mode"
            )
        chain.append(target.name)
        current = target
        if len(chain) > MAX_ALIAS_DEPTH:
            raise InvalidTokenRequest(
                f"Alias chain from '{name}' is longer than {MAX_ALIAS_DEPTH} tokens"
            )
    return chain


def resolve(entries: Mapping[str, Entry], name: str) -> Any:
    """The final value of `name` after following its aliases."""
    return entries[alias_chain(entries, name)[-1]].value


def check_groups(names: list[str]) -> None:
    """A name cannot be both a token and a group of tokens (`a.b` and `a.b.c`)."""
    groups = {
        ".".join(name.split(".")[:i]) for name in names for i in range(1, name.count(".") + 1)
    }
    for name in sorted(names):
        if name in groups:
            child = next(n for n in sorted(names) if n.startswith(name + "."))
            raise InvalidTokenRequest(
                f"Name '{name}' is also the group of '{child}': a token cannot be a group"
            )


def check_mode(entries: Mapping[str, Entry]) -> None:
    """Every alias lands on an existing, compatible token without a cycle; no group clashes."""
    check_groups(list(entries))
    for entry in entries.values():
        if entry.alias_to is None:
            continue
        target = entries[alias_chain(entries, entry.name)[1]]
        if not compatible(entry.type, target.type):
            raise InvalidTokenRequest(
                f"Token '{entry.name}' ({entry.type}) cannot alias '{target.name}' "
                f"({target.type}): an alias must have its target's type"
            )


def aliases_of(entries: Mapping[str, Entry], name: str) -> list[str]:
    return sorted(e.name for e in entries.values() if e.alias_to == name)


def renamed(entries: Mapping[str, Entry], old: str, new: str) -> dict[str, Entry]:
    """The mode after renaming `old` to `new`: aliases that pointed at `old` follow it."""
    result: dict[str, Entry] = {}
    for entry in entries.values():
        name = new if entry.name == old else entry.name
        alias = new if entry.alias_to == old else entry.alias_to
        result[name] = Entry(name, entry.type, entry.value, alias)
    return result
