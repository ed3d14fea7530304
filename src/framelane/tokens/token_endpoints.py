"""`/api/v1` tokens and exports (Tokencraft endpoints 11 and 16–22)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from framelane.kit.web import SessionDep
from framelane.tokens import exports, token_service
from framelane.tokens.access import (
    ExportableMode,
    ExportableTokenset,
    JsonBody,
    ModeAccess,
    ReadableMode,
    ReadableTokenset,
    WritableMode,
)
from framelane.tokens.errors import ResourceMissing
from framelane.tokens.models import Token
from framelane.tokens.repository import TokenRepository
from framelane.tokens.schemas import (
    TOKEN_API_ERRORS,
    MessageOut,
    ModeSummary,
    ModeTokenList,
    TokenDetail,
    TokenList,
    TokenOut,
    body_doc,
    token_create,
    token_update,
)
from framelane.tokens.values import TOKEN_TYPES

router = APIRouter(prefix="/api/v1", tags=["design tokens"], responses=TOKEN_API_ERRORS)
TOKEN_BODY = body_doc(
    name={"type": "string", "examples": ["colors.primary.500"]},
    type={"type": "string", "enum": list(TOKEN_TYPES)},
    value={"description": "string, number, array or object, by type; omit for an alias"},
    description={"type": ["string", "null"]},
    alias_to={"type": ["string", "null"], "description": "name of a token of the same mode"},
)
TokenId = Annotated[str, Path(alias="tokenId", description="token id")]
FormatQuery = Annotated[str, Query(description="json | css | ios | android | dtcg")]


def token_in_mode(session: SessionDep, found: ModeAccess, token_id: str) -> Token:
    token = TokenRepository.from_session(session).token(found.mode.id, token_id)
    if token is None:
        raise ResourceMissing("Token not found")
    return token


def _readable_token(found: ReadableMode, token_id: TokenId, session: SessionDep) -> Token:
    return token_in_mode(session, found, token_id)


def _writable_token(found: WritableMode, token_id: TokenId, session: SessionDep) -> Token:
    return token_in_mode(session, found, token_id)


ReadableToken = Annotated[Token, Depends(_readable_token)]
WritableToken = Annotated[Token, Depends(_writable_token)]


@router.get("/tokensets/{id}/tokens", response_model=TokenList)
def list_tokenset_tokens(found: ReadableTokenset, session: SessionDep) -> TokenList:
    """Every token of every mode: one row per (mode, name)."""
    rows = TokenRepository.from_session(session).tokenset_tokens(found.tokenset.id)
    return TokenList(tokens=[TokenOut.model_validate(r) for r in rows], total=len(rows))


@router.get("/tokensets/{id}/modes/{modeId}/tokens", response_model=ModeTokenList)
def list_mode_tokens(found: ReadableMode, session: SessionDep) -> ModeTokenList:
    rows = TokenRepository.from_session(session).mode_tokens(found.mode.id)
    mode = ModeSummary(id=found.mode.id, name=found.mode.name, is_default=found.mode.is_default)
    return ModeTokenList(
        mode=mode, tokens=[TokenOut.model_validate(r) for r in rows], total=len(rows)
    )


@router.post(
    "/tokensets/{id}/modes/{modeId}/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenOut,
    openapi_extra=TOKEN_BODY,
)
def create_token(found: WritableMode, session: SessionDep, body: JsonBody) -> TokenOut:
    token = token_service.create_token(session, found.mode, token_create(body))
    return TokenOut.model_validate(token)


@router.get("/tokensets/{id}/modes/{modeId}/tokens/{tokenId}", response_model=TokenDetail)
def get_token(token: ReadableToken, session: SessionDep) -> TokenDetail:
    return TokenDetail(
        **TokenOut.model_validate(token).model_dump(),
        resolved_value=token_service.resolved_value(session, token),
    )


@router.patch(
    "/tokensets/{id}/modes/{modeId}/tokens/{tokenId}",
    response_model=TokenOut,
    openapi_extra=TOKEN_BODY,
)
def update_token(
    found: WritableMode, token: WritableToken, session: SessionDep, body: JsonBody
) -> TokenOut:
    return TokenOut.model_validate(
        token_service.update_token(session, found.mode, token, token_update(body))
    )


@router.delete("/tokensets/{id}/modes/{modeId}/tokens/{tokenId}", response_model=MessageOut)
def delete_token(found: WritableMode, token: WritableToken, session: SessionDep) -> MessageOut:
    token_service.delete_token(session, found.mode, token)
    return MessageOut(message="Token deleted successfully")


@router.get("/tokensets/{id}/export", response_class=Response)
def export_tokenset(
    found: ExportableTokenset, session: SessionDep, format: FormatQuery = "json"
) -> Response:
    """Every mode, in the chosen format (unknown format → 400)."""
    document = exports.export_tokenset(session, found.tokenset, format)
    return Response(
        document.body,
        media_type=document.content_type,
        headers={"Content-Disposition": f'inline; filename="{document.filename}"'},
    )


@router.get("/tokensets/{id}/modes/{modeId}/export", response_class=Response)
def export_mode(
    found: ExportableMode, session: SessionDep, format: FormatQuery = "json"
) -> Response:
    document = exports.export_mode(session, found.tokenset, found.mode, format)
    return Response(
        document.body,
        media_type=document.content_type,
        headers={"Content-Disposition": f'inline; filename="{document.filename}"'},
    )
