"""Cross-cutting HTTP behaviour: envelope, idempotency, rate limits, pagination, probes."""

from __future__ import annotations

import threading

from fastapi import FastAPI
from fastapi.testclient import TestClient

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import RateLimits, Settings
from tests.fixtures.identity import VerifiedWorkspace


class TestEnvelope:
    def test_unknown_route_and_wrong_method(self, client: TestClient) -> None:
        missing = client.get("/v1/nope")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"
        wrong = client.put("/v1/signup")
        assert wrong.status_code == 405
        assert wrong.json()["error"]["code"] == "method_not_allowed"

    def test_malformed_json_and_wrong_types(self, client: TestClient) -> None:
        broken = client.post(
            "/v1/signup", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert broken.status_code == 422
        assert broken.json()["error"]["code"] == "validation_error"
        typed = client.post("/v1/signup", json={"workspace_name": 5, "email": ["x"]})
        assert typed.status_code == 422
        assert all({"loc", "msg", "type"} <= set(d) for d in typed.json()["error"]["details"])

    def test_oversized_body_is_413(self, settings: Settings) -> None:
        small = settings.model_copy(update={"max_body_bytes": 1000})
        with TestClient(create_app(small, composition.features())) as client:
            response = client.post(
                "/v1/signup", content=b"x" * 5000, headers={"content-type": "application/json"}
            )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"

    def test_unexpected_exception_is_500_with_request_id_and_no_trace(self, app: FastAPI) -> None:
        @app.get("/boom")
        def boom() -> None:
            raise RuntimeError("secret internals")

        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/boom", headers={"X-Request-ID": "req-abc"})
        assert response.status_code == 500
        error = response.json()["error"]
        assert error["code"] == "internal_error"
        assert error["details"]["request_id"] == "req-abc"
        assert "secret internals" not in response.text

    def test_header_injection_in_request_id_is_replaced(self, client: TestClient) -> None:
        response = client.get("/healthz", headers={"X-Request-ID": "a b\tc<script>"})
        assert response.headers["x-request-id"].startswith("req_")


class TestIdempotency:
    def test_replay_conflict_and_single_result_under_concurrency(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        headers = {**workspace.headers, "Idempotency-Key": "k-1"}
        first = client.post("/v1/api-keys", json={"name": "one"}, headers=headers)
        assert first.status_code == 201
        again = client.post("/v1/api-keys", json={"name": "one"}, headers=headers)
        assert again.status_code == 200
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == first.json()["id"]
        conflict = client.post("/v1/api-keys", json={"name": "two"}, headers=headers)
        assert conflict.status_code == 409
        assert conflict.json()["error"]["code"] == "idempotency_conflict"

        results: list[int] = []
        concurrent_headers = {**workspace.headers, "Idempotency-Key": "k-race"}

        def post() -> None:
            r = client.post("/v1/api-keys", json={"name": "race"}, headers=concurrent_headers)
            results.append(r.status_code)

        threads = [threading.Thread(target=post) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results).count(201) == 1, results
        listed = client.get("/v1/api-keys", headers=workspace.headers).json()["data"]
        assert [k["name"] for k in listed].count("race") == 1

    def test_keys_are_per_workspace(
        self,
        client: TestClient,
        workspace: VerifiedWorkspace,
        other_workspace: VerifiedWorkspace,
    ) -> None:
        a = client.post(
            "/v1/api-keys",
            json={"name": "x"},
            headers={**workspace.headers, "Idempotency-Key": "same"},
        )
        b = client.post(
            "/v1/api-keys",
            json={"name": "x"},
            headers={**other_workspace.headers, "Idempotency-Key": "same"},
        )
        assert a.status_code == b.status_code == 201
        assert a.json()["id"] != b.json()["id"]

    def test_failed_requests_are_not_kept(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        headers = {**workspace.headers, "Idempotency-Key": "retry-me"}
        bad = client.post("/v1/api-keys", json={"name": ""}, headers=headers)
        assert bad.status_code == 422
        good = client.post("/v1/api-keys", json={"name": ""}, headers=headers)
        assert good.status_code == 422  # same body, still evaluated, not replayed
        fixed = client.post("/v1/api-keys", json={"name": "ok"}, headers=headers)
        assert fixed.status_code == 201


class TestRateLimits:
    def test_headers_then_429_with_retry_after(
        self, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        limited = settings.model_copy(
            update={
                "rate_limits_enabled": True,
                "rate_limits": RateLimits(per_key="3/minute"),
            }
        )
        with TestClient(create_app(limited, composition.features())) as client:
            statuses = []
            for _ in range(4):
                response = client.get("/v1/workspace", headers=workspace.headers)
                statuses.append(response.status_code)
            assert statuses == [200, 200, 200, 429]
            assert response.json()["error"]["code"] == "rate_limited"
            assert int(response.headers["retry-after"]) >= 1
            assert response.headers["ratelimit-limit"] == "3"
            assert response.headers["ratelimit-remaining"] == "0"


class TestPagination:
    def test_cursor_walks_every_item_once(
        self, client: TestClient, workspace: VerifiedWorkspace
    ) -> None:
        for index in range(5):
            client.post("/v1/api-keys", json={"name": f"k{index}"}, headers=workspace.headers)
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = client.get("/v1/api-keys", params=params, headers=workspace.headers).json()
            seen += [item["id"] for item in page["data"]]
            if not page["has_more"]:
                assert page["next_cursor"] is None
                break
            cursor = page["next_cursor"]
        assert len(seen) == len(set(seen)) == 6

    def test_bad_limit_and_cursor(self, client: TestClient, workspace: VerifiedWorkspace) -> None:
        assert client.get("/v1/api-keys?limit=0", headers=workspace.headers).status_code == 422
        assert client.get("/v1/api-keys?limit=101", headers=workspace.headers).status_code == 422
        bad = client.get("/v1/api-keys?cursor=%%%", headers=workspace.headers)
        assert bad.status_code == 400
        assert bad.json()["error"]["code"] == "invalid_cursor"


class TestProbesAndOpenApi:
    def test_probes(self, client: TestClient) -> None:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"
        assert client.get("/version").json()["name"] == "framelane"
        assert "framelane_http_requests_total" in client.get("/metrics").text

    def test_openapi_shows_the_real_error_envelope(self, client: TestClient) -> None:
        schema = client.get("/openapi.json").json()
        assert schema["openapi"].startswith("3.1")
        assert "ErrorEnvelope" in schema["components"]["schemas"]
        signup = schema["paths"]["/v1/signup"]["post"]["responses"]
        assert signup["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "ErrorEnvelope"
        )
        assert "HTTPValidationError" not in schema["components"]["schemas"]
        assert client.get("/docs").status_code == 200


class TestOpenApiForTheTokenApi:
    def test_token_routes_document_their_own_error_shape(self, client: TestClient) -> None:
        schema = client.get("/openapi.json").json()
        token_routes = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1")}
        assert token_routes, "the design-token API is mounted"
        for operations in token_routes.values():
            for operation in operations.values():
                responses = operation["responses"]
                assert "422" not in responses
                assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith(
                    "TokenError"
                )
        assert schema["components"]["schemas"]["TokenError"]["properties"]["error"]["type"] == (
            "string"
        )


class TestRateLimitsSharedThroughRedis:
    def test_two_api_processes_share_one_budget(
        self, settings: Settings, workspace: VerifiedWorkspace
    ) -> None:
        import uuid

        import redis

        from tests.fixtures.database import REDIS_URL, unreachable

        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.RedisError as exc:
            unreachable("Redis at 127.0.0.1:6379", exc)
        shared = settings.model_copy(
            update={
                "rate_limits_enabled": True,
                "rate_limit_url": REDIS_URL,
                # A limit string unique to this run keeps other runs' counters out of the way.
                "rate_limits": RateLimits(per_key=f"4/{60 + uuid.uuid4().int % 1000} seconds"),
            }
        )
        with (
            TestClient(create_app(shared, composition.features())) as first,
            TestClient(create_app(shared, composition.features())) as second,
        ):
            statuses = [
                c.get("/v1/workspace", headers=workspace.headers).status_code
                for c in (first, second, first, second, first)
            ]
        assert statuses == [200, 200, 200, 200, 429]
