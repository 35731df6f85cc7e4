"""Order windows and orders: a venue places, changes and cancels its order until the cut-off.

``POST /orders`` takes an ``Idempotency-Key`` header: a retried request with the
same key (same venue, same body) returns the order made the first time (200) instead
of making a second one; the same key with another body is a 409.  Every change of
an order is kept in ``/orders/{id}/history`` (who, when, the lines after the change).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, bindparam, exists, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import Principal
from api.db.engine import Database
from api.db.group_commit import GroupCommit
from api.db.models import (
    OrderEventRow,
    OrderLineRow,
    OrderRow,
    OrderWindowRow,
    ProductRow,
    VenueRow,
)
from api.deps import ClockDep, CurrentUser, ReadSession, forbid, get_database, require
from api.errors import ApiError, error_responses
from api.schemas.common import Week
from api.schemas.orders import (
    OrderCreate,
    OrderEventPublic,
    OrderLineIn,
    OrderLinePublic,
    OrderPublic,
    OrderUpdate,
    OrderWindowCreate,
    OrderWindowPublic,
    OrderWindowUpdate,
)
from territory.clock import Clock

__all__ = ["router"]

router = APIRouter(tags=["orders"])
Coordinator = Annotated[Principal, require("coordinator")]
DatabaseDep = Annotated[Database, Depends(get_database)]


# ----------------------------------------------------------------- windows
def _window_public(row: OrderWindowRow, now: dt.datetime) -> OrderWindowPublic:
    return OrderWindowPublic(week=row.week, cutoff_at=row.cutoff_at, open=now < row.cutoff_at)


@router.get(
    "/order-windows",
    response_model=list[OrderWindowPublic],
    responses=error_responses(401),
    summary="Order windows: the weeks one may order for, and their cut-off",
)
def list_windows(
    session: ReadSession, _user: CurrentUser, clock: ClockDep
) -> list[OrderWindowPublic]:
    rows = session.scalars(select(OrderWindowRow).order_by(OrderWindowRow.week))
    now = clock.now()
    return [_window_public(r, now) for r in rows]


@router.post(
    "/order-windows",
    response_model=OrderWindowPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
    summary="Open a week for orders (coordinator)",
)
def create_window(
    body: OrderWindowCreate, database: DatabaseDep, _user: Coordinator, clock: ClockDep
) -> OrderWindowPublic:
    try:
        with database.write() as session:
            if session.scalar(select(OrderWindowRow).where(OrderWindowRow.week == body.week)):
                raise ApiError(409, "already_exists", f"{body.week} has a window", "week")
            row = OrderWindowRow(week=body.week, cutoff_at=body.cutoff_at)
            session.add(row)
    except IntegrityError:
        raise ApiError(409, "already_exists", f"{body.week} has a window", "week") from None
    return _window_public(row, clock.now())


@router.patch(
    "/order-windows/{week}",
    response_model=OrderWindowPublic,
    responses=error_responses(401, 403, 404, 422),
    summary="Move a week's cut-off (coordinator)",
)
def update_window(
    week: Week, body: OrderWindowUpdate, database: DatabaseDep, _user: Coordinator, clock: ClockDep
) -> OrderWindowPublic:
    with database.write() as session:
        row = session.scalar(select(OrderWindowRow).where(OrderWindowRow.week == week))
        if row is None:
            raise ApiError(404, "not_found", f"no order window for {week}")
        row.cutoff_at = body.cutoff_at
    return _window_public(row, clock.now())


# ------------------------------------------------------------------ orders
def _lines_json(lines: list[OrderLineIn]) -> list[dict[str, Any]]:
    return [{"product_id": x.product_id, "quantity": x.quantity} for x in lines]


def _check_products(session: Session, lines: list[OrderLineIn]) -> None:
    wanted = {x.product_id for x in lines}
    known = set(session.scalars(select(ProductRow.id).where(ProductRow.id.in_(wanted))))
    for i, line in enumerate(lines):
        if line.product_id not in known:
            raise ApiError(
                422,
                "unknown_product",
                f"no product {line.product_id}",
                f"lines.{i}.product_id",
            )


def _check_window(session: Session, week: str, user: Principal, now: dt.datetime) -> None:
    cutoff_at = session.scalar(select(OrderWindowRow.cutoff_at).where(OrderWindowRow.week == week))
    _check_cutoff(week, cutoff_at, user, now)


def _check_cutoff(
    week: str, cutoff_at: dt.datetime | None, user: Principal, now: dt.datetime
) -> None:
    """Raise the 409 when ``week`` has no window or, for a non-coordinator, is past its cut-off."""
    if cutoff_at is None:
        raise ApiError(409, "no_order_window", f"{week} is not open for orders", "week")
    if user.role != "coordinator" and now >= cutoff_at:
        raise ApiError(
            409,
            "order_window_closed",
            f"the cut-off of {week} ({cutoff_at.isoformat()}) has passed",
            "week",
        )


def _event(order: OrderRow, user: Principal, action: str) -> OrderEventRow:
    return OrderEventRow(
        order_id=order.id,
        user_id=user.user_id,
        username=user.username,
        action=action,
        version=order.version,
        at=order.updated_at,
        lines=[{"product_id": x.product_id, "quantity": x.quantity} for x in order.lines],
    )


def _request_hash(venue_id: str, body: OrderCreate) -> str:
    text = json.dumps([venue_id, body.week, _lines_json(body.lines)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(session: Session, venue_id: str, key: str, digest: str) -> OrderRow | None:
    found = session.execute(
        select(OrderRow.id, OrderRow.request_hash).where(
            OrderRow.venue_id == venue_id, OrderRow.idempotency_key == key
        )
    ).first()
    if found is None:
        return None
    if found.request_hash != digest:
        raise ApiError(
            409,
            "idempotency_conflict",
            "this Idempotency-Key was used for another request",
            "Idempotency-Key",
        )
    return session.get(OrderRow, found.id)


_INSERT_ORDER = insert(OrderRow).returning(OrderRow.id)
_INSERT_LINE = insert(OrderLineRow)
_INSERT_EVENT = insert(OrderEventRow)
# Every check of a new order in one round trip: a retry?, the venue, the window, the products.
_ORDER_CHECKS = select(
    exists()
    .where(
        OrderRow.venue_id == bindparam("venue_id"),
        OrderRow.idempotency_key == bindparam("key"),
    )
    .label("retry"),
    exists().where(VenueRow.id == bindparam("venue_id")).label("venue_known"),
    select(OrderWindowRow.cutoff_at)
    .where(OrderWindowRow.week == bindparam("week"))
    .scalar_subquery()
    .label("cutoff_at"),
    select(func.count())
    .select_from(ProductRow)
    .where(ProductRow.id.in_(bindparam("product_ids", expanding=True)))
    .scalar_subquery()
    .label("products_known"),
)


@router.post(
    "/orders",
    response_model=OrderPublic,
    status_code=201,
    responses={
        200: {"model": OrderPublic, "description": "A retry: the order made the first time"},
        **error_responses(401, 403, 409, 422),
    },
    summary="Place an order for a week (venue for itself, or coordinator)",
)
async def place_order(
    body: OrderCreate,
    request: Request,
    user: CurrentUser,
    clock: ClockDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=200,
            description="Any unique string; a retry with the same key never duplicates.",
        ),
    ] = None,
) -> Response:
    # Hot path: the write joins the next group commit (api.db.group_commit) and the
    # answer is serialised here once, without FastAPI re-validating it.
    if user.role == "producer":
        raise forbid("a producer account may not place orders")
    venue_id = body.venue_id
    if user.role == "venue":
        if venue_id not in (None, user.venue_id):
            raise forbid(f"this account may not order for venue {venue_id}")
        venue_id = user.venue_id
    if venue_id is None:
        raise ApiError(422, "validation_error", "venue_id is required", "venue_id")
    digest = _request_hash(venue_id, body)
    writer: GroupCommit = request.app.state.order_writer
    try:
        status, content = await writer.run(
            partial(_insert_order, body, venue_id, user, idempotency_key, digest, clock)
        )
    except IntegrityError:  # a concurrent retry with the same key won the race
        if idempotency_key is None:
            raise
        database: Database = request.app.state.database
        status, content = (
            200,
            await run_in_threadpool(_replayed_json, database, venue_id, idempotency_key, digest),
        )
    return Response(content, status_code=status, media_type="application/json")


def _insert_order(
    body: OrderCreate,
    venue_id: str,
    user: Principal,
    idempotency_key: str | None,
    digest: str,
    clock: Clock,
    connection: Connection,
) -> tuple[int, bytes]:
    """Check and insert an order with its lines and audit event: (status, JSON).

    Raises :class:`ApiError` only before writing anything (a group-commit contract).
    """
    lines = _lines_json(body.lines)
    product_ids = sorted({x["product_id"] for x in lines})
    checks = connection.execute(
        _ORDER_CHECKS,
        {
            "venue_id": venue_id,
            "key": idempotency_key,
            "week": body.week,
            "product_ids": product_ids,
        },
    ).one()
    if checks.retry:
        with Session(bind=connection) as session:
            existing = _replay(session, venue_id, str(idempotency_key), digest)
            if existing is not None:
                return 200, OrderPublic.model_validate(existing).model_dump_json().encode()
    if not checks.venue_known:
        raise ApiError(422, "unknown_venue", f"no venue {venue_id}", "venue_id")
    if checks.products_known != len(product_ids):
        with Session(bind=connection) as session:
            _check_products(session, body.lines)  # names the first unknown line
    now = clock.now()
    _check_cutoff(body.week, checks.cutoff_at, user, now)
    order_id = connection.execute(
        _INSERT_ORDER,
        {
            "week": body.week,
            "venue_id": venue_id,
            "status": "active",
            "version": 1,
            "source": "api",
            "idempotency_key": idempotency_key,
            "request_hash": digest,
            "created_by": user.user_id,
            "created_at": now,
            "updated_at": now,
        },
    ).scalar_one()
    connection.execute(_INSERT_LINE, [x | {"order_id": order_id} for x in lines])
    connection.execute(
        _INSERT_EVENT,
        {
            "order_id": order_id,
            "user_id": user.user_id,
            "username": user.username,
            "action": "created",
            "version": 1,
            "at": now,
            "lines": lines,
        },
    )
    order = OrderPublic(
        id=order_id,
        week=body.week,
        venue_id=venue_id,
        status="active",
        version=1,
        lines=[OrderLinePublic(**x) for x in lines],
        created_at=now,
        updated_at=now,
    )
    return 201, order.model_dump_json().encode()


def _replayed_json(database: Database, venue_id: str, key: str, digest: str) -> bytes:
    """The JSON of the order first made with ``key``.

    Raises
    ------
    LookupError
        When there is none (the integrity error had another cause).
    """
    with database.read() as session:
        existing = _replay(session, venue_id, key, digest)
        if existing is None:
            raise LookupError(f"no order of {venue_id} with Idempotency-Key {key}")
        return OrderPublic.model_validate(existing).model_dump_json().encode()


def _scoped_order(session: Session, order_id: int, user: Principal) -> OrderRow:
    if user.role == "producer":
        raise forbid("a producer account may not read orders")
    order = session.get(OrderRow, order_id)
    if order is None:
        raise ApiError(404, "not_found", f"no order {order_id}")
    if user.role == "venue" and order.venue_id != user.venue_id:
        raise forbid(f"order {order_id} belongs to another venue")
    return order


@router.get(
    "/orders",
    response_model=list[OrderPublic],
    responses=error_responses(401, 403, 422),
    summary="Orders (a venue sees its own)",
)
def list_orders(
    session: ReadSession,
    user: CurrentUser,
    week: Annotated[Week | None, Query()] = None,
    status: Annotated[str | None, Query(pattern="^(active|cancelled)$")] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="At most this many, by id.")] = 1000,
    offset: Annotated[int, Query(ge=0, description="Skip this many first.")] = 0,
) -> list[OrderRow]:
    if user.role == "producer":
        raise forbid("a producer account may not read orders")
    query = select(OrderRow).order_by(OrderRow.id)
    if user.role == "venue":
        query = query.where(OrderRow.venue_id == user.venue_id)
    if week is not None:
        query = query.where(OrderRow.week == week)
    if status is not None:
        query = query.where(OrderRow.status == status)
    return list(session.scalars(query.limit(limit).offset(offset)))


@router.get(
    "/orders/{order_id}",
    response_model=OrderPublic,
    responses=error_responses(401, 403, 404),
    summary="One order",
)
def get_order(order_id: int, session: ReadSession, user: CurrentUser) -> OrderRow:
    return _scoped_order(session, order_id, user)


@router.get(
    "/orders/{order_id}/history",
    response_model=list[OrderEventPublic],
    responses=error_responses(401, 403, 404),
    summary="Audit trail of an order: every change, who and when",
)
def order_history(order_id: int, session: ReadSession, user: CurrentUser) -> list[OrderEventRow]:
    _scoped_order(session, order_id, user)
    return list(
        session.scalars(
            select(OrderEventRow)
            .where(OrderEventRow.order_id == order_id)
            .order_by(OrderEventRow.id)
        )
    )


@router.patch(
    "/orders/{order_id}",
    response_model=OrderPublic,
    responses=error_responses(401, 403, 404, 409, 422),
    summary="Replace an order's lines before the cut-off",
)
def modify_order(
    order_id: int, body: OrderUpdate, database: DatabaseDep, user: CurrentUser, clock: ClockDep
) -> OrderRow:
    now = clock.now()
    with database.write() as session:
        order = _scoped_order(session, order_id, user)
        if order.status != "active":
            raise ApiError(409, "order_cancelled", f"order {order_id} is cancelled")
        if body.version is not None and body.version != order.version:
            raise ApiError(
                409,
                "version_conflict",
                f"order {order_id} is at version {order.version}, not {body.version}",
                "version",
            )
        _check_products(session, body.lines)
        _check_window(session, order.week, user, now)
        order.lines = [
            OrderLineRow(product_id=x.product_id, quantity=x.quantity) for x in body.lines
        ]
        order.version += 1
        order.updated_at = now
        session.flush()
        session.add(_event(order, user, "modified"))
    return order


@router.delete(
    "/orders/{order_id}",
    response_model=OrderPublic,
    responses=error_responses(401, 403, 404, 409),
    summary="Cancel an order before the cut-off (kept, with status cancelled)",
)
def cancel_order(
    order_id: int, database: DatabaseDep, user: CurrentUser, clock: ClockDep
) -> OrderRow:
    now = clock.now()
    with database.write() as session:
        order = _scoped_order(session, order_id, user)
        if order.status == "cancelled":
            return order
        _check_window(session, order.week, user, now)
        order.status = "cancelled"
        order.version += 1
        order.updated_at = now
        session.add(_event(order, user, "cancelled"))
    return order
