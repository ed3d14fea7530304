"""A write is committed before its answer starts: a client that reads right after a 2xx sees it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.types import Message, Receive, Scope, Send

from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.identity.models import ApiKey
from tests.fixtures.identity import VerifiedWorkspace


def test_the_new_key_is_committed_when_the_response_starts(
    app: FastAPI, settings: Settings, workspace: VerifiedWorkspace
) -> None:
    seen_at_start: list[list[str]] = []

    def committed_key_names() -> list[str]:
        with session_scope(settings.resolved_database_url) as session:
            rows = session.scalars(select(ApiKey.name).where(ApiKey.workspace_id == workspace.id))
            return list(rows)

    async def watching(scope: Scope, receive: Receive, send: Send) -> None:
        async def spy(message: Message) -> None:
            if message["type"] == "http.response.start" and scope["method"] == "POST":
                seen_at_start.append(committed_key_names())
            await send(message)

        await app(scope, receive, spy)

    client: Any = TestClient(watching)
    answer = client.post("/v1/api-keys", json={"name": "fresh"}, headers=workspace.headers)
    assert answer.status_code == 201
    assert seen_at_start and "fresh" in seen_at_start[0]
