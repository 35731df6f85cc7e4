"""A venue orders, the coordinator plans the week, the venue reads its ETA, a sheet downloads."""

from __future__ import annotations

import datetime as dt

import httpx

from tests.api_http.conftest import FAST_JOB, WEEK, wait_for_job


def test_order_plan_eta_sheet(client: httpx.Client, tokens: dict[str, dict[str, str]]) -> None:
    venue = tokens["v1"] | {"Idempotency-Key": "e2e-1"}
    order = client.post(
        "/orders",
        headers=venue,
        json={"week": WEEK, "lines": [{"product_id": "pates", "quantity": 2}]},
    )
    assert order.status_code == 201, order.text
    assert order.json()["venue_id"] == "v1"

    coordinator = tokens["coord"]
    started = client.post("/planning-jobs", headers=coordinator, json=FAST_JOB)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["id"], coordinator)
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["plan_id"] is not None

    rounds = client.get(f"/weeks/{WEEK}/rounds", headers=coordinator).json()
    assert rounds["violations"] == []
    steps = [s for r in rounds["routes"] for s in r["steps"]]
    assert {s["type"] for s in steps} >= {"start", "deliver", "end"}
    delivered_pates = sum(
        i["quantity"]
        for s in steps
        if s["site_id"] == "v1"
        for i in s["items"]
        if i["product_id"] == "pates"
    )
    unserved_pates = sum(
        u["quantity"]
        for u in rounds["unassigned"]
        if (u["venue_id"], u["product_id"]) == ("v1", "pates")
    )
    assert delivered_pates + unserved_pates == 2 + 2  # imported order (2) + the new one (2)

    mine = client.get(f"/venues/v1/deliveries/{WEEK}", headers=tokens["v1"])
    assert mine.status_code == 200, mine.text
    deliveries = mine.json()["deliveries"]
    assert deliveries, mine.json()
    first = deliveries[0]
    eta = dt.datetime.fromisoformat(first["eta"])
    assert eta.date().isoformat() == first["day"]
    assert eta.tzinfo is not None

    sheet = client.get(
        f"/weeks/{WEEK}/sheets/{first['day']}/{first['vehicle_id']}.pdf", headers=coordinator
    )
    assert sheet.status_code == 200
    assert sheet.headers["content-type"] == "application/pdf"
    assert sheet.content.startswith(b"%PDF")

    geojson = client.get(f"/weeks/{WEEK}/rounds.geojson", headers=coordinator)
    assert geojson.json()["type"] == "FeatureCollection"
    csv_text = client.get(f"/weeks/{WEEK}/rounds.csv", headers=coordinator).text
    assert csv_text.startswith("day,vehicle_id,trip,seq,site_id")

    # the venue sees only its own deliveries and none of the coordinator's views
    assert client.get(f"/venues/v2/deliveries/{WEEK}", headers=tokens["v1"]).status_code == 403
    assert client.get(f"/weeks/{WEEK}/rounds", headers=tokens["v1"]).status_code == 403


def test_auto_engine_job_runs_engines_in_child_processes(
    client: httpx.Client, tokens: dict[str, dict[str, str]]
) -> None:
    coordinator = tokens["coord"]
    started = client.post("/planning-jobs", headers=coordinator, json=FAST_JOB | {"engine": "auto"})
    job = wait_for_job(client, started.json()["id"], coordinator)
    assert job["status"] == "succeeded", job
    rounds = client.get(f"/weeks/{WEEK}/rounds", headers=coordinator).json()
    assert rounds["summary"]["engine"] == "auto"
    assert rounds["violations"] == []


def test_an_order_beyond_stock_is_unserved_not_an_error(
    client: httpx.Client, tokens: dict[str, dict[str, str]]
) -> None:
    huge = {"week": WEEK, "lines": [{"product_id": "pates", "quantity": 5000}]}
    assert client.post("/orders", headers=tokens["v2"], json=huge).status_code == 201
    coordinator = tokens["coord"]
    started = client.post("/planning-jobs", headers=coordinator, json=FAST_JOB)
    job = wait_for_job(client, started.json()["id"], coordinator)
    assert job["status"] == "succeeded", job
    rounds = client.get(f"/weeks/{WEEK}/rounds", headers=coordinator).json()
    unserved = [
        u for u in rounds["unassigned"] if (u["venue_id"], u["product_id"]) == ("v2", "pates")
    ]
    assert sum(u["quantity"] for u in unserved) >= 4000
    assert all(u["reason"] for u in unserved)
    mine = client.get(f"/venues/v2/deliveries/{WEEK}", headers=tokens["v2"]).json()
    assert any(u["product_id"] == "pates" for u in mine["unserved"])
