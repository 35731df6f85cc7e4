"""Order windows, orders, their lines and audit events."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.schemas.common import Id, Week

__all__ = [
    "OrderCreate",
    "OrderEventPublic",
    "OrderLineIn",
    "OrderLinePublic",
    "OrderPublic",
    "OrderUpdate",
    "OrderWindowCreate",
    "OrderWindowPublic",
    "OrderWindowUpdate",
]


class OrderWindowCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"week": "2026-W49", "cutoff_at": "2026-11-26T12:00:00+01:00"}]
        }
    )

    week: Week
    cutoff_at: AwareDatetime = Field(description="Last moment venues may change their orders.")


class OrderWindowUpdate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"cutoff_at": "2026-11-27T12:00:00+01:00"}]}
    )

    cutoff_at: AwareDatetime


class OrderWindowPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"week": "2026-W49", "cutoff_at": "2026-11-26T11:00:00Z", "open": True}]
        }
    )

    week: str
    cutoff_at: dt.datetime
    open: bool = Field(description="Whether orders may still be placed or changed.")


class OrderLineIn(BaseModel):
    product_id: Id
    quantity: int = Field(gt=0, le=100_000, description="Units of the product.")


class OrderLinePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_id: str
    quantity: int


_LINES_EXAMPLE: list[Any] = [
    {"product_id": "carotte", "quantity": 2},
    {"product_id": "salade", "quantity": 1},
]


class OrderCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"week": "2026-W49", "lines": _LINES_EXAMPLE}]}
    )

    week: Week
    venue_id: Id | None = Field(
        default=None, description="The venue; a venue account orders for itself only."
    )
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)


class OrderUpdate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"lines": _LINES_EXAMPLE, "version": 1}]}
    )

    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    version: int | None = Field(
        default=None, ge=1, description="The version read; 409 when the order changed since."
    )


class OrderPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "week": "2026-W49",
                    "venue_id": "v1",
                    "status": "active",
                    "version": 1,
                    "lines": _LINES_EXAMPLE,
                    "created_at": "2026-11-24T09:00:00Z",
                    "updated_at": "2026-11-24T09:00:00Z",
                }
            ]
        },
    )

    id: int
    week: str
    venue_id: str
    status: Literal["active", "cancelled"]
    version: int
    lines: list[OrderLinePublic]
    created_at: dt.datetime
    updated_at: dt.datetime


class OrderEventPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "action": "created",
                    "version": 1,
                    "at": "2026-11-24T09:00:00Z",
                    "username": "v1",
                    "lines": _LINES_EXAMPLE,
                }
            ]
        },
    )

    action: Literal["imported", "created", "modified", "cancelled"]
    version: int
    at: dt.datetime
    username: str | None
    lines: list[OrderLinePublic]
