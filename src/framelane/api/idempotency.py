"""`Idempotency-Key` on every POST, implemented once as ASGI middleware.

Per workspace (or user / client IP when there is none), kept 24 h. The same key with the same
body replays the original 2xx answer with status 200 and `Idempotent-Replayed: true`; a different
body is 409 `idempotency_conflict`. Concurrent requests with one key: the first inserts the
record (primary key), the others wait for its answer and replay it. Non-2xx answers are not
kept, so a corrected retry with the same key can still succeed.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import timedelta

import anyio
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framelane.api.middleware import PayloadTooLarge, client_ip, header, send_error
from framelane.db.base import utcnow
from framelane.identity.auth import SESSION_COOKIE
from framelane.identity.keys import hash_secret
from framelane.identity.models import ApiKey, ConsoleSession, IdempotencyRecord

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
RETENTION = timedelta(hours=24)
WAIT_FOR_PEER_SECONDS = 30.0
REPLAY_HEADERS = {"content-type", "location"}


@dataclass(frozen=True, slots=True)
class Owner:
    scope: str
    workspace_id: str | None


def resolve_owner(session: Session, scope: Scope) -> Owner:
    auth = header(scope, b"authorization")
    if auth and " " in auth:
        key = session.scalar(
            select(ApiKey).where(ApiKey.key_hash == hash_secret(auth.split(" ", 1)[1].strip()))
        )
        if key is not None and key.workspace_id:
            return Owner(f"ws:{key.workspace_id}", key.workspace_id)
        if key is not None and key.user_id:
            return Owner(f"usr:{key.user_id}", None)
        return Owner(f"tok:{hash_secret(auth)[:40]}", None)
    cookie = header(scope, b"cookie") or ""
    match = re.search(rf"{SESSION_COOKIE}=([^;\s]+)", cookie)
    if match:
        record = session.scalar(
            select(ConsoleSession).where(ConsoleSession.token_hash == hash_secret(match.group(1)))
        )
        if record is not None:
            workspace = header(scope, b"framelane-workspace") or ""
            return Owner(f"usr:{record.user_id}:{workspace}"[:64], None)
    return Owner(f"ip:{client_ip(scope)}", None)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, sessions: sessionmaker[Session]) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        if not KEY_PATTERN.match(key):
            await send_error(
                send,
                scope,
                400,
                "invalid_request",
                "Idempotency-Key must be 1–255 printable ASCII characters.",
            )
            return
        try:
            body = await read_body(receive)
        except PayloadTooLarge as exc:
            await send_error(send, scope, 413, exc.code, exc.message)
            return
        fingerprint = hashlib.sha256(
            scope["method"].encode() + b" " + scope["path"].encode() + b"\n" + body
        ).hexdigest()
        claim = await anyio.to_thread.run_sync(self._claim, scope, key, fingerprint)
        if isinstance(claim, IdempotencyRecord):
            await self._answer_from_record(scope, send, claim, fingerprint)
            return
        await self._run_and_store(scope, send, body, claim, key)

    def _claim(self, scope: Scope, key: str, fingerprint: str) -> Owner | IdempotencyRecord:
        """Insert our in-progress record, or return the existing one (waiting if in progress)."""
        deadline = time.monotonic() + WAIT_FOR_PEER_SECONDS
        with self.sessions() as session:
            owner = resolve_owner(session, scope)
        while True:
            with self.sessions() as session:
                session.execute(
                    delete(IdempotencyRecord).where(
                        IdempotencyRecord.scope == owner.scope,
                        IdempotencyRecord.key == key,
                        IdempotencyRecord.created_at < utcnow() - RETENTION,
                    )
                )
                session.add(
                    IdempotencyRecord(
                        scope=owner.scope,
                        key=key,
                        request_hash=fingerprint,
                        workspace_id=owner.workspace_id,
                    )
                )
                try:
                    session.commit()
                    return owner
                except IntegrityError:
                    session.rollback()
                existing = session.get(IdempotencyRecord, (owner.scope, key))
                if existing is not None and (
                    existing.state == "done"
                    or existing.request_hash != fingerprint
                    or time.monotonic() > deadline
                ):
                    session.expunge(existing)
                    return existing
            time.sleep(0.05)

    async def _answer_from_record(
        self, scope: Scope, send: Send, record: IdempotencyRecord, fingerprint: str
    ) -> None:
        if record.request_hash != fingerprint:
            await send_error(
                send,
                scope,
                409,
                "idempotency_conflict",
                "This Idempotency-Key was already used with a different request.",
            )
            return
        if record.state != "done":
            await send_error(
                send,
                scope,
                409,
                "idempotency_in_progress",
                "A request with this Idempotency-Key is still being processed.",
            )
            return
        body = (record.response_body or "").encode()
        stored = record.response_headers or {}
        headers = [(k.encode(), str(v).encode()) for k, v in stored.items()]
        headers += [(b"idempotent-replayed", b"true"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _run_and_store(
        self, scope: Scope, send: Send, body: bytes, owner: Owner, key: str
    ) -> None:
        status, headers, chunks = 500, [], []
        replayed = False

        async def replay_body() -> Message:
            nonlocal replayed
            if replayed:
                return {"type": "http.disconnect"}
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], message.get("headers", [])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        finally:
            kept = {k.decode(): v.decode() for k, v in headers if k.decode() in REPLAY_HEADERS}
            await anyio.to_thread.run_sync(self._finish, owner, key, status, kept, b"".join(chunks))

    def _finish(
        self, owner: Owner, key: str, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        with self.sessions() as session:
            record = session.get(IdempotencyRecord, (owner.scope, key))
            if record is None:
                return
            if 200 <= status < 300:
                record.state, record.response_status = "done", status
                record.response_headers = headers
                record.response_body = body.decode("utf-8", errors="replace")
            else:
                session.delete(record)
            session.commit()


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
