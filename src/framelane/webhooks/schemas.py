"""Webhook request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from framelane.webhooks.events import KNOWN_EVENTS

EVENTS_HELP = (
    f"Event names ({', '.join(KNOWN_EVENTS)}), '*' for every event, or "
    "'<family>.*' (render.*, task.*, asset.*, webhook.*)."
)


class WebhookCreate(BaseModel):
    url: str = Field(
        max_length=2083,
        description="http(s) URL that receives the POSTs",
        examples=["https://example.com/hooks/framelane"],
    )
    events: list[str] = Field(
        min_length=1,
        max_length=50,
        description=EVENTS_HELP,
        examples=[["render.completed", "render.failed"]],
    )
    enabled: bool = True


class WebhookPatch(BaseModel):
    url: str | None = Field(None, max_length=2083)
    events: list[str] | None = Field(None, min_length=1, max_length=50, description=EVENTS_HELP)
    enabled: bool | None = None


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str
    events: list[str]
    enabled: bool
    created_at: datetime
    updated_at: datetime
    last_delivery_at: datetime | None = None


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description="the workspace signing secret (whsec_…), shared by every "
        "endpoint and per-request webhook_url"
    )


class SecretOut(BaseModel):
    secret: str


class DeliveryAttemptOut(BaseModel):
    """One attempt of one delivery; `delivery_id` groups the attempts of an event to a URL."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    delivery_id: str
    webhook_id: str | None
    event_id: str
    event_type: str
    job_id: str | None = Field(None, validation_alias="subject_id")
    attempt_number: int
    status: Literal["pending", "succeeded", "failed", "dead"]
    url: str | None = None
    status_code: int | None = None
    response_body: str | None = Field(None, description="first 4 KiB of the answer")
    error: dict[str, Any] | None = Field(None, description="{code, message} when no 2xx")
    duration_ms: int | None = None
    created_at: datetime
    attempted_at: datetime | None = None
    next_retry_at: datetime | None = Field(None, description="when the next attempt is due")
    due_at: datetime = Field(description="when this attempt is (or was) due")
