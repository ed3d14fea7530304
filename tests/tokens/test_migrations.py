"""0007: tokenset names become unique per workspace (ignoring case). Names already taken
twice before the index existed are renamed, not dropped, so the upgrade always succeeds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command

from framelane.db.migrate import alembic_config, upgrade


def test_duplicate_names_get_a_number_and_the_index_then_refuses_new_ones(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0006_tokens")
    rows = [
        ("ts_1", "ws_a", "Colors", "2026-01-01"),
        ("ts_2", "ws_a", "colors", "2026-01-02"),
        ("ts_3", "ws_a", "COLORS", "2026-01-03"),
        ("ts_4", "ws_b", "Colors", "2026-01-04"),
    ]
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.executemany(
            "INSERT INTO tokensets (id, workspace_id, name, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(*row, row[3]) for row in rows],
        )
    upgrade(url)
    with sqlite3.connect(tmp_path / "old.db") as db:
        names = dict(db.execute("SELECT id, name FROM tokensets").fetchall())
        assert names == {
            "ts_1": "Colors",
            "ts_2": "colors (2)",
            "ts_3": "COLORS (3)",
            "ts_4": "Colors",
        }
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO tokensets (id, workspace_id, name, created_at, updated_at) "
                "VALUES ('ts_5', 'ws_b', 'colors', '2026-02-01', '2026-02-01')"
            )
