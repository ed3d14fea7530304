"""Cursor pagination: `limit` 1–100 (default 50), opaque cursors.

Answers are `{data, next_cursor, has_more}`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from framelane.core.errors import BadRequest

T = TypeVar("T")
Row = TypeVar("Row")


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = None
    has_more: bool = False


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    after_id: str | None


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequest("The cursor is not valid.", code="invalid_cursor") from exc
    if not isinstance(value, str):
        raise BadRequest("The cursor is not valid.", code="invalid_cursor")
    return value


def page_params(
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> PageParams:
    return PageParams(limit, decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageParams, Depends(page_params)]


def paginate(
    session: Session,
    stmt: Select[Row],
    id_column: InstrumentedAttribute[str],
    params: PageParams,
) -> tuple[Sequence[Row], str | None, bool]:
    """Newest first by prefixed-ULID id; returns (rows, next_cursor, has_more)."""
    if params.after_id is not None:
        stmt = stmt.where(id_column < params.after_id)
    rows = session.scalars(stmt.order_by(id_column.desc()).limit(params.limit + 1)).all()
    has_more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = encode_cursor(str(getattr(rows[-1], id_column.key))) if has_more else None
    return rows, next_cursor, has_more


def page_of(items: list[Any], next_cursor: str | None, has_more: bool) -> dict[str, Any]:
    return {"data": items, "next_cursor": next_cursor, "has_more": has_more}
