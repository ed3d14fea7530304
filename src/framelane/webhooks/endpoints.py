"""`/v1/webhooks`: endpoints, the workspace signing secret, tests, the delivery log, retries."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import Select
from sqlalchemy.orm import Session

from framelane.identity.auth import AdminWorkspaceDep, WorkspaceDep
from framelane.kit.errors import ERROR_RESPONSES
from framelane.kit.pagination import Page, PageDep, PageParams, paginate
from framelane.kit.web import SessionDep, SettingsDep
from framelane.webhooks import service
from framelane.webhooks.models import WebhookAttempt, WebhookEndpoint
from framelane.webhooks.repository import WebhookRepository
from framelane.webhooks.schemas import (
    DeliveryAttemptOut,
    SecretOut,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPatch,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=ERROR_RESPONSES)


def attempts_page(
    session: Session, stmt: Select[WebhookAttempt], page: PageParams
) -> Page[DeliveryAttemptOut]:
    rows, next_cursor, has_more = paginate(session, stmt, WebhookAttempt.id, page)
    return Page[DeliveryAttemptOut](
        data=[DeliveryAttemptOut.model_validate(row) for row in rows],
        next_cursor=next_cursor,
        has_more=has_more,
    )


def created(endpoint: WebhookEndpoint, secret: str) -> WebhookCreated:
    return WebhookCreated(**WebhookOut.model_validate(endpoint).model_dump(), secret=secret)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookCreated)
def create_webhook(
    body: WebhookCreate, context: AdminWorkspaceDep, session: SessionDep, settings: SettingsDep
) -> WebhookCreated:
    """Register an endpoint; the answer carries the workspace signing secret."""
    endpoint, secret = service.create_endpoint(
        session, settings, context.id, url=body.url, events=body.events, enabled=body.enabled
    )
    return created(endpoint, secret)


@router.get("", response_model=Page[WebhookOut])
def list_webhooks(context: WorkspaceDep, session: SessionDep, page: PageDep) -> Page[WebhookOut]:
    stmt = WebhookRepository.from_session(session).endpoints_statement(context.id)
    rows, next_cursor, has_more = paginate(session, stmt, WebhookEndpoint.id, page)
    return Page[WebhookOut](
        data=[WebhookOut.model_validate(row) for row in rows],
        next_cursor=next_cursor,
        has_more=has_more,
    )


@router.get("/deliveries", response_model=Page[DeliveryAttemptOut])
def list_job_deliveries(
    job_id: str, context: WorkspaceDep, session: SessionDep, page: PageDep
) -> Page[DeliveryAttemptOut]:
    """Every attempt about one job (`?job_id=`), newest first, to every endpoint and to the
    job's own `webhook_url`; a job of another workspace has none."""
    stmt = WebhookRepository.from_session(session).attempts_for_job(context.id, job_id)
    return attempts_page(session, stmt, page)


@router.get("/{webhook_id}", response_model=WebhookOut)
def get_webhook(webhook_id: str, context: WorkspaceDep, session: SessionDep) -> WebhookOut:
    return WebhookOut.model_validate(service.get_endpoint(session, context.id, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookOut)
def update_webhook(
    webhook_id: str,
    body: WebhookPatch,
    context: AdminWorkspaceDep,
    session: SessionDep,
    settings: SettingsDep,
) -> WebhookOut:
    endpoint = service.get_endpoint(session, context.id, webhook_id)
    changes = body.model_dump(exclude_unset=True)
    return WebhookOut.model_validate(service.update_endpoint(session, settings, endpoint, changes))


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: str, context: AdminWorkspaceDep, session: SessionDep) -> Response:
    """Deletes the endpoint with its pending deliveries and delivery log."""
    service.delete_endpoint(session, service.get_endpoint(session, context.id, webhook_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{webhook_id}/test", status_code=status.HTTP_202_ACCEPTED, response_model=DeliveryAttemptOut
)
def test_webhook(
    webhook_id: str, context: AdminWorkspaceDep, session: SessionDep
) -> DeliveryAttemptOut:
    """Queue a `webhook.test` event to this endpoint only; returns its pending attempt."""
    endpoint = service.get_endpoint(session, context.id, webhook_id)
    return DeliveryAttemptOut.model_validate(service.send_test(session, endpoint))


@router.post("/{webhook_id}/rotate-secret", response_model=SecretOut)
def rotate_secret(webhook_id: str, context: AdminWorkspaceDep, session: SessionDep) -> SecretOut:
    """Re-key the whole workspace: every endpoint and every per-request `webhook_url`.

    The old secret stops signing at once, pending retries included; there is no grace period.
    """
    service.get_endpoint(session, context.id, webhook_id)
    return SecretOut(secret=service.rotate_secret(session, context.id))


@router.get("/{webhook_id}/deliveries", response_model=Page[DeliveryAttemptOut])
def list_deliveries(
    webhook_id: str, context: WorkspaceDep, session: SessionDep, page: PageDep
) -> Page[DeliveryAttemptOut]:
    """Every attempt, newest first, including the `pending` next attempt of each delivery."""
    service.get_endpoint(session, context.id, webhook_id)
    stmt = WebhookRepository.from_session(session).attempts_statement(context.id, webhook_id)
    return attempts_page(session, stmt, page)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryAttemptOut,
)
def retry_delivery(
    webhook_id: str, delivery_id: str, context: AdminWorkspaceDep, session: SessionDep
) -> DeliveryAttemptOut:
    """Send a delivery again now (also a `dead` one); returns the pending attempt."""
    endpoint = service.get_endpoint(session, context.id, webhook_id)
    return DeliveryAttemptOut.model_validate(service.retry_delivery(session, endpoint, delivery_id))
