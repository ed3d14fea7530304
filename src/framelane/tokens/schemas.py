"""Request parsing with Tokencraft's exact 400 messages, and the response bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from framelane.tokens.errors import InvalidTokenRequest
from framelane.tokens.values import TOKEN_TYPES


class Unset:
    """Marks a field that a partial update did not send."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()
MAX_NAME = 255
MAX_DESCRIPTION = 2000
TYPE_LIST = ", ".join(TOKEN_TYPES)


def required_name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidTokenRequest("Name is required and must be a non-empty string")
    return _short(name.strip())


def optional_name(body: dict[str, Any]) -> str | Unset:
    if "name" not in body:
        return UNSET
    name = body["name"]
    if not isinstance(name, str) or not name.strip():
        raise InvalidTokenRequest("Name must be a non-empty string")
    return _short(name.strip())


def _short(name: str) -> str:
    if len(name) > MAX_NAME:
        raise InvalidTokenRequest(f"Name must be at most {MAX_NAME} characters")
    return name


def optional_description(body: dict[str, Any]) -> str | Unset | None:
    if "description" not in body:
        return UNSET
    description = body["description"]
    if description is not None and not isinstance(description, str):
        raise InvalidTokenRequest("Description must be a string or null")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidTokenRequest(f"Description must be at most {MAX_DESCRIPTION} characters")
    return description


def unset_to_none(value: str | Unset | None) -> str | None:
    return None if isinstance(value, Unset) else value


def optional_is_default(body: dict[str, Any]) -> bool | Unset:
    if "is_default" not in body:
        return UNSET
    if not isinstance(body["is_default"], bool):
        raise InvalidTokenRequest("is_default must be a boolean")
    return bool(body["is_default"])


def required_type(body: dict[str, Any]) -> str:
    token_type = body.get("type")
    if token_type not in TOKEN_TYPES:
        raise InvalidTokenRequest(f"Type is required and must be one of: {TYPE_LIST}")
    return str(token_type)


def optional_type(body: dict[str, Any]) -> str | Unset:
    if "type" not in body:
        return UNSET
    if body["type"] not in TOKEN_TYPES:
        raise InvalidTokenRequest(f"Type must be one of: {TYPE_LIST}")
    return str(body["type"])


def optional_alias(body: dict[str, Any]) -> str | Unset | None:
    if "alias_to" not in body:
        return UNSET
    alias = body["alias_to"]
    if alias is not None and (not isinstance(alias, str) or not alias.strip()):
        raise InvalidTokenRequest("alias_to must be a token name or null")
    return alias.strip() if isinstance(alias, str) else None


def sent_value(body: dict[str, Any]) -> Any:
    """The `value` field, with `""` and null meaning "no value" (as when making an alias)."""
    if "value" not in body:
        return UNSET
    value = body["value"]
    return None if value == "" else value


@dataclass(frozen=True, slots=True)
class TokenChanges:
    """A token create (every field set) or a partial update (UNSET = keep)."""

    name: str | Unset = UNSET
    type: str | Unset = UNSET
    value: Any = UNSET
    description: str | Unset | None = UNSET
    alias_to: str | Unset | None = UNSET


def token_create(body: dict[str, Any]) -> TokenChanges:
    name = required_name(body)
    token_type = required_type(body)
    alias = optional_alias(body)
    value = sent_value(body)
    if not isinstance(alias, str) and (value is UNSET or value is None):
        raise InvalidTokenRequest("Value is required unless alias_to is provided")
    return TokenChanges(name, token_type, value, optional_description(body), alias)


def token_update(body: dict[str, Any]) -> TokenChanges:
    return TokenChanges(
        optional_name(body),
        optional_type(body),
        sent_value(body),
        optional_description(body),
        optional_alias(body),
    )


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class WorkspaceOut(Out):
    id: str
    name: str
    description: str | None
    user_id: str = Field(description="the owner's user id")
    user_role: str | None = Field(description="owner | admin | editor | viewer: your role")
    is_owner: bool
    created_at: datetime
    updated_at: datetime


class WorkspaceList(BaseModel):
    workspaces: list[WorkspaceOut]
    total: int


class TokensetOut(Out):
    id: str
    workspace_id: str
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class TokensetList(BaseModel):
    tokensets: list[TokensetOut]
    total: int


class ModeOut(Out):
    id: str
    tokenset_id: str
    name: str
    is_default: bool
    created_at: datetime
    updated_at: datetime


class ModeList(BaseModel):
    modes: list[ModeOut]
    total: int


class TokenOut(Out):
    id: str
    tokenset_id: str
    mode_id: str
    name: str
    type: str
    value: Any
    description: str | None
    alias_to: str | None
    created_at: datetime
    updated_at: datetime


class TokenDetail(TokenOut):
    resolved_value: Any = Field(description="the value after following aliases")


class TokenList(BaseModel):
    tokens: list[TokenOut]
    total: int


class ModeSummary(BaseModel):
    id: str
    name: str
    is_default: bool


class ModeTokenList(TokenList):
    mode: ModeSummary


class MemberOut(BaseModel):
    user_id: str
    email: str
    role: str
    created_at: datetime


class MemberList(BaseModel):
    members: list[MemberOut]
    total: int


class MessageOut(BaseModel):
    message: str


class TokenApiError(BaseModel):
    """Every error answer of `/api/v1` (Tokencraft's envelope)."""

    error: str = Field(examples=["Workspace not found"])


TOKEN_API_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": TokenApiError, "description": text}
    for status, text in [
        (400, "invalid request"),
        (401, "Invalid API token"),
        (403, "missing scope, role or plan"),
        (404, "missing or not visible"),
        (429, "Rate limit exceeded. Please try again later."),
    ]
}


def body_doc(**properties: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` documenting a JSON body that the route parses itself."""
    schema = {"type": "object", "properties": properties}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}
