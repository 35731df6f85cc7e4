"""SQLAlchemy 2 models of the server's database.

Territory tables mirror the territory files (one table per CSV, the hub as one row,
zones as GeoJSON); the server adds users and tokens, order windows, orders with
their lines and audit events, planning jobs, published plans and crop plans.
Times are stored in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from territory.clock import utc_now

__all__ = [
    "Base",
    "CropPlanRow",
    "HubRow",
    "OfferRow",
    "OpeningRow",
    "OrderEventRow",
    "OrderHistoryRow",
    "OrderLineRow",
    "OrderRow",
    "OrderWindowRow",
    "OrganisationRow",
    "PlanRow",
    "PlanningJobRow",
    "ProducerRow",
    "ProductRow",
    "StockRow",
    "TokenRow",
    "UserRow",
    "UtcDateTime",
    "VehicleRow",
    "VenueRow",
    "ZoneRow",
    "utc_now",
]

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored as naive UTC (SQLite keeps no offset)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


class Base(DeclarativeBase):
    """Declarative base with constraint naming (stable Alembic migrations)."""

    metadata = MetaData(naming_convention=_NAMING)


# ---------------------------------------------------------------- territory
class HubRow(Base):
    __tablename__ = "hub"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(300))
    week: Mapped[str | None] = mapped_column(String(8))
    service: Mapped[dict[str, Any]] = mapped_column(JSON)
    driver: Mapped[dict[str, Any]] = mapped_column(JSON)
    co2: Mapped[dict[str, Any]] = mapped_column(JSON)
    network: Mapped[dict[str, Any]] = mapped_column(JSON)


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class VenueRow(Base):
    __tablename__ = "venues"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(100))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    households: Mapped[int] = mapped_column(Integer)
    delivery_days: Mapped[str] = mapped_column(String(40))
    access: Mapped[str] = mapped_column(String(20))
    service_min: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(200))
    deliveries_per_week: Mapped[int] = mapped_column(Integer, default=1)
    accepts_substitutes: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProducerRow(Base):
    __tablename__ = "producers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    field_m2: Mapped[float] = mapped_column(Float)
    greenhouse_m2: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)


class OpeningRow(Base):
    """One opening window of a site (hub, venue or producer) on a weekday."""

    __tablename__ = "opening_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True)
    weekday: Mapped[str] = mapped_column(String(3))
    start_min: Mapped[int] = mapped_column(Integer)
    end_min: Mapped[int] = mapped_column(Integer)


class ProductRow(Base):
    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100))
    temperature: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str] = mapped_column(String(100))
    unit_kg: Mapped[float] = mapped_column(Float)
    unit_l: Mapped[float] = mapped_column(Float)
    shelf_life_days: Mapped[int] = mapped_column(Integer)
    price_eur: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)


class VehicleRow(Base):
    __tablename__ = "vehicles"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(100))
    profile: Mapped[str] = mapped_column(String(10))
    capacity_kg: Mapped[float] = mapped_column(Float)
    capacity_l: Mapped[float] = mapped_column(Float)
    chilled_l: Mapped[float] = mapped_column(Float)
    frozen_l: Mapped[float] = mapped_column(Float)
    fixed_cost_eur: Mapped[float] = mapped_column(Float)
    cost_per_km_eur: Mapped[float] = mapped_column(Float)
    cost_per_h_eur: Mapped[float] = mapped_column(Float)
    co2_g_per_km: Mapped[float] = mapped_column(Float)
    shift_start_min: Mapped[int] = mapped_column(Integer)
    shift_end_min: Mapped[int] = mapped_column(Integer)
    days: Mapped[str] = mapped_column(String(40))
    max_trips: Mapped[int] = mapped_column(Integer, default=1)
    zone: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ZoneRow(Base):
    __tablename__ = "zones"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)


class StockRow(Base):
    __tablename__ = "stock"
    __table_args__ = (UniqueConstraint("product_id", "lot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(Integer)
    expiry: Mapped[dt.date] = mapped_column(Date)


class OfferRow(Base):
    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    producer_id: Mapped[str] = mapped_column(ForeignKey("producers.id"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    day: Mapped[str] = mapped_column(String(3))


class OrderHistoryRow(Base):
    """A past order line (``orders_history.csv``)."""

    __tablename__ = "orders_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[str] = mapped_column(String(8))
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)


# --------------------------------------------------------------------- users
class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    venue_id: Mapped[str | None] = mapped_column(ForeignKey("venues.id"))
    producer_id: Mapped[str | None] = mapped_column(ForeignKey("producers.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class TokenRow(Base):
    """An access token, stored as a keyed hash (the token itself is never stored)."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    user: Mapped[UserRow] = relationship(lazy="joined")


# -------------------------------------------------------------------- orders
class OrderWindowRow(Base):
    """When venues may order for a week: until ``cutoff_at``."""

    __tablename__ = "order_windows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[str] = mapped_column(String(8), unique=True)
    cutoff_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class OrderRow(Base):
    """A venue's order for a week (its part of the pooled order)."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("venue_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(12), default="api")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)

    lines: Mapped[list[OrderLineRow]] = relationship(
        cascade="all, delete-orphan", order_by="OrderLineRow.id", lazy="selectin"
    )


class OrderLineRow(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)


class OrderEventRow(Base):
    """Audit trail: one row per change of an order, with who, when and the lines after it."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


# ------------------------------------------------------------ jobs and plans
class PlanningJobRow(Base):
    __tablename__ = "planning_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    plan_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class PlanRow(Base):
    """A plan made by a job; the latest published plan of a week is *the* week's rounds."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)
    job_id: Mapped[str | None] = mapped_column(String(36))
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    tables: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    violations: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    geojson: Mapped[dict[str, Any]] = mapped_column(JSON)


class CropPlanRow(Base):
    """A producer's crop plan: an opaque JSON document a coordinator publishes."""

    __tablename__ = "crop_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    producer_id: Mapped[str] = mapped_column(ForeignKey("producers.id"), unique=True)
    season: Mapped[str] = mapped_column(String(40))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
