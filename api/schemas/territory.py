"""The territory's resources: public views, and create/update for what changes weekly.

The public views (``VenuePublic`` ...) are built from the records' declarations in
:mod:`territory.fields`: one property per field with ``public=True``, named as the
database column and typed as stored there (``delivery_days`` is ``"mon;thu"``),
optional exactly when the record may hold no value, described with its unit.  A
column added to a record therefore shows in the API without an edit here.  The
create/update bodies carry the API's own input limits and are written out; a test
checks that they name the declared fields.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from api.schemas.common import Id
from territory.fields import (
    OFFER,
    ORGANISATION,
    PRODUCER,
    PRODUCT,
    STOCK,
    VEHICLE,
    VENUE,
    RecordFields,
)

__all__ = [
    "OfferCreate",
    "OfferPublic",
    "OrganisationPublic",
    "ProducerPublic",
    "ProductCreate",
    "ProductPublic",
    "ProductUpdate",
    "StockCreate",
    "StockPublic",
    "VehiclePublic",
    "VenuePublic",
    "public_model",
]

Temperature = Literal["ambient", "chilled", "frozen"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def public_model(
    name: str,
    spec: RecordFields[Any],
    example: dict[str, Any],
    *,
    row_id: bool = False,
) -> type[BaseModel]:
    """The public view of a record's database row, built from its declaration.

    Parameters
    ----------
    name
        Name of the model (and of its OpenAPI component).
    spec
        The record's fields; those with ``public=False`` are left out.
    example
        The OpenAPI example.
    row_id
        Whether the row's integer ``id`` comes first (stock lots, offers).
    """
    fields: dict[str, Any] = {}
    if row_id:
        fields["id"] = (int, Field(description="Row identifier."))
    for f in spec.fields:
        if not f.public:
            continue
        if f.nullable:
            fields[f.db] = (f.cell.stored | None, Field(default=None, description=f.description))
        else:
            fields[f.db] = (f.cell.stored, Field(description=f.description))
    config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [example]})
    model: type[BaseModel] = create_model(name, __config__=config, **fields)
    return model


_ORGANISATION_EXAMPLE: dict[str, Any] = {"id": "org_a", "name": "Association A", "kind": None}
_VENUE_EXAMPLE: dict[str, Any] = {
    "id": "v1",
    "name": "Épicerie solidaire",
    "kind": "grocery",
    "organisation_id": "org_a",
    "lon": 4.88,
    "lat": 45.78,
    "households": 120,
    "delivery_days": "mon;thu",
    "access": "any",
    "service_min": 12.0,
    "address": None,
    "deliveries_per_week": 1,
    "accepts_substitutes": True,
}
_PRODUCER_EXAMPLE: dict[str, Any] = {
    "id": "prod_doua",
    "name": "Jardin de la Doua",
    "organisation_id": None,
    "lon": 4.87,
    "lat": 45.78,
    "field_m2": 3000.0,
    "greenhouse_m2": 300.0,
    "address": None,
}
_VEHICLE_EXAMPLE: dict[str, Any] = {
    "id": "van",
    "name": "Fourgon",
    "organisation_id": "org_b",
    "kind": "van",
    "profile": "drive",
    "capacity_kg": 1000.0,
    "capacity_l": 6000.0,
    "chilled_l": 300.0,
    "frozen_l": 0.0,
    "days": "mon;tue",
    "max_trips": 2,
    "zone": None,
}
_STOCK_EXAMPLE: dict[str, Any] = {
    "product_id": "carotte",
    "lot": "L49",
    "quantity": 4,
    "expiry": "2026-12-15",
}
_OFFER_EXAMPLE: dict[str, Any] = {
    "producer_id": "prod_doua",
    "product_id": "salade",
    "quantity": 3,
    "day": "wed",
}
_PRODUCT_EXAMPLE: dict[str, Any] = {
    "id": "carotte",
    "name": "Carottes",
    "category": "vegetables",
    "temperature": "ambient",
    "unit": "cagette 10 kg",
    "unit_kg": 10.0,
    "unit_l": 20.0,
    "shelf_life_days": 21,
    "price_eur": 12.0,
}


class ProductCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_PRODUCT_EXAMPLE]})

    id: Id
    name: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=100)
    temperature: Temperature
    unit: str = Field(min_length=1, max_length=100)
    unit_kg: float = Field(gt=0, le=10_000)
    unit_l: float = Field(ge=0, le=100_000)
    shelf_life_days: int = Field(ge=0, le=10_000)
    price_eur: float = Field(ge=0, le=1_000_000)


class ProductUpdate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"price_eur": 13.5}]})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    category: str | None = Field(default=None, min_length=1, max_length=100)
    temperature: Temperature | None = None
    unit: str | None = Field(default=None, min_length=1, max_length=100)
    unit_kg: float | None = Field(default=None, gt=0, le=10_000)
    unit_l: float | None = Field(default=None, ge=0, le=100_000)
    shelf_life_days: int | None = Field(default=None, ge=0, le=10_000)
    price_eur: float | None = Field(default=None, ge=0, le=1_000_000)


class StockCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_STOCK_EXAMPLE]})

    product_id: Id
    lot: str = Field(min_length=1, max_length=100)
    quantity: int = Field(ge=0, le=1_000_000)
    expiry: dt.date


class OfferCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_OFFER_EXAMPLE]})

    producer_id: Id | None = Field(
        default=None, description="Required for a coordinator; a producer offers as itself."
    )
    product_id: Id
    quantity: int = Field(ge=0, le=1_000_000)
    day: Weekday


if TYPE_CHECKING:  # to mypy, plain models; at run time, built from territory.fields
    OrganisationPublic = BaseModel
    VenuePublic = BaseModel
    ProducerPublic = BaseModel
    ProductPublic = BaseModel
    VehiclePublic = BaseModel
    StockPublic = BaseModel
    OfferPublic = BaseModel
else:
    OrganisationPublic = public_model("OrganisationPublic", ORGANISATION, _ORGANISATION_EXAMPLE)
    VenuePublic = public_model("VenuePublic", VENUE, _VENUE_EXAMPLE)
    ProducerPublic = public_model("ProducerPublic", PRODUCER, _PRODUCER_EXAMPLE)
    ProductPublic = public_model("ProductPublic", PRODUCT, _PRODUCT_EXAMPLE)
    VehiclePublic = public_model("VehiclePublic", VEHICLE, _VEHICLE_EXAMPLE)
    StockPublic = public_model("StockPublic", STOCK, {"id": 1} | _STOCK_EXAMPLE, row_id=True)
    OfferPublic = public_model("OfferPublic", OFFER, {"id": 1} | _OFFER_EXAMPLE, row_id=True)
