"""Route dependencies every feature's endpoints use: the settings, the features of the app
(`WiringDep`) and one database transaction per request (`SessionDep`). Who is calling
(`WorkspaceDep`, `UserDep`) is identity's: `framelane.identity.auth`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from framelane.core.settings import Settings
from framelane.db import unit_of_work
from framelane.db.session import sessionmaker_for
from framelane.kit.wiring import Wiring


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error.

    Async so the request needs no thread hop for it; a transaction that wrote something is
    committed on a worker thread, a read-only one has nothing to commit and just ends when the
    session closes."""
    session = sessionmaker_for(settings_of(request).resolved_database_url)()
    try:
        yield session
        if unit_of_work.has_writes(session):
            await anyio.to_thread.run_sync(unit_of_work.commit, session)
    except BaseException:
        unit_of_work.rollback(session)
        raise
    finally:
        session.close()


async def get_settings(request: Request) -> Settings:
    return settings_of(request)


async def get_wiring(request: Request) -> Wiring:
    """The features of this app, merged (`framelane.kit.wiring`)."""
    wiring: Wiring = request.app.state.wiring
    return wiring


SettingsDep = Annotated[Settings, Depends(get_settings)]
WiringDep = Annotated[Wiring, Depends(get_wiring)]
# scope="function": the transaction ends before the response is sent (the default "request"
# scope would commit after the client has its answer, so an immediate read could miss the write).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
