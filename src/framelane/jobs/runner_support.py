"""Small pieces shared by the runner, the ingest step, the reaper and retention."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.db.session import sessionmaker_for
from framelane.db.unit_of_work import commit, rollback
from framelane.jobs import states


def worker_id() -> str:
    """`host:pid:thread` of the caller; the reaper and tests read the pid back."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@contextmanager
def job_session(settings: Settings) -> Iterator[Session]:
    """A unit of work whose `after_commit` callbacks (enqueues) run after the commit."""
    session = sessionmaker_for(settings.resolved_database_url)()
    try:
        yield session
        commit(session)
    except BaseException:
        rollback(session)
        raise
    finally:
        session.close()


def fail(settings: Settings, job_id: str, attempt: int | None, code: str, message: str) -> None:
    """Fail the job (only at `attempt` when given) with `{code, message}`."""
    with job_session(settings) as session:
        states.move(
            session,
            settings,
            job_id,
            "failed",
            attempt=attempt,
            values=states.failure(code, message),
        )
