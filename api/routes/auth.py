"""``/auth/token``, ``/me`` and ``/users``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from api.auth import Principal, create_user, issue_token, verify_password
from api.db.engine import Database
from api.db.models import UserRow
from api.deps import ClockDep, CurrentUser, ReadSession, get_database, get_settings, require
from api.errors import ApiError, error_responses
from api.schemas.auth import LoginRequest, TokenPublic, UserCreate, UserPublic
from api.settings import Settings

__all__ = ["router"]

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    response_model=TokenPublic,
    responses=error_responses(401, 422),
    summary="Exchange a username and password for a bearer token",
)
def login(
    body: LoginRequest,
    database: Annotated[Database, Depends(get_database)],
    settings: Annotated[Settings, Depends(get_settings)],
    clock: ClockDep,
) -> TokenPublic:
    with database.read() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == body.username))
        valid = (
            user is not None and user.active and verify_password(body.password, user.password_hash)
        )
    if not valid or user is None:
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    with database.write() as session:
        token = issue_token(session, user, settings.secret, settings.token_ttl_h, now=clock.now())
    return TokenPublic(access_token=token, expires_in_s=int(settings.token_ttl_h * 3600))


@router.get(
    "/me",
    response_model=UserPublic,
    responses=error_responses(401),
    summary="The account of the token",
)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic(
        id=user.user_id,
        username=user.username,
        role=user.role,
        venue_id=user.venue_id,
        producer_id=user.producer_id,
    )


@router.get(
    "/users",
    response_model=list[UserPublic],
    responses=error_responses(401, 403),
    summary="List accounts (coordinator)",
)
def list_users(
    session: ReadSession,
    _user: Annotated[Principal, require("coordinator")],
) -> list[UserRow]:
    return list(session.scalars(select(UserRow).order_by(UserRow.id)))


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=201,
    responses=error_responses(401, 403, 422),
    summary="Create an account (coordinator)",
)
def add_user(
    body: UserCreate,
    database: Annotated[Database, Depends(get_database)],
    _user: Annotated[Principal, require("coordinator")],
) -> UserRow:
    with database.write() as session:
        return create_user(
            session,
            body.username,
            body.password,
            body.role,
            venue_id=body.venue_id,
            producer_id=body.producer_id,
        )
