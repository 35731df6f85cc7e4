"""Organisations, venues, producers, products, vehicles, stock and offers.

Coordinators see everything; a venue sees its own venue; a producer its own
producer and offers; every account sees the product catalogue.  What is written
(products, stock lots, offers) is first built as its domain record, so the API
refuses what the territory folder would refuse (``422 invalid_value``), and the row
is filled from the record's declaration in :mod:`territory.fields`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.auth import Principal
from api.db.engine import Database
from api.db.models import (
    OfferRow,
    OrganisationRow,
    ProducerRow,
    ProductRow,
    StockRow,
    VehicleRow,
    VenueRow,
)
from api.deps import CurrentUser, ReadSession, forbid, get_database, require
from api.errors import ApiError, error_responses
from api.schemas.territory import (
    OfferCreate,
    OfferPublic,
    OrganisationPublic,
    ProducerPublic,
    ProductCreate,
    ProductPublic,
    ProductUpdate,
    StockCreate,
    StockPublic,
    VehiclePublic,
    VenuePublic,
)
from territory.fields import OFFER, PRODUCT, STOCK
from territory.model import Offer, Product, StockLot

__all__ = ["router"]

router = APIRouter(tags=["territory"])

Coordinator = Annotated[Principal, require("coordinator")]
_READ = error_responses(401, 403)
_ONE = error_responses(401, 403, 404)


def _ordered(session: Any, model: Any) -> list[Any]:
    return list(session.scalars(select(model).order_by(model.position, model.id)))


@router.get(
    "/organisations",
    response_model=list[OrganisationPublic],
    responses=_READ,
    summary="Organisations sharing the hub (coordinator)",
)
def list_organisations(session: ReadSession, _user: Coordinator) -> list[Any]:
    return _ordered(session, OrganisationRow)


@router.get(
    "/venues",
    response_model=list[VenuePublic],
    responses=_READ,
    summary="Venues (a venue account sees its own)",
)
def list_venues(session: ReadSession, user: CurrentUser) -> list[Any]:
    if user.role == "coordinator":
        return _ordered(session, VenueRow)
    if user.role == "venue":
        return list(session.scalars(select(VenueRow).where(VenueRow.id == user.venue_id)))
    raise forbid("a producer account may not list venues")


@router.get("/venues/{venue_id}", response_model=VenuePublic, responses=_ONE, summary="One venue")
def get_venue(venue_id: str, session: ReadSession, user: CurrentUser) -> Any:
    if user.role == "producer" or (user.role == "venue" and user.venue_id != venue_id):
        raise forbid(f"this account may not read venue {venue_id}")
    venue = session.get(VenueRow, venue_id)
    if venue is None:
        raise ApiError(404, "not_found", f"no venue {venue_id}")
    return venue


@router.get(
    "/producers",
    response_model=list[ProducerPublic],
    responses=_READ,
    summary="Producers (a producer account sees its own)",
)
def list_producers(session: ReadSession, user: CurrentUser) -> list[Any]:
    if user.role == "coordinator":
        return _ordered(session, ProducerRow)
    if user.role == "producer":
        return list(session.scalars(select(ProducerRow).where(ProducerRow.id == user.producer_id)))
    raise forbid("a venue account may not list producers")


@router.get(
    "/products",
    response_model=list[ProductPublic],
    responses=error_responses(401),
    summary="The product catalogue (every account)",
)
def list_products(session: ReadSession, _user: CurrentUser) -> list[Any]:
    return _ordered(session, ProductRow)


@router.post(
    "/products",
    response_model=ProductPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
    summary="Add a product (coordinator)",
)
def create_product(
    body: ProductCreate,
    database: Annotated[Database, Depends(get_database)],
    _user: Coordinator,
) -> Any:
    try:
        with database.write() as session:
            if session.get(ProductRow, body.id) is not None:
                raise ApiError(409, "already_exists", f"product {body.id} exists", "id")
            row = ProductRow(**PRODUCT.to_db(Product(**body.model_dump())), position=10_000)
            session.add(row)
    except IntegrityError:
        raise ApiError(409, "already_exists", f"product {body.id} exists", "id") from None
    return row


@router.patch(
    "/products/{product_id}",
    response_model=ProductPublic,
    responses=error_responses(401, 403, 404, 422),
    summary="Change a product (coordinator)",
)
def update_product(
    product_id: str,
    body: ProductUpdate,
    database: Annotated[Database, Depends(get_database)],
    _user: Coordinator,
) -> Any:
    with database.write() as session:
        row = session.get(ProductRow, product_id)
        if row is None:
            raise ApiError(404, "not_found", f"no product {product_id}")
        for key, value in body.model_dump(exclude_unset=True).items():
            if value is None:
                raise ApiError(422, "validation_error", f"{key} may not be null", key)
            setattr(row, key, value)
        PRODUCT.from_db(row)  # the changed product must still be a valid record
    return row


@router.get(
    "/vehicles",
    response_model=list[VehiclePublic],
    responses=_READ,
    summary="The pooled fleet (coordinator)",
)
def list_vehicles(session: ReadSession, _user: Coordinator) -> list[Any]:
    return _ordered(session, VehicleRow)


@router.get(
    "/stock", response_model=list[StockPublic], responses=_READ, summary="Stock lots (coordinator)"
)
def list_stock(session: ReadSession, _user: Coordinator) -> list[Any]:
    return list(session.scalars(select(StockRow).order_by(StockRow.id)))


@router.post(
    "/stock",
    response_model=StockPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
    summary="Add a stock lot (coordinator)",
)
def add_stock(
    body: StockCreate,
    database: Annotated[Database, Depends(get_database)],
    _user: Coordinator,
) -> Any:
    with database.write() as session:
        if session.get(ProductRow, body.product_id) is None:
            raise ApiError(422, "unknown_product", f"no product {body.product_id}", "product_id")
        exists = session.scalar(
            select(StockRow.id).where(
                StockRow.product_id == body.product_id, StockRow.lot == body.lot
            )
        )
        if exists is not None:
            raise ApiError(409, "already_exists", f"lot {body.lot} exists", "lot")
        row = StockRow(**STOCK.to_db(StockLot(**body.model_dump())))
        session.add(row)
    return row


@router.get(
    "/offers",
    response_model=list[OfferPublic],
    responses=_READ,
    summary="Producers' offers (a producer account sees its own)",
)
def list_offers(session: ReadSession, user: CurrentUser) -> list[Any]:
    query = select(OfferRow).order_by(OfferRow.id)
    if user.role == "producer":
        query = query.where(OfferRow.producer_id == user.producer_id)
    elif user.role != "coordinator":
        raise forbid("a venue account may not read offers")
    return list(session.scalars(query))


@router.post(
    "/offers",
    response_model=OfferPublic,
    status_code=201,
    responses=error_responses(401, 403, 422),
    summary="Offer produce for a weekday (producer for itself, or coordinator)",
)
def add_offer(
    body: OfferCreate,
    database: Annotated[Database, Depends(get_database)],
    user: CurrentUser,
) -> Any:
    if user.role == "venue":
        raise forbid("a venue account may not make offers")
    producer_id = body.producer_id
    if user.role == "producer":
        if producer_id not in (None, user.producer_id):
            raise forbid(f"this account may not offer for producer {producer_id}")
        producer_id = user.producer_id
    if producer_id is None:
        raise ApiError(422, "validation_error", "producer_id is required", "producer_id")
    with database.write() as session:
        if session.get(ProducerRow, producer_id) is None:
            raise ApiError(422, "unknown_producer", f"no producer {producer_id}", "producer_id")
        if session.get(ProductRow, body.product_id) is None:
            raise ApiError(422, "unknown_product", f"no product {body.product_id}", "product_id")
        offer = Offer(producer_id, body.product_id, body.quantity, body.day)
        row = OfferRow(**OFFER.to_db(offer))
        session.add(row)
    return row
