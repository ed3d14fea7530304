"""The in-process cache of live keys and verified workspaces that reads trust for a few seconds."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from framelane.core.errors import Unauthorized
from framelane.core.settings import Settings
from framelane.db import unit_of_work
from framelane.db.base import utcnow
from framelane.db.session import session_scope, sessionmaker_for
from framelane.identity import auth, key_cache
from framelane.identity.models import ApiKey, User, Workspace
from framelane.identity.service import create_user_token, revoke_user_token
from framelane.kit.ttl_cache import TtlCache
from tests.fixtures.clock import Clock
from tests.fixtures.identity import VerifiedWorkspace


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Fresh caches that read this clock instead of the real one."""
    clock = Clock()
    monkeypatch.setattr(key_cache, "known_keys", TtlCache(clock=clock))
    monkeypatch.setattr(key_cache, "verified_workspaces", TtlCache(clock=clock))
    return clock


def revoke_elsewhere(settings: Settings, key_id: str) -> None:
    """What another API process does: the row changes, this process's cache is not told."""
    with session_scope(settings.resolved_database_url) as session:
        session.execute(update(ApiKey).where(ApiKey.id == key_id).values(revoked_at=utcnow()))


class TestTtlCache:
    def test_an_entry_is_served_until_its_ttl_has_passed(self) -> None:
        clock = Clock()
        cache: TtlCache[str] = TtlCache(clock=clock)
        cache.put("k", "v", cache.generation)
        clock.now += 4.5
        assert cache.get("k", ttl=5) == "v"
        clock.now += 0.5
        assert cache.get("k", ttl=5) is None

    def test_a_lookup_that_raced_a_forget_is_not_stored(self) -> None:
        cache: TtlCache[str] = TtlCache()
        generation = cache.generation  # a lookup starts…
        cache.forget(lambda key, _value: key == "k")  # …a revoke happens meanwhile…
        cache.put("k", "stale", generation)  # …and the lookup's answer is dropped
        assert cache.get("k", ttl=5) is None
        cache.put("k", "fresh", cache.generation)
        assert cache.get("k", ttl=5) == "fresh"

    def test_forget_drops_only_matching_entries(self) -> None:
        cache: TtlCache[int] = TtlCache()
        for key, value in (("a", 1), ("b", 2), ("c", 1)):
            cache.put(key, value, cache.generation)
        cache.forget(lambda _key, value: value == 1)
        assert [cache.get(k, ttl=5) for k in "abc"] == [None, 2, None]

    def test_the_oldest_entry_makes_room_when_full(self) -> None:
        cache: TtlCache[int] = TtlCache(max_entries=2)
        for number, key in enumerate("abc"):
            cache.put(key, number, cache.generation)
        assert [cache.get(k, ttl=5) for k in "abc"] == [None, 1, 2]


class TestInvalidationInThisProcess:
    def test_a_revoked_key_is_401_on_the_next_read(
        self, client: TestClient, workspace: VerifiedWorkspace, clock: Clock
    ) -> None:
        # Given a second key whose reads are cached
        second = client.post("/v1/api-keys", json={"name": "ci"}, headers=workspace.headers).json()
        headers = {"Authorization": f"Bearer {second['key']}"}
        assert client.get("/v1/renders", headers=headers).status_code == 200
        assert key_cache.known_keys.get(auth.hash_secret(second["key"]), ttl=5) is not None
        # When it is revoked
        revoked = client.delete(f"/v1/api-keys/{second['id']}", headers=workspace.headers)
        assert revoked.status_code == 204
        # Then the very next read is refused, with the time not moved at all
        denied = client.get("/v1/renders", headers=headers)
        assert denied.status_code == 401
        assert denied.json()["error"]["code"] == "unauthorized"
        assert client.get("/v1/renders", headers=workspace.headers).status_code == 200

    def test_a_deleted_workspaces_key_is_401_on_the_next_read(
        self, client: TestClient, workspace: VerifiedWorkspace, clock: Clock
    ) -> None:
        assert client.get("/v1/renders", headers=workspace.headers).status_code == 200
        assert client.delete("/v1/workspace", headers=workspace.headers).status_code == 204
        denied = client.get("/v1/renders", headers=workspace.headers)
        assert denied.status_code == 401
        assert denied.json()["error"]["code"] == "unauthorized"
        assert key_cache.verified_workspaces.get(workspace.id, ttl=5) is None

    def test_a_revoked_user_token_is_forgotten_once_the_revoke_commits(
        self, settings: Settings, workspace: VerifiedWorkspace, clock: Clock
    ) -> None:
        sessions = sessionmaker_for(settings.resolved_database_url)
        with sessions() as session:
            user = session.get(User, workspace.user_id)
            assert user is not None
            token = create_user_token(session, user.id, name="t", scopes=["read:tokens"])
            unit_of_work.commit(session)
            principal = auth.cached_principal(session, settings, token.plaintext)
            assert principal.kind == "user_token"
            revoke_user_token(session, user.id, token.record.id)
            unit_of_work.commit(session)
            with pytest.raises(Unauthorized):
                auth.cached_principal(session, settings, token.plaintext)


class TestAnotherProcess:
    def test_a_revoke_elsewhere_stops_writes_at_once_and_reads_after_the_ttl(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        clock: Clock,
    ) -> None:
        # Given a key whose reads are cached
        assert client.get("/v1/renders", headers=workspace.headers).status_code == 200
        # When another process revokes it
        revoke_elsewhere(settings, workspace.key_id)
        # Then a write is refused at once (writes always check the database)…
        write = client.post("/v1/api-keys", json={"name": "x"}, headers=workspace.headers)
        assert write.status_code == 401
        # …a read may still be served from the cache within the TTL…
        assert client.get("/v1/renders", headers=workspace.headers).status_code == 200
        # …and not once the TTL has passed
        clock.now += settings.api_key_cache_seconds
        denied = client.get("/v1/renders", headers=workspace.headers)
        assert denied.status_code == 401
        assert denied.json()["error"]["code"] == "unauthorized"

    def test_a_workspace_deleted_elsewhere_answers_401_where_its_row_is_needed(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        clock: Clock,
    ) -> None:
        assert client.get("/v1/workspace", headers=workspace.headers).status_code == 200
        with session_scope(settings.resolved_database_url) as session:
            session.execute(delete(Workspace).where(Workspace.id == workspace.id))
        denied = client.get("/v1/workspace", headers=workspace.headers)
        assert denied.status_code == 401
        assert denied.json()["error"]["code"] == "unauthorized"

    def test_a_zero_ttl_turns_the_cache_off(
        self, settings: Settings, workspace: VerifiedWorkspace, clock: Clock
    ) -> None:
        off = settings.model_copy(update={"api_key_cache_seconds": 0})
        with sessionmaker_for(off.resolved_database_url)() as session:
            auth.cached_principal(session, off, workspace.key)
        revoke_elsewhere(off, workspace.key_id)
        with sessionmaker_for(off.resolved_database_url)() as session, pytest.raises(Unauthorized):
            auth.cached_principal(session, off, workspace.key)


class TestUnverifiedWorkspaces:
    def test_an_unverified_workspace_is_not_cached(
        self,
        client: TestClient,
        settings: Settings,
        workspace: VerifiedWorkspace,
        clock: Clock,
    ) -> None:
        with session_scope(settings.resolved_database_url) as session:
            session.execute(
                update(Workspace).where(Workspace.id == workspace.id).values(email_verified=False)
            )
        refused = client.get("/v1/renders", headers=workspace.headers)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "email_not_verified"
        with session_scope(settings.resolved_database_url) as session:
            session.execute(
                update(Workspace).where(Workspace.id == workspace.id).values(email_verified=True)
            )
        assert client.get("/v1/renders", headers=workspace.headers).status_code == 200
