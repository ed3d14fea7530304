"""`/api/v1` workspaces, tokensets and modes (Tokencraft endpoints 1–15)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from framelane.kit.web import SessionDep, SettingsDep, WiringDep
from framelane.tokens import service
from framelane.tokens.access import (
    Caller,
    JsonBody,
    ReadableMode,
    ReadableTokenset,
    ReadableWorkspace,
    ReaderDep,
    WorkspaceAccess,
    WritableMode,
    WritableTokenset,
    WritableWorkspace,
    WriterDep,
    effective_role,
)
from framelane.tokens.repository import TokenRepository
from framelane.tokens.schemas import (
    TOKEN_API_ERRORS,
    MessageOut,
    ModeList,
    ModeOut,
    TokensetList,
    TokensetOut,
    WorkspaceList,
    WorkspaceOut,
    body_doc,
    optional_description,
    optional_is_default,
    optional_name,
    required_name,
    unset_to_none,
)

router = APIRouter(prefix="/api/v1", tags=["design tokens"], responses=TOKEN_API_ERRORS)
NAME = {"type": "string", "maxLength": 255}
DESCRIPTION = {"type": ["string", "null"]}
IS_DEFAULT = {"type": "boolean"}


def workspace_out(access: WorkspaceAccess) -> WorkspaceOut:
    workspace = access.workspace
    return WorkspaceOut(
        id=workspace.id,
        name=workspace.name,
        description=workspace.description,
        user_id=workspace.owner_user_id,
        user_role=access.role,
        is_owner=access.is_owner,
        created_at=workspace.created_at,
        updated_at=workspace.updated_at,
    )


def workspace_creator(caller: WriterDep, session: SessionDep) -> Caller:
    service.check_can_create_workspace(session, caller)
    return caller


# workspaces


@router.get("/workspaces", response_model=WorkspaceList)
def list_workspaces(caller: ReaderDep, session: SessionDep) -> WorkspaceList:
    """The caller's own workspaces plus TEAM workspaces they are a member of."""
    rows = TokenRepository.from_session(session).visible_workspaces(caller.user.id)
    items = [
        workspace_out(
            WorkspaceAccess(
                ws, caller, "", effective_role(ws.owner_user_id == caller.user.id, role)
            )
        )
        for ws, role in rows
    ]
    return WorkspaceList(workspaces=items, total=len(items))


@router.post(
    "/workspaces",
    status_code=status.HTTP_201_CREATED,
    response_model=WorkspaceOut,
    openapi_extra=body_doc(name=NAME, description=DESCRIPTION),
)
def create_workspace(
    caller: Annotated[Caller, Depends(workspace_creator)], session: SessionDep, body: JsonBody
) -> WorkspaceOut:
    name, description = required_name(body), optional_description(body)
    access = service.create_workspace(session, caller, name, unset_to_none(description))
    return workspace_out(access)


@router.get("/workspaces/{id}", response_model=WorkspaceOut)
def get_workspace(access: ReadableWorkspace) -> WorkspaceOut:
    return workspace_out(access)


@router.patch(
    "/workspaces/{id}",
    response_model=WorkspaceOut,
    openapi_extra=body_doc(name=NAME, description=DESCRIPTION),
)
def update_workspace(access: WritableWorkspace, body: JsonBody) -> WorkspaceOut:
    service.update_workspace(access, optional_name(body), optional_description(body))
    return workspace_out(access)


@router.delete("/workspaces/{id}", response_model=MessageOut)
def delete_workspace(
    access: WritableWorkspace, session: SessionDep, settings: SettingsDep, wiring: WiringDep
) -> MessageOut:
    """Irreversible: tokensets, modes, tokens and every video job, file and key go too."""
    service.delete_workspace(session, settings, access, wiring.deletion_hooks)
    return MessageOut(message="Workspace deleted successfully")


# tokensets


@router.get("/workspaces/{id}/tokensets", response_model=TokensetList)
def list_tokensets(access: ReadableWorkspace, session: SessionDep) -> TokensetList:
    rows = TokenRepository.from_session(session).tokensets(access.workspace.id)
    return TokensetList(tokensets=[TokensetOut.model_validate(r) for r in rows], total=len(rows))


@router.post(
    "/workspaces/{id}/tokensets",
    status_code=status.HTTP_201_CREATED,
    response_model=TokensetOut,
    openapi_extra=body_doc(name=NAME, description=DESCRIPTION),
)
def create_tokenset(access: WritableWorkspace, session: SessionDep, body: JsonBody) -> TokensetOut:
    """Creates the tokenset with a default mode named "Base"."""
    name, description = required_name(body), optional_description(body)
    tokenset = service.create_tokenset(
        session, access.workspace.id, name, unset_to_none(description)
    )
    return TokensetOut.model_validate(tokenset)


@router.get("/tokensets/{id}", response_model=TokensetOut)
def get_tokenset(found: ReadableTokenset) -> TokensetOut:
    return TokensetOut.model_validate(found.tokenset)


@router.patch(
    "/tokensets/{id}",
    response_model=TokensetOut,
    openapi_extra=body_doc(name=NAME, description=DESCRIPTION),
)
def update_tokenset(found: WritableTokenset, session: SessionDep, body: JsonBody) -> TokensetOut:
    tokenset = service.update_tokenset(
        session, found.tokenset, optional_name(body), optional_description(body)
    )
    return TokensetOut.model_validate(tokenset)


@router.delete("/tokensets/{id}", response_model=MessageOut)
def delete_tokenset(found: WritableTokenset, session: SessionDep) -> MessageOut:
    service.delete_tokenset(session, found.tokenset)
    return MessageOut(message="Tokenset deleted successfully")


# modes


@router.get("/tokensets/{id}/modes", response_model=ModeList)
def list_modes(found: ReadableTokenset, session: SessionDep) -> ModeList:
    rows = TokenRepository.from_session(session).modes(found.tokenset.id)
    return ModeList(modes=[ModeOut.model_validate(r) for r in rows], total=len(rows))


@router.post(
    "/tokensets/{id}/modes",
    status_code=status.HTTP_201_CREATED,
    response_model=ModeOut,
    openapi_extra=body_doc(name=NAME, is_default=IS_DEFAULT),
)
def create_mode(found: WritableTokenset, session: SessionDep, body: JsonBody) -> ModeOut:
    """The new mode starts as a copy of the default mode's tokens."""
    name, is_default = required_name(body), optional_is_default(body)
    mode = service.create_mode(session, found.tokenset, name, is_default is True)
    return ModeOut.model_validate(mode)


@router.get("/tokensets/{id}/modes/{modeId}", response_model=ModeOut)
def get_mode(found: ReadableMode) -> ModeOut:
    """One mode (REST twin of Tokencraft's MCP `get_mode`; not in its REST docs)."""
    return ModeOut.model_validate(found.mode)


@router.patch(
    "/tokensets/{id}/modes/{modeId}",
    response_model=ModeOut,
    openapi_extra=body_doc(name=NAME, is_default=IS_DEFAULT),
)
def update_mode(found: WritableMode, session: SessionDep, body: JsonBody) -> ModeOut:
    mode = service.update_mode(session, found.mode, optional_name(body), optional_is_default(body))
    return ModeOut.model_validate(mode)


@router.delete("/tokensets/{id}/modes/{modeId}", response_model=MessageOut)
def delete_mode(found: WritableMode, session: SessionDep) -> MessageOut:
    service.delete_mode(session, found.mode)
    return MessageOut(message="Mode deleted successfully")
