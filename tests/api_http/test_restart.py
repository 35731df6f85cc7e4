"""Orders and published plans survive a restart; a job running at restart ends as failed."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.app import create_app
from api.db import open_database
from api.db.models import PlanningJobRow, utc_now
from api.jobs import INTERRUPTED
from tests.api_http.conftest import (
    FAST_JOB,
    WEEK,
    LiveServer,
    Seeded,
    login,
    pinned_clock,
    wait_for_job,
)


def test_orders_and_plans_survive_a_restart(seeded: Seeded) -> None:
    with (
        LiveServer(create_app(seeded.settings, clock=pinned_clock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        venue, coord = login(http, "v1"), login(http, "coord")
        order = http.post(
            "/orders",
            headers=venue | {"Idempotency-Key": "restart-1"},
            json={"week": WEEK, "lines": [{"product_id": "pates", "quantity": 4}]},
        ).json()
        job = http.post("/planning-jobs", headers=coord, json=FAST_JOB).json()
        assert wait_for_job(http, job["id"], coord)["status"] == "succeeded"
        rounds_before = http.get(f"/weeks/{WEEK}/rounds", headers=coord).json()
        eta_before = http.get(f"/venues/v1/deliveries/{WEEK}", headers=venue).json()

    with (
        LiveServer(create_app(seeded.settings, clock=pinned_clock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        venue, coord = login(http, "v1"), login(http, "coord")
        assert http.get(f"/orders/{order['id']}", headers=venue).json() == order
        retry = http.post(
            "/orders",
            headers=venue | {"Idempotency-Key": "restart-1"},
            json={"week": WEEK, "lines": [{"product_id": "pates", "quantity": 4}]},
        )
        assert retry.status_code == 200 and retry.json()["id"] == order["id"]
        assert http.get(f"/weeks/{WEEK}/rounds", headers=coord).json() == rounds_before
        assert http.get(f"/venues/v1/deliveries/{WEEK}", headers=venue).json() == eta_before


def test_job_running_at_restart_ends_failed(seeded: Seeded) -> None:
    slow = FAST_JOB | {"time_limit_s": 20, "max_iterations": None}
    with (
        LiveServer(create_app(seeded.settings, clock=pinned_clock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        coord = login(http, "coord")
        job = http.post("/planning-jobs", headers=coord, json=slow).json()
        for _ in range(500):  # until the worker has started
            status = http.get(f"/planning-jobs/{job['id']}", headers=coord).json()["status"]
            if status == "running":
                break
        assert status == "running"
    # the server stopped with the job running (its worker was killed)

    with (
        LiveServer(create_app(seeded.settings, clock=pinned_clock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        coord = login(http, "coord")
        after = http.get(f"/planning-jobs/{job['id']}", headers=coord).json()
        assert after["status"] == "failed"
        assert after["error"] == INTERRUPTED
        assert after["finished_at"] is not None
        # and the week can be planned again
        again = http.post("/planning-jobs", headers=coord, json=FAST_JOB)
        assert again.status_code == 202


def test_job_left_running_by_a_crash_ends_failed(seeded: Seeded) -> None:
    database = open_database(seeded.settings.database_url)
    with database.write() as session:  # what a killed server leaves behind
        session.add(
            PlanningJobRow(
                id="crashed", week=WEEK, status="running", progress=0.4, message="planning",
                options={"engine": "pyvrp"}, started_at=utc_now(),
            )
        )  # fmt: skip
    database.dispose()
    with (
        LiveServer(create_app(seeded.settings, clock=pinned_clock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        after = http.get("/planning-jobs/crashed", headers=login(http, "coord")).json()
    assert after["status"] == "failed" and after["error"] == INTERRUPTED


def test_cancel_a_running_job(seeded: Seeded, tmp_path: Path) -> None:
    slow = FAST_JOB | {"time_limit_s": 20, "max_iterations": None}
    with (
        LiveServer(create_app(seeded.settings, clock=pinned_clock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        coord = login(http, "coord")
        job = http.post("/planning-jobs", headers=coord, json=slow).json()
        busy = http.post("/planning-jobs", headers=coord, json=slow)
        assert busy.status_code == 409 and busy.json()["code"] == "job_running"
        cancelled = http.delete(f"/planning-jobs/{job['id']}", headers=coord)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert wait_for_job(http, job["id"], coord)["status"] == "cancelled"
        assert http.delete(f"/planning-jobs/{job['id']}", headers=coord).status_code == 409
        assert http.get(f"/weeks/{WEEK}/rounds", headers=coord).status_code == 404
