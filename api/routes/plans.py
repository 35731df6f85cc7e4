"""Planning jobs, the published rounds of a week, a venue's deliveries, crop plans."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from api.auth import Principal
from api.db.engine import Database
from api.db.models import CropPlanRow, PlanningJobRow, PlanRow, ProducerRow, VenueRow
from api.deps import (
    ClockDep,
    CurrentUser,
    ReadSession,
    forbid,
    get_database,
    get_settings,
    require,
)
from api.errors import ApiError, error_responses
from api.jobs import JobManager
from api.schemas.common import Id, Week
from api.schemas.plans import (
    CropPlanPublic,
    CropPlanUpload,
    ItemPublic,
    JobCreate,
    JobPublic,
    LoadPublic,
    PlanPublic,
    RoutePublic,
    StepPublic,
    UnassignedPublic,
    VenueDelivery,
    VenueDeliveryPublic,
)
from api.settings import Settings
from logistics.tables import tables_from_json

__all__ = ["PlanCache", "PublishedPlans", "router"]

router = APIRouter()
Coordinator = Annotated[Principal, require("coordinator")]
DatabaseDep = Annotated[Database, Depends(get_database)]


def _jobs(request: Request) -> JobManager:
    manager: JobManager = request.app.state.jobs
    return manager


# -------------------------------------------------------------------- jobs
@router.post(
    "/planning-jobs",
    response_model=JobPublic,
    status_code=202,
    responses=error_responses(401, 403, 409, 422),
    tags=["planning"],
    summary="Start planning a week (coordinator); poll the job for progress",
)
def start_job(
    body: JobCreate,
    request: Request,
    database: DatabaseDep,
    settings: Annotated[Settings, Depends(get_settings)],
    user: Coordinator,
) -> Any:
    if body.time_limit_s > settings.job_time_limit_s:
        raise ApiError(
            422,
            "time_limit_too_long",
            f"at most {settings.job_time_limit_s:g} s per day on this server",
            "time_limit_s",
        )
    with database.read() as session:
        active = session.scalar(
            select(PlanningJobRow.id).where(
                PlanningJobRow.week == body.week,
                PlanningJobRow.status.in_(("queued", "running")),
            )
        )
    if active is not None:
        raise ApiError(409, "job_running", f"job {active} is already planning {body.week}", "week")
    job_id = _jobs(request).submit(body.week, body.model_dump(exclude={"week"}), user.user_id)
    with database.read() as session:
        return session.get(PlanningJobRow, job_id)


@router.get(
    "/planning-jobs",
    response_model=list[JobPublic],
    responses=error_responses(401, 403),
    tags=["planning"],
    summary="Planning jobs, newest first (coordinator)",
)
def list_jobs(session: ReadSession, _user: Coordinator) -> list[Any]:
    return list(
        session.scalars(
            select(PlanningJobRow).order_by(PlanningJobRow.created_at.desc()).limit(100)
        )
    )


@router.get(
    "/planning-jobs/{job_id}",
    response_model=JobPublic,
    responses=error_responses(401, 403, 404),
    tags=["planning"],
    summary="Status and progress of a job (coordinator)",
)
def get_job(job_id: str, session: ReadSession, _user: Coordinator) -> Any:
    job = session.get(PlanningJobRow, job_id)
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    return job


@router.delete(
    "/planning-jobs/{job_id}",
    response_model=JobPublic,
    responses=error_responses(401, 403, 404, 409),
    tags=["planning"],
    summary="Cancel a queued or running job (coordinator)",
)
def cancel_job(job_id: str, request: Request, database: DatabaseDep, _user: Coordinator) -> Any:
    with database.read() as session:
        job = session.get(PlanningJobRow, job_id)
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    if not _jobs(request).cancel(job_id):
        raise ApiError(409, "job_finished", f"job {job_id} has already ended ({job.status})")
    with database.read() as session:
        return session.get(PlanningJobRow, job_id)


# ------------------------------------------------------------------ rounds
@dataclass(frozen=True)
class _Plan:
    """A stored plan without its GeoJSON; plans never change once written."""

    id: int
    week: str
    job_id: str | None
    created_at: dt.datetime
    summary: dict[str, Any]
    tables: dict[str, Any]
    violations: list[dict[str, Any]]


class PlanCache:
    """Parsed plans by id and venue views (JSON) by (plan, venue), bounded."""

    def __init__(self, max_plans: int = 16) -> None:
        self.max_plans = max_plans
        self.plans: dict[int, _Plan] = {}
        self.venue_views: dict[tuple[int, str], bytes] = {}
        self.lock = threading.Lock()

    def plan(self, session: Session, plan_id: int) -> _Plan:
        cached = self.plans.get(plan_id)
        if cached is not None:
            return cached
        row = session.execute(
            select(
                PlanRow.id,
                PlanRow.week,
                PlanRow.job_id,
                PlanRow.created_at,
                PlanRow.summary,
                PlanRow.tables,
                PlanRow.violations,
            ).where(PlanRow.id == plan_id)
        ).one()
        plan = _Plan(*row)
        with self.lock:
            if len(self.plans) >= self.max_plans:
                self.plans.clear()
                self.venue_views.clear()
            self.plans[plan_id] = plan
        return plan


def _cache(request: Request) -> PlanCache:
    cache: PlanCache = request.app.state.plan_cache
    return cache


_PUBLISHED_ID = (
    select(PlanRow.id)
    .where(PlanRow.week == bindparam("week"), PlanRow.published.is_(True))
    .order_by(PlanRow.id.desc())
    .limit(1)
)


class PublishedPlans:
    """Which plan is published for a week: one indexed query, asked on every venue read.

    On SQLite the query runs on a connection kept for it, straight through the driver
    (~3 µs instead of ~75 µs through a pooled SQLAlchemy connection and its transaction;
    the connection is in autocommit mode, so each query sees the latest commit).
    Elsewhere it goes through the read engine.  :meth:`close` gives the connection back.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = threading.Lock()
        self._connection: Any = None
        if database.is_sqlite:
            compiled = _PUBLISHED_ID.compile(dialect=database.read_engine.dialect)
            fixed = compiled.construct_params({"week": ""})
            self._sql = compiled.string
            self._names = list(compiled.positiontup or [])
            self._fixed = fixed
            self._connection = database.read_engine.raw_connection()

    def plan_id(self, week: str) -> int | None:
        """The id of the plan published for ``week``, or ``None``."""
        if self._connection is None:
            with self.database.read_engine.connect() as connection:
                found = connection.scalar(_PUBLISHED_ID, {"week": week})
        else:
            values = [week if name == "week" else self._fixed[name] for name in self._names]
            with self._lock:
                cursor = self._connection.cursor()
                try:
                    cursor.execute(self._sql, values)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            found = None if row is None else row[0]
        return None if found is None else int(found)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _published_id(session: Session, week: str) -> int:
    plan_id = session.scalar(_PUBLISHED_ID, {"week": week})
    if plan_id is None:
        raise ApiError(404, "no_plan", f"no published plan for {week}", "week")
    return int(plan_id)


def _published(session: Session, week: str, request: Request) -> _Plan:
    return _cache(request).plan(session, _published_id(session, week))


def _plan_public(plan: _Plan) -> PlanPublic:
    tables = plan.tables
    items: dict[tuple[str, str, int], list[ItemPublic]] = defaultdict(list)
    for line in tables["deliveries"]:
        key = (line["day"], line["vehicle_id"], line["seq"])
        items[key].append(ItemPublic(product_id=line["product_id"], quantity=line["quantity"]))
    for line in tables["pickups"]:
        key = (line["day"], line["vehicle_id"], line["seq"])
        items[key].append(ItemPublic(product_id=line["product_id"], quantity=line["quantity"]))
    by_row: dict[int, list[str]] = defaultdict(list)
    for violation in plan.violations:
        if violation.get("row") is not None:
            by_row[int(violation["row"])].append(violation["message"])
    routes: dict[tuple[str, str], list[StepPublic]] = defaultdict(list)
    for row_number, stop in enumerate(tables["routes"], start=2):
        routes[(stop["day"], stop["vehicle_id"])].append(
            StepPublic(
                type=stop["action"],
                trip=stop["trip"],
                seq=stop["seq"],
                site_id=stop["site_id"],
                site_kind=stop["site_kind"],
                arrival=stop["arrival"],
                service_start=stop["service_start"],
                departure=stop["departure"],
                distance_m=stop["distance_m"],
                duration_s=stop["duration_s"],
                load=LoadPublic(
                    kg=stop["load_kg"],
                    l=stop["load_l"],
                    chilled_l=stop["chilled_l"],
                    frozen_l=stop["frozen_l"],
                ),
                items=items.get((stop["day"], stop["vehicle_id"], stop["seq"]), []),
                violations=by_row.get(row_number, []),
            )
        )
    return PlanPublic(
        plan_id=plan.id,
        week=plan.week,
        job_id=plan.job_id,
        created_at=plan.created_at,
        summary=plan.summary,
        routes=[
            RoutePublic(
                day=day,  # type: ignore[arg-type]
                vehicle_id=vehicle_id,
                distance_m=sum(s.distance_m for s in steps),
                duration_s=sum(s.duration_s for s in steps),
                steps=steps,
            )
            for (day, vehicle_id), steps in routes.items()
        ],
        unassigned=[UnassignedPublic(**u) for u in tables["unserved"]],
        violations=[v["message"] for v in plan.violations],
    )


@router.get(
    "/weeks/{week}/rounds",
    response_model=PlanPublic,
    responses=error_responses(401, 403, 404, 422),
    tags=["rounds"],
    summary="The week's published rounds: steps with arrival, load, items, violations",
)
def get_rounds(
    week: Week, request: Request, session: ReadSession, _user: Coordinator
) -> PlanPublic:
    return _plan_public(_published(session, week, request))


@router.get(
    "/weeks/{week}/rounds.geojson",
    responses={
        200: {
            "content": {
                "application/geo+json": {
                    "schema": {"type": "object"},
                    "example": {
                        "type": "FeatureCollection",
                        "features": [
                            {
                                "type": "Feature",
                                "properties": {"vehicle_id": "van", "day": "2026-12-01", "trip": 1},
                                "geometry": {
                                    "type": "LineString",
                                    "coordinates": [[4.882, 45.7756], [4.8803, 45.7797]],
                                },
                            }
                        ],
                    },
                }
            },
            "description": "FeatureCollection",
        },
        **error_responses(401, 403, 404, 422),
    },
    tags=["rounds"],
    summary="The week's rounds as GeoJSON (road-following lines, stops, sites)",
)
def get_rounds_geojson(week: Week, session: ReadSession, _user: Coordinator) -> Response:
    import json

    geojson = session.scalar(
        select(PlanRow.geojson).where(PlanRow.id == _published_id(session, week))
    )
    return Response(json.dumps(geojson, ensure_ascii=False), media_type="application/geo+json")


@router.get(
    "/weeks/{week}/rounds.csv",
    responses={
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "day,vehicle_id,trip,seq,site_id,site_kind,action,arrival,...\n"
                    "2026-12-01,van,1,1,hub,hub,start,2026-12-01T07:40:00+01:00,...\n",
                }
            },
            "description": "routes.csv of the plan",
        },
        **error_responses(401, 403, 404, 422),
    },
    tags=["rounds"],
    summary="The week's rounds as routes.csv (one row per stop)",
)
def get_rounds_csv(
    week: Week, request: Request, session: ReadSession, _user: Coordinator
) -> Response:
    from logistics.tables.files import write_plan_tables

    plan = _published(session, week, request)
    with tempfile.TemporaryDirectory() as folder:
        write_plan_tables(tables_from_json(plan.tables), Path(folder))
        text = (Path(folder) / "routes.csv").read_text(encoding="utf-8")
    return Response(text, media_type="text/csv; charset=utf-8")


@router.get(
    "/weeks/{week}/sheets/{day}/{vehicle_id}.pdf",
    responses={
        200: {
            "content": {
                "application/pdf": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "%PDF-1.4 ... (A4 driver sheet: stops, times, items, map)",
                }
            },
            "description": "Driver sheet (PDF)",
        },
        **error_responses(401, 403, 404, 422),
    },
    tags=["rounds"],
    summary="The driver sheet of one round (PDF)",
)
def get_sheet(
    week: Week,
    day: Annotated[str, PathParam(pattern=r"^\d{4}-\d{2}-\d{2}$", examples=["2026-12-01"])],
    vehicle_id: Id,
    request: Request,
    database: DatabaseDep,
    settings: Annotated[Settings, Depends(get_settings)],
    _user: Coordinator,
) -> FileResponse:

    from api.db.territory_io import territory_from_db
    from logistics.outputs import write_driver_sheet

    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise ApiError(422, "validation_error", f"{day} is not a date", "day") from None
    with database.read() as session:
        plan = _published(session, week, request)
        path = settings.data_dir / "plans" / str(plan.id) / "sheets" / f"{day}_{vehicle_id}.pdf"
        if not path.exists():
            rounds = {(s["day"], s["vehicle_id"]) for s in plan.tables["routes"]}
            if (day, vehicle_id) not in rounds:
                raise ApiError(404, "not_found", f"no round of {vehicle_id} on {day}")
            territory = territory_from_db(session, settings.data_dir / "territory", week=week)
            partial = path.with_suffix(".part")
            write_driver_sheet(
                partial,
                territory,
                tables_from_json(plan.tables),
                date,
                vehicle_id,
                geojson=session.scalar(select(PlanRow.geojson).where(PlanRow.id == plan.id)),
            )
            partial.replace(path)
    return FileResponse(path, media_type="application/pdf", filename=path.name)


@router.get(
    "/venues/{venue_id}/deliveries/{week}",
    response_model=VenueDeliveryPublic,
    responses=error_responses(401, 403, 404, 422),
    tags=["rounds"],
    summary="A venue's delivery day, ETA and items in the week's published plan",
)
async def venue_deliveries(
    venue_id: Id, week: Week, request: Request, user: CurrentUser
) -> Response:
    # Hot path: no thread hop for a cached view; the one indexed query (which plan is
    # published) runs on the event loop, as WAL readers never wait for a lock.
    if user.role == "producer" or (user.role == "venue" and user.venue_id != venue_id):
        raise forbid(f"this account may not read the deliveries of venue {venue_id}")
    database: Database = request.app.state.database
    cache = _cache(request)
    plan_id = request.app.state.published_plans.plan_id(week)
    if plan_id is None:
        raise ApiError(404, "no_plan", f"no published plan for {week}", "week")
    body = cache.venue_views.get((plan_id, venue_id))
    if body is None:
        body = await run_in_threadpool(_venue_view_json, database, cache, plan_id, venue_id)
    return Response(body, media_type="application/json")


def _venue_view_json(database: Database, cache: PlanCache, plan_id: int, venue_id: str) -> bytes:
    """The JSON of a venue's view of a plan, cached (plans never change)."""
    with database.read() as session:
        if session.get(VenueRow, venue_id) is None:
            raise ApiError(404, "not_found", f"no venue {venue_id}")
        body = _venue_view(cache.plan(session, plan_id), venue_id).model_dump_json().encode()
    with cache.lock:
        cache.venue_views[(plan_id, venue_id)] = body
    return body


def _venue_view(plan: _Plan, venue_id: str) -> VenueDeliveryPublic:
    week = plan.week
    items: dict[tuple[str, str, int], list[ItemPublic]] = defaultdict(list)
    for line in plan.tables["deliveries"]:
        if line["venue_id"] == venue_id:
            key = (line["day"], line["vehicle_id"], line["seq"])
            items[key].append(ItemPublic(product_id=line["product_id"], quantity=line["quantity"]))
    deliveries = [
        VenueDelivery(
            day=stop["day"],
            eta=stop["arrival"],
            service_start=stop["service_start"],
            vehicle_id=stop["vehicle_id"],
            items=items[(stop["day"], stop["vehicle_id"], stop["seq"])],
        )
        for stop in plan.tables["routes"]
        if stop["site_id"] == venue_id and (stop["day"], stop["vehicle_id"], stop["seq"]) in items
    ]
    return VenueDeliveryPublic(
        week=week,
        venue_id=venue_id,
        deliveries=deliveries,
        unserved=[
            UnassignedPublic(**u) for u in plan.tables["unserved"] if u["venue_id"] == venue_id
        ],
    )


# -------------------------------------------------------------- crop plans
@router.put(
    "/producers/{producer_id}/crop-plan",
    response_model=CropPlanPublic,
    responses=error_responses(401, 403, 404, 422),
    tags=["crop plans"],
    summary="Publish a producer's crop plan (coordinator)",
)
def put_crop_plan(
    producer_id: Id, body: CropPlanUpload, database: DatabaseDep, user: Coordinator, clock: ClockDep
) -> Any:
    with database.write() as session:
        if session.get(ProducerRow, producer_id) is None:
            raise ApiError(404, "not_found", f"no producer {producer_id}")
        row = session.scalar(select(CropPlanRow).where(CropPlanRow.producer_id == producer_id))
        if row is None:
            row = CropPlanRow(producer_id=producer_id, season=body.season, document={})
            session.add(row)
        row.season = body.season
        row.document = body.document
        row.updated_by = user.user_id
        row.updated_at = clock.now()
    return row


@router.get(
    "/producers/{producer_id}/crop-plan",
    response_model=CropPlanPublic,
    responses=error_responses(401, 403, 404),
    tags=["crop plans"],
    summary="A producer's crop plan (that producer, or coordinator)",
)
def get_crop_plan(producer_id: Id, session: ReadSession, user: CurrentUser) -> Any:
    if user.role == "venue" or (user.role == "producer" and user.producer_id != producer_id):
        raise forbid(f"this account may not read the crop plan of {producer_id}")
    row = session.scalar(select(CropPlanRow).where(CropPlanRow.producer_id == producer_id))
    if row is None:
        raise ApiError(404, "not_found", f"no crop plan for producer {producer_id}")
    return row
