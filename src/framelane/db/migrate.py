"""Apply the Alembic migrations programmatically (`framelane migrate`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config

from framelane.db.session import normalise_url


def alembic_config(database_url: str) -> Config:
    ini = Path(str(resources.files("framelane.db") / "alembic.ini"))
    config = Config(str(ini))
    config.set_main_option("script_location", str(ini.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Bring the database to every head (feature branches each add their own head)."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "heads")
