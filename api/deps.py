"""FastAPI dependencies: the database, the settings and the caller's identity."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.auth import Principal, PrincipalCache, Role, hash_token, principal_for_token
from api.db.engine import Database
from api.errors import ApiError
from api.settings import Settings
from territory.clock import Clock

__all__ = [
    "ClockDep",
    "CurrentUser",
    "ReadSession",
    "get_clock",
    "get_database",
    "get_settings",
    "require",
]

_bearer = HTTPBearer(auto_error=False, description="A token from POST /auth/token.")


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_clock(request: Request) -> Clock:
    """The app's clock (``create_app(clock=...)``): every calendar time of a request."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _read_session(
    database: Annotated[Database, Depends(get_database)],
) -> AsyncIterator[Session]:
    # Sessions connect lazily (in the route's thread); async here saves a thread hop.
    with database.read() as session:
        yield session


ReadSession = Annotated[Session, Depends(_read_session)]


async def _current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    # On every request: the app state is read directly (fewer dependencies to solve).
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "a bearer token is required")
    state = request.app.state
    secret = state.settings.secret
    cache: PrincipalCache = state.principals
    token_hash = hash_token(credentials.credentials, secret)
    principal = cache.get(token_hash)
    if principal is None:
        principal = await run_in_threadpool(
            _lookup, state.database, credentials.credentials, secret, state.clock
        )
        if principal is not None:
            cache.put(token_hash, principal)
    if principal is None:
        raise ApiError(401, "unauthorized", "the token is invalid or expired")
    return principal


def _lookup(database: Database, token: str, secret: str, clock: Clock) -> Principal | None:
    with database.read() as session:
        return principal_for_token(session, token, secret, now=clock.now())


CurrentUser = Annotated[Principal, Depends(_current_user)]


def require(*roles: Role) -> object:
    """A dependency that lets only ``roles`` through (403 otherwise)."""

    async def _check(user: CurrentUser) -> Principal:
        if user.role not in roles:
            raise ApiError(
                403, "forbidden", f"a {user.role} account may not do this ({', '.join(roles)} only)"
            )
        return user

    return Depends(_check)


def forbid(message: str) -> ApiError:
    """The 403 for a resource outside the caller's scope."""
    return ApiError(403, "forbidden", message)
