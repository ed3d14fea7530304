"""Plan quotas at submission: render minutes (in-flight jobs count), monthly tasks, concurrency."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from framelane.core.ids import new_id
from framelane.core.settings import PlanLimits, Settings
from framelane.db.session import session_scope
from framelane.identity.models import Workspace
from framelane.jobs.models import Job
from framelane.jobs.quotas import QueueFull, QuotaExceeded, check_submission, may_start
from framelane.usage.repository import UsageRepository
from tests.fixtures.identity import VerifiedWorkspace, make_workspace
from tests.fixtures.live import live_product
from tests.jobs.conftest import add_job
from tests.renders.conftest import tiny, wait_for


@pytest.fixture
def small_plan(settings: Settings) -> Settings:
    plans = {**settings.plans, "free": PlanLimits(render_minutes=10, tasks=2, concurrent_jobs=3)}
    return settings.model_copy(update={"plans": plans})


def check(settings: Settings, workspace_id: str, kind: str, seconds: float) -> None:
    with session_scope(settings.resolved_database_url) as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        check_submission(session, settings, workspace, kind, seconds)


def record(settings: Settings, workspace_id: str, kind: str, amount: float) -> None:
    with session_scope(settings.resolved_database_url) as session:
        UsageRepository.from_session(session).record(workspace_id, kind, amount, None)


def test_render_minutes_count_usage_and_in_flight_renders(
    small_plan: Settings, workspace: VerifiedWorkspace
) -> None:
    record(small_plan, workspace.id, "render_seconds", 8 * 60)
    check(small_plan, workspace.id, "render", 120)  # exactly 10 minutes
    add_job(small_plan, workspace.id, kind="render", estimated_seconds=60)
    with pytest.raises(QuotaExceeded) as refused:
        check(small_plan, workspace.id, "render", 120)
    assert refused.value.details["limit"] == "render_minutes"
    assert refused.value.status_code == 429


def test_monthly_tasks_count_only_tasks(small_plan: Settings, workspace: VerifiedWorkspace) -> None:
    add_job(small_plan, workspace.id, kind="render", task_type=None)
    record(small_plan, workspace.id, "task", 1)
    check(small_plan, workspace.id, "task", 0)
    add_job(small_plan, workspace.id)  # an in-flight task
    with pytest.raises(QuotaExceeded) as refused:
        check(small_plan, workspace.id, "task", 0)
    assert refused.value.details["limit"] == "tasks"


def test_concurrency_never_refuses_a_submission(
    small_plan: Settings, workspace: VerifiedWorkspace
) -> None:
    for status in ("ingesting", "queued", "processing", "processing", "processing"):
        add_job(small_plan, workspace.id, kind="render", status=status)
    check(small_plan, workspace.id, "render", 1)  # 3 running of 3 allowed: it will wait


def test_the_waiting_jobs_of_a_workspace_are_bounded(
    small_plan: Settings, workspace: VerifiedWorkspace
) -> None:
    bounded = small_plan.model_copy(update={"queued_jobs_per_workspace": 2})
    add_job(bounded, workspace.id, kind="render", status="queued")
    add_job(bounded, workspace.id, kind="render", status="processing")
    check(bounded, workspace.id, "render", 1)
    add_job(bounded, workspace.id, kind="render", status="ingesting")
    with pytest.raises(QueueFull) as refused:
        check(bounded, workspace.id, "render", 1)
    assert refused.value.status_code == 429 and refused.value.code == "queue_full"
    assert refused.value.details == {"limit": "queued_jobs", "queued": 2, "maximum": 2}


def test_at_most_the_plan_s_limit_runs_at_once(
    small_plan: Settings, workspace: VerifiedWorkspace
) -> None:
    for _ in range(2):
        add_job(small_plan, workspace.id, kind="render", status="processing")
    add_job(small_plan, workspace.id, kind="render", status="queued")
    assert starts(small_plan, workspace.id)
    add_job(small_plan, workspace.id, kind="render", status="processing")
    assert not starts(small_plan, workspace.id)


def starts(settings: Settings, workspace_id: str) -> bool:
    with session_scope(settings.resolved_database_url) as session:
        return may_start(session, settings, workspace_id)


def test_unlimited_plans_are_not_checked(settings: Settings) -> None:
    from tests.fixtures.identity import make_workspace

    rich = make_workspace(settings, name="Rich", email="r@rich.test", plan="enterprise")
    record(settings, rich.id, "render_seconds", 10**7)
    check(settings, rich.id, "render", 10**6)


def test_a_submission_waits_for_a_concurrent_one_of_the_same_workspace(
    small_plan: Settings, workspace: VerifiedWorkspace
) -> None:
    # Given two jobs already waiting, one waiting place is left for this workspace
    small_plan = small_plan.model_copy(update={"queued_jobs_per_workspace": 3})
    add_job(small_plan, workspace.id, kind="render")
    add_job(small_plan, workspace.id, kind="render")
    outcome: list[str] = []
    first_checked = threading.Event()

    def second() -> None:
        first_checked.wait()
        try:
            check(small_plan, workspace.id, "render", 1)
            outcome.append("accepted")
        except QueueFull:
            outcome.append("refused")

    racer = threading.Thread(target=second)
    racer.start()
    # When a first submission takes the last place and commits a moment later
    with session_scope(small_plan.resolved_database_url) as session:
        ws = session.get(Workspace, workspace.id)
        assert ws is not None
        check_submission(session, small_plan, ws, "render", 1)
        first_checked.set()
        time.sleep(0.5)
        session.add(
            Job(
                id=new_id("render"),
                kind="render",
                workspace_id=workspace.id,
                status="queued",
                request={},
                metadata_={},
                warnings=[],
                artifact_keys=[],
                estimated_seconds=1,
                attempts=0,
                cancel_requested=False,
                progress_percent=0.0,
            )
        )
    racer.join(timeout=20)
    # Then the concurrent submission saw it and was refused
    assert outcome == ["refused"]


@pytest.fixture
def two_workers(settings: Settings) -> Iterator[tuple[Settings, TestClient]]:
    busy = settings.model_copy(update={"embedded_workers": 2, "queued_jobs_per_workspace": 3})
    with live_product(busy) as client:
        yield busy, client


def status_of(client: TestClient, ws: VerifiedWorkspace, job_id: str) -> str:
    return str(client.get(f"/v1/renders/{job_id}", headers=ws.headers).json()["status"])


@pytest.mark.slow
def test_a_free_workspace_s_renders_wait_their_turn_while_another_workspace_runs(
    two_workers: tuple[Settings, TestClient], workspace: VerifiedWorkspace
) -> None:
    settings, client = two_workers
    other = make_workspace(settings, name="Other", email="o@other.test", plan="free")
    # Given a free workspace (one job at a time) that submits renders back to back
    body = {**tiny(), "duration": 3, "frame_rate": 30, "width": 320, "height": 180}
    answers = []
    while len(answers) < 5 and (not answers or answers[-1].status_code == 202):
        answers.append(client.post("/v1/renders", json=body, headers=workspace.headers))
    # Then they are accepted until 3 wait (this server's bound): one running, three waiting
    refused = answers.pop()
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "queue_full"
    assert all(answer.status_code == 202 for answer in answers) and len(answers) in (3, 4)
    ids = [answer.json()["id"] for answer in answers]
    # When another workspace submits after them, it does not wait behind them
    theirs = client.post("/v1/renders", json=tiny(), headers=other.headers).json()["id"]
    wait_for(client, other, theirs, lambda j: j["status"] == "completed", 60)
    assert sum(status_of(client, workspace, i) == "completed" for i in ids) < len(ids)
    # And the first workspace's renders ran one at a time, and all completed
    running_at_once = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        statuses = [status_of(client, workspace, i) for i in ids]
        running_at_once = max(running_at_once, statuses.count("processing"))
        if all(status == "completed" for status in statuses):
            break
        time.sleep(0.05)
    assert all(status_of(client, workspace, i) == "completed" for i in ids)
    assert running_at_once == 1


def test_many_jobs_submitted_at_once_count_against_the_bound(
    small_plan: Settings, workspace: VerifiedWorkspace
) -> None:
    bounded = small_plan.model_copy(update={"queued_jobs_per_workspace": 3})
    add_job(bounded, workspace.id, kind="render", status="queued")
    with session_scope(bounded.resolved_database_url) as session:
        ws = session.get(Workspace, workspace.id)
        assert ws is not None
        check_submission(session, bounded, ws, "render", 1, count=2)
        with pytest.raises(QueueFull):
            check_submission(session, bounded, ws, "render", 1, count=3)
