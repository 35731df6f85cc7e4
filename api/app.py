"""The FastAPI application: :func:`create_app` builds it from :class:`~api.settings.Settings`.

At start-up the secret is checked (no default secret outside dev mode), the data
directory is created, Alembic migrations are applied, jobs left running by a
previous server are marked failed, and the job dispatcher starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import PrincipalCache
from api.db.engine import open_database
from api.db.group_commit import GroupCommit
from api.db.migrate import upgrade_database
from api.errors import ApiError, ErrorBody, install_error_handlers
from api.fast_reads import VenueDeliveriesFromCache
from api.jobs import JobManager, fail_interrupted_jobs
from api.routes import auth, orders, plans, territory
from api.routes.plans import PlanCache, PublishedPlans
from api.settings import Settings, load_settings
from territory.clock import SYSTEM_CLOCK, Clock

__all__ = ["create_app"]

logger = logging.getLogger(__name__)

_DESCRIPTION = """
Pooled orders, planning jobs and delivery rounds of a food resilience hub.

Authenticate with `POST /auth/token`, then send `Authorization: Bearer <token>`.
Roles: **coordinator** (everything), **venue** (its own orders and deliveries),
**producer** (its own offers and crop plan). Every error has the body
`{"code": ..., "message": ..., "field": ...}`.
"""


class _ServerTiming:
    """Pure ASGI middleware: ``Server-Timing: app;dur=<ms>`` on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                duration = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={duration:.2f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed_send)


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: str = "ok"


def create_app(
    settings: Settings | None = None, *, migrate: bool = True, clock: Clock = SYSTEM_CLOCK
) -> FastAPI:
    """Build the application (settings from the environment by default).

    ``clock`` gives every calendar time the app uses (cut-offs, token expiry, job
    stamps); tests pin it with :class:`~territory.clock.FixedClock`.

    Raises
    ------
    InputError
        When the settings are unusable (a default secret outside dev mode).
    """
    settings = settings or load_settings()
    settings.check()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if migrate:
            upgrade_database(settings.database_url)
        database = open_database(settings.database_url)
        failed = fail_interrupted_jobs(database, clock.now())
        if failed:
            logger.warning("%d planning jobs interrupted by a restart marked failed", failed)
        jobs = JobManager(database, settings.data_dir, workers=settings.job_workers, clock=clock)
        jobs.start()
        order_writer = GroupCommit(database, clean_errors=(ApiError,))
        order_writer.start()
        app.state.settings = settings
        app.state.clock = clock
        app.state.database = database
        app.state.jobs = jobs
        app.state.principals = PrincipalCache()
        app.state.plan_cache = PlanCache()
        app.state.published_plans = PublishedPlans(database)
        app.state.order_writer = order_writer
        try:
            yield
        finally:
            order_writer.stop()
            jobs.stop()
            app.state.published_plans.close()
            database.dispose()

    app = FastAPI(
        title="foodhub",
        version="0.1.0",
        description=_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.clock = clock  # before start-up too: dependencies read it from the state
    install_error_handlers(app)
    app.add_middleware(VenueDeliveriesFromCache)
    app.add_middleware(_ServerTiming)  # the outer one: it times the one above too

    @app.get("/health", response_model=Health, tags=["health"], summary="Liveness probe")
    def health() -> Health:
        return Health()

    # Routes are matched in order, ~2 µs each: the busiest (orders, a venue's rounds) first.
    for module in (orders, plans, auth, territory):
        app.include_router(module.router)
    from api.web import router as web_pages  # web pages under /web (issue 8)

    app.include_router(web_pages)
    _document_errors(app)
    return app


def _document_errors(app: FastAPI) -> None:
    """Make the schema say what the handlers send: :class:`ErrorBody` for every 422 too."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorBody" not in schemas:
            schemas["ErrorBody"] = ErrorBody.model_json_schema()
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                response = operation.get("responses", {}).get("422")
                if response is not None:
                    response["description"] = "A field is invalid (named in field)"
                    response["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                    }
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
