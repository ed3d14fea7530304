"""Callbacks that must run only after the current transaction commits (e.g. enqueueing a job)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

_KEY = "framelane.after_commit"
_WROTE = "framelane.wrote"


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_write_statement(state: Any) -> None:
    if not state.is_select:
        state.session.info[_WROTE] = True


def has_writes(session: Session) -> bool:
    """True when the transaction wrote anything (or has work queued for after the commit)."""
    return bool(
        session.info.get(_WROTE)
        or session.info.get(_KEY)
        or session.new
        or session.dirty
        or session.deleted
    )


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the session commits; dropped if it rolls back."""
    session.info.setdefault(_KEY, []).append(callback)


def commit(session: Session) -> None:
    """Commit, then run the callbacks registered with `after_commit`, in order."""
    callbacks: list[Callable[[], None]] = session.info.pop(_KEY, [])
    session.info.pop(_WROTE, None)
    session.commit()
    for callback in callbacks:
        callback()


def rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_WROTE, None)
    session.rollback()
