"""Plan quotas at submission: render minutes (in-flight jobs count), monthly tasks, concurrency."""

from __future__ import annotations

import threading
import time

import pytest

from framelane.core.ids import new_id
from framelane.core.settings import PlanLimits, Settings
from framelane.db.session import session_scope
from framelane.identity.models import Workspace
from framelane.jobs.models import Job
from framelane.jobs.quotas import QuotaExceeded, check_submission
from framelane.usage.repository import UsageRepository
from tests.fixtures.identity import VerifiedWorkspace
from tests.jobs.conftest import add_job


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


def test_concurrency_counts_every_active_job(
    small_plan: Settings, workspace: VerifiedWorkspace
) -> None:
    for status in ("ingesting", "queued", "processing"):
        add_job(small_plan, workspace.id, kind="render", status=status)
    add_job(small_plan, workspace.id, kind="render", status="completed")
    with pytest.raises(QuotaExceeded) as refused:
        check(small_plan, workspace.id, "render", 1)
    assert refused.value.details == {"limit": "concurrent_jobs", "active": 3, "maximum": 3}


def test_unlimited_plans_are_not_checked(settings: Settings) -> None:
    from tests.fixtures.identity import make_workspace

    rich = make_workspace(settings, name="Rich", email="r@rich.test", plan="enterprise")
    record(settings, rich.id, "render_seconds", 10**7)
    check(settings, rich.id, "render", 10**6)


def test_a_submission_waits_for_a_concurrent_one_of_the_same_workspace(
    small_plan: Settings, workspace: VerifiedWorkspace
) -> None:
    # Given two jobs already running, one slot is left on this plan
    add_job(small_plan, workspace.id, kind="render")
    add_job(small_plan, workspace.id, kind="render")
    outcome: list[str] = []
    first_checked = threading.Event()

    def second() -> None:
        first_checked.wait()
        try:
            check(small_plan, workspace.id, "render", 1)
            outcome.append("accepted")
        except QuotaExceeded:
            outcome.append("refused")

    racer = threading.Thread(target=second)
    racer.start()
    # When a first submission takes the last slot and commits a moment later
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
