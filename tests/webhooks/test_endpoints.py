"""`/v1/webhooks` over HTTP: CRUD, the workspace secret, validation, workspace isolation."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.db.session import session_scope, sessionmaker_for
from framelane.webhooks import service
from framelane.webhooks.models import WebhookEndpoint, WebhookSecret
from tests.fixtures.identity import VerifiedWorkspace
from tests.webhooks.helpers import create_webhook

HOOK = "http://127.0.0.1:9/hook"


class TestCreate:
    def test_returns_the_object_and_the_workspace_secret(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        response = client.post(
            "/v1/webhooks",
            headers=workspace.headers,
            json={"url": HOOK, "events": ["render.completed", "render.*"], "enabled": True},
        )
        assert response.status_code == 201
        body = response.json()
        assert body["id"].startswith("wh_")
        assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
        assert body["events"] == ["render.completed", "render.*"]
        assert body["enabled"] is True and body["last_delivery_at"] is None

    def test_every_endpoint_shares_one_secret(
        self, client: TestClient, workspace: VerifiedWorkspace, other_workspace: VerifiedWorkspace
    ) -> None:
        first = create_webhook(client, workspace, HOOK)
        second = create_webhook(client, workspace, HOOK + "2", ["task.*"])
        foreign = create_webhook(client, other_workspace, HOOK)
        assert first["secret"] == second["secret"]
        assert foreign["secret"] != first["secret"]

    def test_unknown_events_are_refused(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        response = client.post(
            "/v1/webhooks",
            headers=workspace.headers,
            json={"url": HOOK, "events": ["render.completed", "render.exploded", "video.*"]},
        )
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert [d["loc"] for d in error["details"]] == [
            ["body", "events", 1],
            ["body", "events", 2],
        ]

    def test_an_empty_event_list_is_refused(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        response = client.post(
            "/v1/webhooks", headers=workspace.headers, json={"url": HOOK, "events": []}
        )
        assert response.status_code == 422

    def test_urls_go_through_the_ssrf_guard(
        self, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        strict = settings.model_copy(update={"allow_private_urls": False})
        with TestClient(create_app(strict, composition.features())) as client:
            for url in (
                "http://127.0.0.1:8000/hook",
                "http://169.254.169.254/",
                "http://[::1]/",
                "ftp://example.com/",
                "http://2130706433/",
                "http://user@example.com/",
            ):
                response = client.post(
                    "/v1/webhooks", headers=workspace.headers, json={"url": url, "events": ["*"]}
                )
                assert response.status_code == 422, url
                assert response.json()["error"]["code"] == "url_not_allowed", url

    def test_needs_a_key(self, client: TestClient) -> None:
        response = client.post("/v1/webhooks", json={"url": HOOK, "events": ["*"]})
        assert response.status_code == 401


class TestReadUpdateDelete:
    def test_list_is_paginated_newest_first(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        ids = [create_webhook(client, workspace, f"{HOOK}{i}")["id"] for i in range(3)]
        first = client.get("/v1/webhooks?limit=2", headers=workspace.headers).json()
        assert [item["id"] for item in first["data"]] == ids[::-1][:2]
        assert first["has_more"] is True and "secret" not in first["data"][0]
        rest = client.get(
            f"/v1/webhooks?limit=2&cursor={first['next_cursor']}", headers=workspace.headers
        ).json()
        assert [item["id"] for item in rest["data"]] == [ids[0]]
        assert rest["has_more"] is False

    def test_get_patch_delete(self, client: TestClient, workspace: VerifiedWorkspace) -> None:
        webhook = create_webhook(client, workspace, HOOK, ["render.completed"])
        path = f"/v1/webhooks/{webhook['id']}"
        assert client.get(path, headers=workspace.headers).json()["url"] == HOOK
        patched = client.patch(
            path, headers=workspace.headers, json={"enabled": False, "events": ["asset.ready"]}
        )
        assert patched.status_code == 200
        assert patched.json()["enabled"] is False
        assert patched.json()["events"] == ["asset.ready"]
        assert patched.json()["url"] == HOOK
        assert (
            client.patch(path, headers=workspace.headers, json={"events": ["nope"]}).status_code
            == 422
        )
        assert client.delete(path, headers=workspace.headers).status_code == 204
        assert client.get(path, headers=workspace.headers).status_code == 404

    def test_another_workspaces_webhook_is_not_found(
        self, client: TestClient, workspace: VerifiedWorkspace, other_workspace: VerifiedWorkspace
    ) -> None:
        webhook = create_webhook(client, workspace, HOOK)
        path = f"/v1/webhooks/{webhook['id']}"
        calls = [
            ("get", path, None),
            ("patch", path, {"enabled": False}),
            ("delete", path, None),
            ("post", f"{path}/test", None),
            ("post", f"{path}/rotate-secret", None),
            ("get", f"{path}/deliveries", None),
            ("post", f"{path}/deliveries/dlv_01X/retry", None),
        ]
        for method, url, body in calls:
            response = client.request(method, url, headers=other_workspace.headers, json=body)
            assert response.status_code == 404, (method, url)
            assert response.json()["error"]["code"] == "not_found"
        assert client.get(path, headers=workspace.headers).json()["enabled"] is True


class TestRotateSecret:
    def test_rotation_rekeys_the_whole_workspace(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        first = create_webhook(client, workspace, HOOK)
        second = create_webhook(client, workspace, HOOK + "2")
        rotated = client.post(
            f"/v1/webhooks/{second['id']}/rotate-secret", headers=workspace.headers
        )
        assert rotated.status_code == 200
        secret = rotated.json()["secret"]
        assert secret.startswith("whsec_") and secret != first["secret"]
        assert create_webhook(client, workspace, HOOK + "3")["secret"] == secret


def test_deleting_the_workspace_removes_its_webhook_rows(
    client: TestClient,
    settings: Settings,
    workspace: VerifiedWorkspace,
    other_workspace: VerifiedWorkspace,
) -> None:
    create_webhook(client, workspace, HOOK)
    create_webhook(client, other_workspace, HOOK)
    assert client.delete("/v1/workspace", headers=workspace.headers).status_code == 204
    with session_scope(settings.resolved_database_url) as session:
        owners = {row.workspace_id for row in session.query(WebhookEndpoint).all()}
        secrets = {row.workspace_id for row in session.query(WebhookSecret).all()}
    assert owners == secrets == {other_workspace.id}


def test_the_openapi_document_describes_the_webhook_routes(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"post", "get"} <= set(paths["/v1/webhooks"])
    assert {"get", "patch", "delete"} <= set(paths["/v1/webhooks/{webhook_id}"])
    for suffix in ("test", "rotate-secret", "deliveries", "deliveries/{delivery_id}/retry"):
        assert f"/v1/webhooks/{{webhook_id}}/{suffix}" in paths
    attempt = schema["components"]["schemas"]["DeliveryAttemptOut"]["properties"]
    assert {
        "delivery_id",
        "attempt_number",
        "status",
        "status_code",
        "response_body",
        "attempted_at",
        "next_retry_at",
        "job_id",
    } <= set(attempt)


def test_two_transactions_creating_the_first_secret_agree(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    """Two producers publishing the first event of a workspace at once must both commit."""
    url = settings.resolved_database_url
    results: list[str] = []
    first = sessionmaker_for(url)()
    try:
        mine = service.ensure_secret(first, workspace.id)  # holds the write until commit

        def second_producer() -> None:
            with session_scope(url) as session:
                results.append(service.ensure_secret(session, workspace.id))

        thread = threading.Thread(target=second_producer)
        thread.start()
        time.sleep(0.3)
        first.commit()
        thread.join(timeout=20)
    finally:
        first.close()
    assert results == [mine]
