"""Webhook fixtures: events published on the test database reach the webhook outbox, as in a
process composed with the webhooks feature (even when a test builds no app)."""

from __future__ import annotations

import pytest

from framelane.core.settings import Settings
from framelane.kit.wiring import Wiring
from framelane.webhooks import feature as webhooks


@pytest.fixture
def settings(settings: Settings) -> Settings:
    Wiring.of([webhooks.feature()]).bind_events(settings.resolved_database_url)
    return settings
