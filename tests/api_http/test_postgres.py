"""The same server on PostgreSQL: set FOODHUB_TEST_DATABASE_URL (an empty, disposable database).

Example: FOODHUB_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/foodhub_test
Skipped when unset.  Every table of that database is dropped first.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from api.app import create_app
from api.settings import load_settings
from tests.api_http.conftest import (
    ACCOUNTS,
    FAST_JOB,
    WEEK,
    LiveServer,
    login,
    make_settings,
    pinned_clock,
    seed,
    territory_copy,
    wait_for_job,
)

URL = os.environ.get("FOODHUB_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="FOODHUB_TEST_DATABASE_URL is not set")


def test_postgres_orders_jobs_and_rounds(tmp_path: Path) -> None:
    url = load_settings({"DATABASE_URL": URL}).database_url  # postgresql+psycopg://
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    settings = dataclasses.replace(make_settings(tmp_path / "data"), database_url=url)
    seed(settings, territory_copy(tmp_path), ACCOUNTS | {"v3": ("venue", "v3", None)})
    with (
        LiveServer(create_app(settings, clock=pinned_clock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        tokens = {name: login(http, name) for name in ("coord", "v1", "v2", "v3")}
        before = len(http.get("/orders", headers=tokens["coord"]).json())

        def submit(attempt: int) -> tuple[int, int]:
            n = attempt // 2
            venue = ("v1", "v2", "v3")[n % 3]
            with httpx.Client(base_url=server.url, timeout=60) as own:
                response = own.post(
                    "/orders",
                    json={"week": WEEK, "lines": [{"product_id": "pates", "quantity": n + 1}]},
                    headers=tokens[venue] | {"Idempotency-Key": f"pg-{n}"},
                )
            assert response.status_code in (200, 201), response.text
            return response.status_code, response.json()["id"]

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(submit, range(200)))
        assert Counter(s for s, _ in results) == {201: 100, 200: 100}
        assert len({i for _, i in results}) == 100
        assert len(http.get("/orders", headers=tokens["coord"]).json()) == before + 100

        job = http.post("/planning-jobs", headers=tokens["coord"], json=FAST_JOB).json()
        assert wait_for_job(http, job["id"], tokens["coord"])["status"] == "succeeded"
        mine = http.get(f"/venues/v1/deliveries/{WEEK}", headers=tokens["v1"])
        assert mine.status_code == 200 and mine.json()["deliveries"]
