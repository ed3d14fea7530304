"""Several processes starting together on a PostgreSQL queue must not race creating its tables."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from framelane.jobs.queue import make_huey
from tests.fixtures.database import create_postgres_schema, postgres_schema_url

pytestmark = pytest.mark.postgres


def test_concurrent_queue_start_on_a_fresh_schema_creates_the_tables_once() -> None:
    schema, admin = create_postgres_schema("fl_queue")
    url = postgres_schema_url(schema)
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def start_queue() -> None:
        start.wait()
        try:
            make_huey(url, "race")
        except BaseException as exc:  # the race used to raise UniqueViolation here
            errors.append(exc)

    threads = [threading.Thread(target=start_queue) for _ in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with admin.connect() as connection:
            tables = connection.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"), {"s": schema}
            ).scalar()
        assert tables == 4
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
