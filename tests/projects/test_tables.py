"""The project tables as migration 0008 makes them, on the test backend (SQLite by default,
PostgreSQL with FRAMELANE_TEST_DATABASE=postgresql), and the migration's own round trip."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from framelane.db.migrate import alembic_config, upgrade
from framelane.db.session import dispose_engine, engine_for


def test_tables_keys_and_cascades(database_url: str) -> None:
    inspector = inspect(engine_for(database_url))
    assert {"projects", "project_versions", "batches", "batch_jobs"} <= set(
        inspector.get_table_names()
    )
    assert inspector.get_pk_constraint("project_versions")["constrained_columns"] == [
        "project_id",
        "version",
    ]
    assert inspector.get_pk_constraint("batch_jobs")["constrained_columns"] == ["batch_id", "row"]
    unique = {i["name"]: i for i in inspector.get_indexes("batch_jobs")}["ix_batch_jobs_job_id"]
    assert unique["unique"] and unique["column_names"] == ["job_id"]
    for table, column, target in (
        ("projects", "workspace_id", "workspaces"),
        ("project_versions", "project_id", "projects"),
        ("batches", "workspace_id", "workspaces"),
        ("batches", "project_id", "projects"),
        ("batch_jobs", "batch_id", "batches"),
        ("batch_jobs", "job_id", "jobs"),
    ):
        keys = [
            k for k in inspector.get_foreign_keys(table) if k["constrained_columns"] == [column]
        ]
        assert keys and keys[0]["referred_table"] == target
        assert (keys[0]["options"].get("ondelete") or "").upper() == "CASCADE", (table, column)


def test_the_migration_goes_down_and_up_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'round.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "0008_projects@0003_jobs")
    assert "projects" not in inspect(engine_for(url)).get_table_names()
    dispose_engine(url)
    upgrade(url)
    assert "batch_jobs" in inspect(engine_for(url)).get_table_names()
    dispose_engine(url)
