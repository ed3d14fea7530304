"""`/api/v1/workspaces/{id}/members`: owners and admins form teams (beyond Tokencraft)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from sqlalchemy.orm import Session

from framelane.identity.models import Membership, User
from framelane.kit.web import SessionDep
from framelane.tokens import service
from framelane.tokens.access import (
    JsonBody,
    ReaderDep,
    WorkspaceAccess,
    WorkspaceId,
    WriterDep,
    visible_workspace,
    writable,
)
from framelane.tokens.repository import TokenRepository
from framelane.tokens.schemas import (
    TOKEN_API_ERRORS,
    MemberList,
    MemberOut,
    MessageOut,
    body_doc,
)

router = APIRouter(
    prefix="/api/v1/workspaces/{id}/members", tags=["design tokens"], responses=TOKEN_API_ERRORS
)
UserId = Annotated[str, Path(alias="userId", description="the member's user id")]
ROLE = {"type": "string", "enum": list(service.MEMBER_ROLES)}


def member_out(membership: Membership, user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id, email=user.email, role=membership.role, created_at=membership.created_at
    )


def _member_reader(
    workspace_id: WorkspaceId, caller: ReaderDep, session: SessionDep
) -> WorkspaceAccess:
    access = visible_workspace(session, caller, workspace_id)
    service.check_member_admin(access)
    return access


def _member_writer(
    workspace_id: WorkspaceId, caller: WriterDep, session: SessionDep
) -> WorkspaceAccess:
    access = visible_workspace(session, caller, workspace_id)
    service.check_member_admin(access)
    return writable(access)


MemberReader = Annotated[WorkspaceAccess, Depends(_member_reader)]
MemberWriter = Annotated[WorkspaceAccess, Depends(_member_writer)]


def _listing(session: Session, access: WorkspaceAccess) -> MemberList:
    rows = TokenRepository.from_session(session).members(access.workspace.id)
    return MemberList(members=[member_out(m, u) for m, u in rows], total=len(rows))


@router.get("", response_model=MemberList)
def list_members(access: MemberReader, session: SessionDep) -> MemberList:
    return _listing(session, access)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberOut,
    openapi_extra=body_doc(email={"type": "string"}, role=ROLE),
)
def add_member(access: MemberWriter, session: SessionDep, body: JsonBody) -> MemberOut:
    """Members act on TEAM workspaces by role; an unknown email gets an account to sign in to."""
    return member_out(*service.add_member(session, access, body.get("email"), body.get("role")))


@router.patch("/{userId}", response_model=MemberOut, openapi_extra=body_doc(role=ROLE))
def change_member(
    access: MemberWriter, user_id: UserId, session: SessionDep, body: JsonBody
) -> MemberOut:
    return member_out(*service.change_member_role(session, access, user_id, body.get("role")))


@router.delete("/{userId}", response_model=MessageOut)
def remove_member(access: MemberWriter, user_id: UserId, session: SessionDep) -> MessageOut:
    service.remove_member(session, access, user_id)
    return MessageOut(message="Member removed successfully")
