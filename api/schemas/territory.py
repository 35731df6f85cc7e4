"""The territory's resources: public views, and create/update for what changes weekly."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Id

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
]

Temperature = Literal["ambient", "chilled", "frozen"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class OrganisationPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"id": "org_a", "name": "Association A", "kind": None}]},
    )

    id: str
    name: str
    kind: str | None = None
    contact: str | None = None


class VenuePublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
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
            ]
        },
    )

    id: str
    name: str
    kind: str
    organisation_id: str
    lon: float
    lat: float
    households: int
    delivery_days: str
    access: str
    service_min: float
    address: str | None = None
    deliveries_per_week: int
    accepts_substitutes: bool


class ProducerPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "prod_doua",
                    "name": "Jardin de la Doua",
                    "organisation_id": None,
                    "lon": 4.87,
                    "lat": 45.78,
                    "field_m2": 3000.0,
                    "greenhouse_m2": 300.0,
                    "address": None,
                }
            ]
        },
    )

    id: str
    name: str
    organisation_id: str | None
    lon: float
    lat: float
    field_m2: float
    greenhouse_m2: float
    address: str | None = None


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


class ProductPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [_PRODUCT_EXAMPLE]}
    )

    id: str
    name: str
    category: str
    temperature: str
    unit: str
    unit_kg: float
    unit_l: float
    shelf_life_days: int
    price_eur: float


class VehiclePublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
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
            ]
        },
    )

    id: str
    name: str
    organisation_id: str
    kind: str
    profile: str
    capacity_kg: float
    capacity_l: float
    chilled_l: float
    frozen_l: float
    days: str
    max_trips: int
    zone: str | None = None


class StockCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"product_id": "carotte", "lot": "L49", "quantity": 4, "expiry": "2026-12-15"}
            ]
        }
    )

    product_id: Id
    lot: str = Field(min_length=1, max_length=100)
    quantity: int = Field(ge=0, le=1_000_000)
    expiry: dt.date


class StockPublic(StockCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int


class OfferCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"producer_id": "prod_doua", "product_id": "salade", "quantity": 3, "day": "wed"}
            ]
        }
    )

    producer_id: Id | None = Field(
        default=None, description="Required for a coordinator; a producer offers as itself."
    )
    product_id: Id
    quantity: int = Field(ge=0, le=1_000_000)
    day: Weekday


class OfferPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "producer_id": "prod_doua",
                    "product_id": "salade",
                    "quantity": 3,
                    "day": "wed",
                }
            ]
        },
    )

    id: int
    producer_id: str
    product_id: str
    quantity: int
    day: str
