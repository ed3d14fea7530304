"""Template variables: typed declarations and `{{name}}` references in a render request.

A string that is exactly one reference (`"{{size}}"`) becomes the variable's typed value, so a
number or boolean field can be templated whole; a reference inside longer text
(`"Hi {{name}}!"`) is replaced by the value's text. Values are checked against their declared
type before anything is substituted, and a reference to an undeclared variable is an error:
no placeholder ever reaches the renderer.

Variables resolve before brand tokens, so a variable's value may itself be a token reference
(`"{brand.primary}"`) that the tokens step then resolves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from framelane.core.errors import ValidationFailed

VariableType = Literal["string", "number", "color", "url", "boolean"]
NAME = r"[A-Za-z_][A-Za-z0-9_]{0,63}"
REFERENCE = re.compile(r"\{\{\s*(" + NAME + r")\s*\}\}")
WHOLE = re.compile(r"^\{\{\s*(" + NAME + r")\s*\}\}$")
NAME_PATTERN = re.compile(r"^" + NAME + r"$")
HEX_COLOR = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "off", ""})
# Stand-ins used only to validate a template whose required variables have no default.
SAMPLES: dict[str, Any] = {
    "string": "sample",
    "number": 1,
    "color": "#000000",
    "url": "https://example.com/sample",
    "boolean": False,
}


class VariableDecl(BaseModel):
    """One declared variable; without a `default` it is required at render time."""

    model_config = ConfigDict(extra="forbid")

    type: VariableType = Field(description="string, number, color (#rrggbb[aa]), url, boolean")
    default: str | float | bool | None = Field(
        None, description="Used when a render does not give a value; none = required."
    )
    description: str | None = Field(None, max_length=500, description="For people and agents.")


class VariableProblem(ValueError):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def coerce(decl: VariableDecl, value: Any, *, from_text: bool = False) -> Any:
    """`value` as the declared type; `from_text` (CSV cells) parses numbers and booleans."""
    if decl.type == "number":
        return _number(value, from_text)
    if decl.type == "boolean":
        return _boolean(value, from_text)
    if not isinstance(value, str):
        raise VariableProblem("wrong_type", f"expected a {decl.type} string")
    if decl.type == "color" and not HEX_COLOR.match(value):
        raise VariableProblem("wrong_type", "expected a colour #rrggbb or #rrggbbaa")
    if decl.type == "url" and not _is_url(value):
        raise VariableProblem("wrong_type", "expected an http(s) URL")
    return value


def _number(value: Any, from_text: bool) -> float | int:
    if from_text and isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise VariableProblem("wrong_type", "expected a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise VariableProblem("wrong_type", "expected a number")
    return int(value) if float(value).is_integer() else float(value)


def _boolean(value: Any, from_text: bool) -> bool:
    if from_text and isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    if not isinstance(value, bool):
        raise VariableProblem("wrong_type", "expected true or false")
    return value


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _problem(name: str, kind: str, message: str, row: int | None) -> dict[str, Any]:
    where = f"row {row}: " if row is not None else ""
    problem: dict[str, Any] = {
        "loc": ["variables", name],
        "msg": f"{where}variable {name!r}: {message}",
        "type": kind,
        "variable": name,
    }
    if row is not None:
        problem["row"] = row
    return problem


def check_declarations(variables: Mapping[str, VariableDecl]) -> list[dict[str, Any]]:
    """Problems of the declarations themselves (bad names, defaults of the wrong type)."""
    problems: list[dict[str, Any]] = []
    for name, decl in variables.items():
        if not NAME_PATTERN.match(name):
            problems.append(
                _problem(name, "invalid_name", "names are [A-Za-z_][A-Za-z0-9_]*", None)
            )
        elif decl.default is not None:
            try:
                coerce(decl, decl.default)
            except VariableProblem as exc:
                problems.append(_problem(name, "wrong_type", f"default: {exc}", None))
    return problems


def resolve_values(
    variables: Mapping[str, VariableDecl],
    given: Mapping[str, Any],
    *,
    row: int | None = None,
    from_text: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every variable's value (given, else its default) and the problems, each naming it."""
    values: dict[str, Any] = {}
    problems = [
        _problem(name, "unknown_variable", "not declared by this project", row)
        for name in given
        if name not in variables
    ]
    for name, decl in variables.items():
        if name in given and not (from_text and given[name] == "" and decl.default is not None):
            try:
                values[name] = coerce(decl, given[name], from_text=from_text)
            except VariableProblem as exc:
                problems.append(_problem(name, exc.kind, str(exc), row))
        elif decl.default is not None:
            values[name] = coerce(decl, decl.default)
        else:
            problems.append(_problem(name, "missing_variable", "required (no default)", row))
    return values, problems


def sample_values(variables: Mapping[str, VariableDecl]) -> dict[str, Any]:
    """Defaults, and type-correct stand-ins for required variables (validation only)."""
    return {
        name: coerce(decl, decl.default) if decl.default is not None else SAMPLES[decl.type]
        for name, decl in variables.items()
    }


def references(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str, list[Any]]]:
    """Every `(variable name, JSON path)` referenced anywhere in `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from references(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from references(value, (*path, index))
    elif isinstance(node, str):
        for match in REFERENCE.finditer(node):
            yield match.group(1), list(path)


def text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def substitute(node: Any, values: Mapping[str, Any], *, keep_unknown: bool = False) -> Any:
    """A copy of `node` with every reference replaced; an undeclared name raises 422 (or,
    with `keep_unknown`, stays as written: summaries show required variables that way)."""
    if isinstance(node, dict):
        return {
            key: substitute(value, values, keep_unknown=keep_unknown) for key, value in node.items()
        }
    if isinstance(node, list):
        return [substitute(value, values, keep_unknown=keep_unknown) for value in node]
    if not isinstance(node, str) or "{{" not in node:
        return node
    whole = WHOLE.match(node)
    if whole and (whole.group(1) in values or not keep_unknown):
        return _value(whole.group(1), values)

    def replace(match: re.Match[str]) -> str:
        if keep_unknown and match.group(1) not in values:
            return match.group(0)
        return text_of(_value(match.group(1), values))

    return REFERENCE.sub(replace, node)


def _value(name: str, values: Mapping[str, Any]) -> Any:
    if name not in values:
        raise ValidationFailed(
            f"the template references {{{{{name}}}}}, which is not a declared variable; "
            "declare it with set_variables",
            code="invalid_variables",
            details=[_problem(name, "undeclared_variable", "referenced but not declared", None)],
        )
    return values[name]


def raise_problems(problems: list[dict[str, Any]]) -> None:
    if problems:
        raise ValidationFailed(
            problems[0]["msg"] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            code="invalid_variables",
            details=problems,
        )
