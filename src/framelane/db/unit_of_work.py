"""Callbacks that must run only after the current transaction commits (e.g. enqueueing a job)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

_KEY = "framelane.after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session commits; dropped if it rolls back."""
    session.info.setdefault(_KEY, []).append(callback)


def commit(session: Session) -> None:
    """Commit, then run the callbacks registered with `after_commit`, in order."""
    callbacks: list[Callable[[], None]] = session.info.pop(_KEY, [])
    session.commit()
    for callback in callbacks:
        callback()


def rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
    session.rollback()
