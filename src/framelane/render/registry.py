"""A registry of named plug-ins (effects, motions, transitions, word animations).

Every entry carries its catalog metadata (`name`, `supported`, `description`, `parameters`), so
the validator and `GET /v1/capabilities` read the same table. Entries not implemented yet are
registered as `supported=False` and rejected by validation with `capability_unsupported`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


@dataclass(frozen=True, slots=True)
class ParamRange:
    """A numeric parameter of a catalog entry with its inclusive range and default."""

    minimum: float
    maximum: float
    default: float
    description: str = ""

    def as_dict(self) -> dict[str, float | str]:
        return {
            "minimum": self.minimum,
            "maximum": self.maximum,
            "default": self.default,
            "description": self.description,
        }


class CatalogEntry(Protocol):
    """What every registered plug-in exposes to the catalog."""

    @property
    def name(self) -> str: ...

    @property
    def supported(self) -> bool: ...

    @property
    def description(self) -> str: ...

    @property
    def parameters(self) -> Mapping[str, ParamRange]: ...


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A catalog name that the renderer knows but does not implement yet."""

    name: str
    description: str
    parameters: Mapping[str, ParamRange] = field(default_factory=dict)
    supported: bool = False


E = TypeVar("E", bound=CatalogEntry)


class Registry(Generic[E]):
    """Spec name → implementation; unknown names are not in it, unsupported ones are flagged."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, E | Unsupported] = {}
        self._aliases: dict[str, str] = {}

    def register(self, entry: E | Unsupported) -> None:
        self._entries[entry.name] = entry

    def alias(self, alias: str, target: str) -> None:
        self._aliases[alias] = target

    def canonical(self, name: str) -> str:
        return self._aliases.get(name, name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.canonical(name) in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def names(self) -> list[str]:
        return [*self._entries, *self._aliases]

    def entry(self, name: str) -> E | Unsupported:
        return self._entries[self.canonical(name)]

    def is_supported(self, name: str) -> bool:
        return name in self and self.entry(name).supported

    def get(self, name: str) -> E:
        """The implementation of a supported entry (validation guarantees it is supported)."""
        entry = self.entry(name)
        if isinstance(entry, Unsupported):
            raise KeyError(f"{self.kind} {name!r} is not supported")
        return entry

    def catalog(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for name, entry in self._entries.items():
            rows.append(_catalog_row(name, entry))
        for alias, target in self._aliases.items():
            row = _catalog_row(alias, self._entries[target])
            row["alias_of"] = target
            rows.append(row)
        return rows


def _catalog_row(name: str, entry: CatalogEntry) -> dict[str, object]:
    return {
        "name": name,
        "supported": entry.supported,
        "description": entry.description,
        "parameters": {k: v.as_dict() for k, v in entry.parameters.items()},
    }
