"""`GET|PATCH|DELETE /v1/workspace` and `GET /v1/workspace/usage`."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from framelane.core.errors import Forbidden
from framelane.identity.auth import AdminWorkspaceDep, WorkspaceDep
from framelane.identity.schemas import WorkspaceOut
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.web import SessionDep, SettingsDep, WiringDep
from framelane.workspaces import service
from framelane.workspaces.schemas import (
    BillingPortalOut,
    DailyUsageOut,
    UsageOut,
    WorkspacePatch,
)

router = APIRouter(prefix="/v1/workspace", tags=["workspace"], responses=ERROR_RESPONSES)
billing_router = APIRouter(prefix="/v1/billing", tags=["billing"], responses=ERROR_RESPONSES)


@router.get("", response_model=WorkspaceOut)
def get_workspace(context: WorkspaceDep) -> WorkspaceOut:
    return WorkspaceOut.model_validate(context.workspace)


@router.patch("", response_model=WorkspaceOut)
def update_workspace(body: WorkspacePatch, context: AdminWorkspaceDep) -> WorkspaceOut:
    return WorkspaceOut.model_validate(service.rename(context.workspace, body.name))


@router.get("/usage", response_model=UsageOut)
def get_usage(context: WorkspaceDep, session: SessionDep, settings: SettingsDep) -> UsageOut:
    return service.usage(session, settings, context.workspace)


@router.get("/usage/daily", response_model=DailyUsageOut)
def get_daily_usage(context: WorkspaceDep, session: SessionDep) -> DailyUsageOut:
    """This billing period's usage per UTC day, up to today."""
    return service.daily_usage(session, context.workspace)


@billing_router.post("/portal", response_model=BillingPortalOut)
def billing_portal(_context: AdminWorkspaceDep, settings: SettingsDep) -> BillingPortalOut:
    """`{url}`: the operator-configured billing page, or the console's plan page."""
    return service.billing_portal(settings)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
def delete_workspace(
    context: AdminWorkspaceDep, session: SessionDep, settings: SettingsDep, wiring: WiringDep
) -> Response:
    """Irreversible: deletes every row and stored object of this workspace."""
    if context.role != "owner":
        raise Forbidden("Only the workspace owner can delete it.")
    service.delete_workspace(session, settings, context.id, wiring.deletion_hooks)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
