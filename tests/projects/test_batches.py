"""Batch renders: JSON rows and CSV uploads, every row checked before any job, quotas for the
batch as a whole, `GET /v1/batches/{id}`, and `batch.completed` at a real receiver."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from framelane.core.settings import Settings
from framelane.db.session import session_scope
from framelane.jobs.models import Job
from framelane.projects.models import Batch
from framelane.webhooks import verify
from tests.fixtures.identity import VerifiedWorkspace
from tests.net.http_server import live_server
from tests.projects.conftest import create, failed
from tests.webhooks.helpers import create_webhook, envelope

VARIABLES = {
    "name": {"type": "string"},
    "color": {"type": "color", "default": "#ffffff"},
    "seconds": {"type": "number", "default": 1},
}


def card(output_format: str = "png") -> dict[str, Any]:
    return {
        "width": 32,
        "height": 18,
        "frame_rate": 10,
        "duration": "{{seconds}}",
        "output_format": output_format,
        "elements": [
            {
                "type": "text",
                "id": "t",
                "text": "{{name}}",
                "text_color": "{{color}}",
                "duration": "{{seconds}}",
                "font_size": 8,
            },
        ],
    }


def rows_in_db(settings: Settings, workspace_id: str) -> tuple[int, int]:
    with session_scope(settings.resolved_database_url) as session:
        jobs = session.scalar(
            select(func.count()).select_from(Job).where(Job.workspace_id == workspace_id)
        )
        batches = session.scalar(
            select(func.count()).select_from(Batch).where(Batch.workspace_id == workspace_id)
        )
        return int(jobs or 0), int(batches or 0)


def csv_of(rows: list[tuple[str, str]]) -> bytes:
    return ("name,color\n" + "".join(f"{n},{c}\n" for n, c in rows)).encode()


def test_a_csv_with_one_bad_row_creates_no_job(
    client: TestClient, workspace: VerifiedWorkspace, settings: Settings
) -> None:
    pid = create(client, workspace, card(), variables=VARIABLES)["id"]
    rows = [(f"Person {n}", "#10a0f0") for n in range(1, 21)]
    rows[13] = ("Person 14", "blue")
    response = client.post(
        f"/v1/projects/{pid}/renders/batch",
        content=csv_of(rows),
        headers={**workspace.headers, "Content-Type": "text/csv"},
    )
    error = failed(response, 422, "invalid_variables")
    assert [(d["row"], d["variable"], d["type"]) for d in error["details"]] == [
        (14, "color", "wrong_type")
    ]
    assert error["message"].endswith(
        "row 14: variable 'color': expected a colour #rrggbb or #rrggbbaa"
    )
    assert rows_in_db(settings, workspace.id) == (0, 0)
    unknown = client.post(
        f"/v1/projects/{pid}/renders/batch",
        json={"rows": [{"name": "A"}, {"nme": "B"}, {"color": "#000000"}]},
        headers=workspace.headers,
    )
    error = failed(unknown, 422, "invalid_variables")
    assert [(d["row"], d["variable"], d["type"]) for d in error["details"]] == [
        (2, "nme", "unknown_variable"),
        (2, "name", "missing_variable"),
        (3, "name", "missing_variable"),
    ]
    rendered_badly = client.post(
        f"/v1/projects/{pid}/renders/batch",
        json={"rows": [{"name": "A"}, {"name": "B", "seconds": -1}]},
        headers=workspace.headers,
    )
    error = failed(rendered_badly, 422, "invalid_batch")
    assert error["details"][0]["row"] == 2 and error["details"][0]["loc"] == ["duration"]
    assert rows_in_db(settings, workspace.id) == (0, 0)


def test_csv_uploads_give_one_job_per_row(
    client: TestClient, workspace: VerifiedWorkspace, settings: Settings
) -> None:
    pid = create(client, workspace, card(), variables=VARIABLES)["id"]
    rows = [(f"P{n}", "#ff0000") for n in range(1, 21)]
    response = client.post(
        f"/v1/projects/{pid}/renders/batch?version=1",
        files={"file": ("people.csv", csv_of(rows), "text/csv")},
        headers=workspace.headers,
    )
    assert response.status_code == 202, response.text
    batch = response.json()
    assert (
        batch["id"].startswith("batch_") and batch["total"] == 20 and batch["status"] == "running"
    )
    assert batch["counts"] == {"queued": 20} and [j["row"] for j in batch["jobs"]] == list(
        range(1, 21)
    )
    job = client.get(f"/v1/renders/{batch['jobs'][4]['id']}", headers=workspace.headers).json()
    assert job["metadata"] == {"batch_id": batch["id"], "project_id": pid, "project_version": "1"}
    read = client.get(f"/v1/batches/{batch['id']}", headers=workspace.headers)
    assert read.status_code == 200 and read.json()["counts"] == {"queued": 20}
    assert rows_in_db(settings, workspace.id) == (20, 1)
    failed(
        client.post(
            f"/v1/projects/{pid}/renders/batch",
            content=b"name,color\n",
            headers={**workspace.headers, "Content-Type": "text/csv"},
        ),
        422,
        "invalid_csv",
    )
    failed(
        client.post(
            f"/v1/projects/{pid}/renders/batch",
            content=b"name,name\nA,B\n",
            headers={**workspace.headers, "Content-Type": "text/csv"},
        ),
        422,
        "invalid_csv",
    )
    failed(
        client.post(
            f"/v1/projects/{pid}/renders/batch",
            content=b"name,color\nA\n",
            headers={**workspace.headers, "Content-Type": "text/csv"},
        ),
        422,
        "invalid_csv",
    )


def test_quotas_apply_to_the_batch_as_a_whole(
    client: TestClient, workspace: VerifiedWorkspace, settings: Settings
) -> None:
    pid = create(client, workspace, card("mp4"), variables=VARIABLES)["id"]
    each = {"name": "A", "seconds": 1000}  # 16.7 render minutes each; the free plan has 60
    over = client.post(
        f"/v1/projects/{pid}/renders/batch", json={"rows": [each] * 4}, headers=workspace.headers
    )
    error = failed(over, 429, "quota_exceeded")
    assert error["details"]["limit"] == "render_minutes"
    assert rows_in_db(settings, workspace.id) == (0, 0)
    fits = client.post(
        f"/v1/projects/{pid}/renders/batch", json={"rows": [each] * 3}, headers=workspace.headers
    )
    assert fits.status_code == 202, fits.text
    # A batch while another runs waits in the queue (one job of the free plan runs at a time)
    waiting = client.post(
        f"/v1/projects/{pid}/renders/batch",
        json={"rows": [{"name": "B"}]},
        headers=workspace.headers,
    )
    assert waiting.status_code == 202, waiting.text


def test_another_workspace_cannot_read_a_batch(
    client: TestClient, workspace: VerifiedWorkspace, other_workspace: VerifiedWorkspace
) -> None:
    pid = create(client, workspace, card(), variables=VARIABLES)["id"]
    batch = client.post(
        f"/v1/projects/{pid}/renders/batch",
        json={"rows": [{"name": "A"}]},
        headers=workspace.headers,
    ).json()
    failed(
        client.get(f"/v1/batches/{batch['id']}", headers=other_workspace.headers), 404, "not_found"
    )
    failed(
        client.post(
            f"/v1/projects/{pid}/renders/batch",
            json={"rows": [{"name": "A"}]},
            headers=other_workspace.headers,
        ),
        404,
        "not_found",
    )


@pytest.mark.slow
def test_batch_completed_reaches_the_webhook_once_every_job_is_terminal(
    live: TestClient, pro: VerifiedWorkspace
) -> None:
    pid = create(live, pro, card(), variables=VARIABLES)["id"]
    with live_server() as receiver:
        secret = create_webhook(live, pro, receiver.url("/hook"), ["batch.*"])["secret"]
        response = live.post(
            f"/v1/projects/{pid}/renders/batch",
            json={"rows": [{"name": n} for n in ("A", "B", "C")], "metadata": {"campaign": "x"}},
            headers=pro.headers,
        )
        assert response.status_code == 202, response.text
        batch_id = response.json()["id"]
        deadline = time.monotonic() + 120
        while not receiver.received:
            assert time.monotonic() < deadline, live.get(
                f"/v1/batches/{batch_id}", headers=pro.headers
            ).json()
            time.sleep(0.1)
        time.sleep(0.5)
        received = receiver.received
    assert len(received) == 1
    event = envelope(received[0])
    assert event["type"] == "batch.completed"
    assert event["data"]["id"] == batch_id and event["data"]["counts"] == {"completed": 3}
    assert event["data"]["status"] == "completed" and event["metadata"]["batch_id"] == batch_id
    verify(received[0].body, received[0].headers["framelane-signature"], secret)
    final = live.get(f"/v1/batches/{batch_id}", headers=pro.headers).json()
    assert final["status"] == "completed" and final["completed_at"] is not None
    assert json.loads(json.dumps(final["jobs"]))[0]["status"] == "completed"
