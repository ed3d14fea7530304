"""Task submission and bookkeeping over HTTP, with no worker running (tasks stay queued)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.tasks.api.conftest import TRIAL_TASKS

from framelane import composition
from framelane.api.app import create_app
from framelane.core.settings import Settings
from framelane.tasks.operations.transcript_format import words_to_word_animation

SOURCE = "https://media.example.test/clip.mp4"
SLUGS = {
    "remove-background": "remove_background",
    "super-resolution": "super_resolution",
    "transcribe": "transcribe",
    "gaze-redirect": "gaze_redirect",
}


def submit(client: TestClient, ws: VerifiedWorkspace, slug: str, **body: Any) -> Any:
    return client.post(f"/v1/tasks/{slug}", json={"source_url": SOURCE, **body}, headers=ws.headers)


@pytest.mark.parametrize(("slug", "task_type"), sorted(SLUGS.items()))
def test_every_task_type_is_accepted_as_a_queued_task_job(
    client: TestClient, workspace: VerifiedWorkspace, slug: str, task_type: str
) -> None:
    answer = submit(client, workspace, slug, metadata={"order": "42"}, surprise=1)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["id"].startswith("task_") and job["kind"] == "task"
    assert job["task_type"] == task_type and job["status"] == "queued"
    assert job["metadata"] == {"order": "42"} and job["warnings"] == ["surprise"]
    assert job["output"] is None and job["error"] is None
    fetched = client.get(f"/v1/tasks/{job['id']}", headers=workspace.headers)
    assert fetched.status_code == 200 and fetched.json()["id"] == job["id"]
    too_long = client.get(f"/v1/tasks/{job['id']}?wait=31", headers=workspace.headers)
    assert too_long.status_code == 422
    assert client.get(f"/v1/renders/{job['id']}", headers=workspace.headers).status_code == 404


def test_unknown_task_type_is_404(client: TestClient, workspace: VerifiedWorkspace) -> None:
    answer = submit(client, workspace, "make-coffee")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_invalid_body_is_one_422_with_every_violation(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    answer = client.post(
        "/v1/tasks/super-resolution",
        headers=workspace.headers,
        json={"scale": 9, "metadata": "not an object", "webhook_url": ""},
    )
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    locs = {tuple(d["loc"]) for d in error["details"]}
    assert {("source_url",), ("scale",), ("metadata",), ("webhook_url",)} <= locs
    assert client.get("/v1/tasks", headers=workspace.headers).json()["data"] == []


def test_unsupported_option_is_capability_unsupported(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    answer = submit(client, workspace, "transcribe", sentiment_analysis=True, speaker_labels=True)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "capability_unsupported"
    assert {d["loc"][0] for d in error["details"]} == {"sentiment_analysis", "speaker_labels"}


def test_non_english_language_is_language_unsupported(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    answer = submit(client, workspace, "transcribe", language="de")
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "language_unsupported"
    assert submit(client, workspace, "transcribe", language="en-GB").status_code == 202


def test_strict_header_refuses_unknown_fields(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    answer = client.post(
        "/v1/tasks/gaze-redirect",
        json={"source_url": SOURCE, "surprise": 1},
        headers={**workspace.headers, "Framelane-Strict": "true"},
    )
    assert answer.status_code == 422
    assert ["surprise"] in [d["loc"] for d in answer.json()["error"]["details"]]


def test_private_webhook_and_source_urls_are_refused(
    settings: Settings, workspace: VerifiedWorkspace
) -> None:
    strict = settings.model_copy(update={"allow_private_urls": False})
    with TestClient(
        create_app(strict, composition.features()), raise_server_exceptions=False
    ) as guarded:
        answer = submit(guarded, workspace, "gaze-redirect", webhook_url="http://127.0.0.1:9/hook")
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == "url_not_allowed"
        local = guarded.post(
            "/v1/tasks/gaze-redirect",
            headers=workspace.headers,
            json={"source_url": "http://localhost:8000/a.mp4"},
        )
        assert local.status_code == 422
        assert local.json()["error"]["code"] == "url_not_allowed"
        metadata_only = submit(guarded, workspace, "gaze-redirect", metadata={"a": 1})
        assert metadata_only.status_code == 202


def test_idempotent_replay_and_conflict(client: TestClient, workspace: VerifiedWorkspace) -> None:
    headers = {**workspace.headers, "Idempotency-Key": "task-order-7"}
    body = {"source_url": SOURCE, "scale": 2}
    first = client.post("/v1/tasks/super-resolution", json=body, headers=headers)
    replay = client.post("/v1/tasks/super-resolution", json=body, headers=headers)
    assert (first.status_code, replay.status_code) == (202, 200)
    assert replay.json()["id"] == first.json()["id"]
    listed = client.get("/v1/tasks", headers=workspace.headers).json()["data"]
    assert [job["id"] for job in listed] == [first.json()["id"]]
    changed = client.post("/v1/tasks/super-resolution", json={**body, "scale": 3}, headers=headers)
    assert changed.status_code == 409


def test_monthly_task_quota(client: TestClient, settings: Settings) -> None:
    trial = make_workspace(settings, name="Trial", email="owner@trial.test", plan="trial")
    for _ in range(TRIAL_TASKS):
        assert submit(client, trial, "gaze-redirect").status_code == 202
    refused = submit(client, trial, "gaze-redirect")
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "quota_exceeded" and error["details"]["limit"] == "tasks"
    assert len(client.get("/v1/tasks", headers=trial.headers).json()["data"]) == TRIAL_TASKS


def test_free_plan_queues_a_second_job_instead_of_refusing_it(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    assert submit(client, workspace, "transcribe").status_code == 202
    second = submit(client, workspace, "transcribe")
    assert second.status_code == 202
    assert second.json()["status"] == "queued"


def test_list_filters_by_type_and_status_with_cursor(
    client: TestClient, pro: VerifiedWorkspace
) -> None:
    ids = {
        slug: [submit(client, pro, slug).json()["id"] for _ in range(2)]
        for slug in ("transcribe", "gaze-redirect")
    }
    cancelled = ids["transcribe"][0]
    assert client.delete(f"/v1/tasks/{cancelled}", headers=pro.headers).status_code == 200

    def listed(query: str) -> list[str]:
        answer = client.get(f"/v1/tasks{query}", headers=pro.headers)
        assert answer.status_code == 200, answer.text
        return [job["id"] for job in answer.json()["data"]]

    assert sorted(listed("?type=transcribe")) == sorted(ids["transcribe"])
    assert listed("?type=transcribe&status=cancelled") == [cancelled]
    assert sorted(listed("?status=queued")) == sorted([ids["transcribe"][1], *ids["gaze-redirect"]])
    assert client.get("/v1/tasks?type=transcribe-me", headers=pro.headers).status_code == 422
    first = client.get("/v1/tasks?limit=3", headers=pro.headers).json()
    assert first["has_more"] is True and len(first["data"]) == 3
    rest = client.get(
        f"/v1/tasks?limit=3&cursor={first['next_cursor']}", headers=pro.headers
    ).json()
    seen = [job["id"] for job in first["data"] + rest["data"]]
    assert sorted(seen) == sorted(ids["transcribe"] + ids["gaze-redirect"])
    assert rest["has_more"] is False


def test_cancel_a_queued_task_then_409(client: TestClient, workspace: VerifiedWorkspace) -> None:
    job = submit(client, workspace, "remove-background").json()
    cancelled = client.delete(f"/v1/tasks/{job['id']}", headers=workspace.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.delete(f"/v1/tasks/{job['id']}", headers=workspace.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "job_not_cancellable"


def test_download_before_completion_is_409(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    job = submit(client, workspace, "transcribe").json()
    for query in ("", "?format=srt"):
        answer = client.get(f"/v1/tasks/{job['id']}/download{query}", headers=workspace.headers)
        assert answer.status_code == 409
        assert answer.json()["error"]["code"] == "job_not_completed"
    bad = client.get(f"/v1/tasks/{job['id']}/download?format=docx", headers=workspace.headers)
    assert bad.status_code == 422


def test_another_workspaces_task_is_404(
    client: TestClient, workspace: VerifiedWorkspace, other_workspace: VerifiedWorkspace
) -> None:
    job = submit(client, workspace, "gaze-redirect").json()
    theirs = other_workspace.headers
    for method, path in (
        ("GET", ""),
        ("GET", "?wait=1"),
        ("DELETE", ""),
        ("GET", "/download"),
        ("GET", "/download?format=srt"),
    ):
        answer = client.request(method, f"/v1/tasks/{job['id']}{path}", headers=theirs)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["error"]["code"] == "not_found"
    assert client.get("/v1/tasks", headers=theirs).json()["data"] == []
    mine = client.get(f"/v1/tasks/{job['id']}", headers=workspace.headers).json()
    assert mine["status"] == "queued"


def test_tasks_need_a_key(client: TestClient) -> None:
    assert client.post("/v1/tasks/transcribe", json={"source_url": SOURCE}).status_code == 401
    assert client.get("/v1/tasks").status_code == 401


def test_openapi_documents_each_task_body(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for slug in SLUGS:
        schema = paths[f"/v1/tasks/{slug}"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]
        assert {"source_url", "metadata", "webhook_url"} <= set(schema["properties"])
    assert (
        "scale"
        in paths["/v1/tasks/super-resolution"]["post"]["requestBody"]["content"][
            "application/json"
        ]["schema"]["properties"]
    )


def test_transcript_words_feed_a_renders_word_animation(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    # The recipe of docs/tasks.md: transcript words (ms) → word_animation words (timeline s)
    transcript = {
        "text": "Hello world.",
        "words": [
            {"text": "Hello", "start": 120, "end": 540, "confidence": 0.97, "speaker": None},
            {"text": "world.", "start": 600, "end": 1100, "confidence": 0.95, "speaker": None},
        ],
    }
    words = words_to_word_animation(transcript["words"], offset_s=2.0)
    assert words == [
        {"text": "Hello", "start": 2.12, "end": 2.54},
        {"text": "world.", "start": 2.6, "end": 3.1},
    ]
    render = {
        "width": 1080,
        "height": 1920,
        "duration": 12,
        "elements": [
            {"type": "video", "source_url": "https://example.com/clip.mp4", "time": 2},
            {
                "type": "text",
                "time": 2,
                "duration": 10,
                "text": transcript["text"],
                "y": "80%",
                "font_size": 64,
                "word_animation": {"style": "box", "words": words},
            },
        ],
    }
    answer = client.post(
        "/v1/preview",
        json={**render, "dry_run": True},
        headers={**workspace.headers, "Framelane-Strict": "true"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["valid"] is True


def test_long_poll_answers_with_the_current_state_after_wait(
    client: TestClient, workspace: VerifiedWorkspace
) -> None:
    job = submit(client, workspace, "transcribe").json()
    started = time.monotonic()
    answer = client.get(f"/v1/tasks/{job['id']}?wait=1", headers=workspace.headers)
    elapsed = time.monotonic() - started
    assert answer.status_code == 200 and answer.json()["status"] == "queued"
    assert 0.9 <= elapsed < 5


def test_capabilities_list_every_task_and_unsupported_options_are_refused(
    client: TestClient, pro: VerifiedWorkspace
) -> None:
    tasks = client.get("/v1/capabilities").json()["tasks"]
    assert set(tasks) == set(SLUGS.values())
    for task_type, entry in tasks.items():
        slug = entry["slug"]
        assert SLUGS[slug] == task_type and entry["supported"] is True
        assert "source_url" in entry["params_schema"]["properties"]
        assert submit(client, pro, slug).status_code == 202
        for option, flags in entry["options"].items():
            if flags["supported"]:
                continue
            schema = entry["params_schema"]["properties"][option]
            value: Any = True if schema.get("type") == "boolean" else 2
            answer = submit(client, pro, slug, **{option: value})
            assert answer.status_code == 422, (option, answer.text)
            assert answer.json()["error"]["code"] == "capability_unsupported", option


@pytest.mark.parametrize(
    "source_url",
    ["file:///etc/passwd", "ftp://example.com/a.mp4", "https://user:pw@example.com/a.mp4"],
)
def test_a_source_url_no_worker_would_fetch_is_refused_at_submission(
    client: TestClient, workspace: VerifiedWorkspace, source_url: str
) -> None:
    answer = client.post(
        "/v1/tasks/transcribe", json={"source_url": source_url}, headers=workspace.headers
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "url_not_allowed"
