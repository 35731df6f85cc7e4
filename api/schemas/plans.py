"""Planning jobs, published rounds (VROOM-like JSON), a venue's deliveries, crop plans."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Week
from logistics.pipeline import DEFAULT_TIME_LIMIT_S

__all__ = [
    "CropPlanPublic",
    "CropPlanUpload",
    "JobCreate",
    "JobPublic",
    "PlanPublic",
    "RoutePublic",
    "StepPublic",
    "UnassignedPublic",
    "VenueDelivery",
    "VenueDeliveryPublic",
]

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class JobCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"week": "2026-W49", "engine": "pyvrp", "time_limit_s": 4, "seed": 0}]
        }
    )

    week: Week
    engine: Literal["auto", "pyvrp", "ortools"] = "auto"
    time_limit_s: float = Field(
        default=DEFAULT_TIME_LIMIT_S, gt=0, le=600, description="Solver seconds per day."
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    max_iterations: int | None = Field(
        default=None, ge=1, le=10_000_000, description="Iteration limit per day."
    )
    long_days: bool = Field(
        default=False,
        description="Drivers work up to max_shift_h with a break (default: within break_after_h).",
    )
    standalone: bool = Field(
        default=True,
        description="Also plan each organisation alone, to report what pooling saves.",
    )


class JobPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "6f1c2b9e-0d7a-4a5e-9a3f-1b2c3d4e5f60",
                    "week": "2026-W49",
                    "status": "running",
                    "progress": 0.4,
                    "message": "planned 2026-12-01: 2 rounds, engine pyvrp",
                    "error": None,
                    "plan_id": None,
                    "options": {"engine": "pyvrp", "time_limit_s": 4},
                    "created_at": "2026-11-27T08:00:00Z",
                    "started_at": "2026-11-27T08:00:01Z",
                    "finished_at": None,
                }
            ]
        },
    )

    id: str
    week: str
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    message: str
    error: str | None = None
    plan_id: int | None = None
    options: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class LoadPublic(BaseModel):
    kg: float
    l: float  # noqa: E741 - the unit
    chilled_l: float
    frozen_l: float


class ItemPublic(BaseModel):
    product_id: str
    quantity: int


class StepPublic(BaseModel):
    """One stop of a round, as VROOM's ``steps``."""

    type: Literal["start", "pickup", "deliver", "reload", "break", "end"]
    trip: int
    seq: int
    site_id: str
    site_kind: Literal["hub", "venue", "producer"]
    arrival: dt.datetime
    service_start: dt.datetime
    departure: dt.datetime
    distance_m: int = Field(description="From the previous stop.")
    duration_s: int = Field(description="Travel from the previous stop.")
    load: LoadPublic = Field(description="On board after the stop.")
    items: list[ItemPublic] = Field(description="Delivered or picked up here.")
    violations: list[str]


class RoutePublic(BaseModel):
    day: dt.date
    vehicle_id: str
    distance_m: int
    duration_s: int
    steps: list[StepPublic]


class UnassignedPublic(BaseModel):
    venue_id: str
    product_id: str
    quantity: int
    reason: str


class PlanPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "plan_id": 3,
                    "week": "2026-W49",
                    "job_id": "6f1c2b9e-0d7a-4a5e-9a3f-1b2c3d4e5f60",
                    "created_at": "2026-11-27T08:01:00Z",
                    "summary": {"orders_total": 40, "orders_served": 38, "distance_km": 21.4},
                    "routes": [],
                    "unassigned": [
                        {
                            "venue_id": "v2",
                            "product_id": "salade",
                            "quantity": 2,
                            "reason": "not enough stock or offers",
                        }
                    ],
                    "violations": [],
                }
            ]
        }
    )

    plan_id: int
    week: str
    job_id: str | None
    created_at: dt.datetime
    summary: dict[str, Any]
    routes: list[RoutePublic]
    unassigned: list[UnassignedPublic] = Field(description="What could not be served, and why.")
    violations: list[str] = Field(description="Independent checker findings (normally none).")


class VenueDelivery(BaseModel):
    day: dt.date
    eta: dt.datetime = Field(description="Arrival at the venue.")
    service_start: dt.datetime
    vehicle_id: str
    items: list[ItemPublic]


class VenueDeliveryPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "week": "2026-W49",
                    "venue_id": "v1",
                    "deliveries": [
                        {
                            "day": "2026-12-01",
                            "eta": "2026-12-01T09:12:00+01:00",
                            "service_start": "2026-12-01T09:12:00+01:00",
                            "vehicle_id": "van",
                            "items": [{"product_id": "carotte", "quantity": 2}],
                        }
                    ],
                    "unserved": [],
                }
            ]
        }
    )

    week: str
    venue_id: str
    deliveries: list[VenueDelivery]
    unserved: list[UnassignedPublic]


class CropPlanUpload(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "season": "2027",
                    "document": {"plantings": [{"crop": "carotte", "sow": "2027-03-15"}]},
                }
            ]
        }
    )

    season: str = Field(min_length=1, max_length=40)
    document: dict[str, Any] = Field(description="The crop plan, as the planner produced it.")


class CropPlanPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "producer_id": "prod_doua",
                    "season": "2027",
                    "document": {"plantings": []},
                    "updated_at": "2026-11-27T08:00:00Z",
                }
            ]
        },
    )

    producer_id: str
    season: str
    document: dict[str, Any]
    updated_at: dt.datetime
