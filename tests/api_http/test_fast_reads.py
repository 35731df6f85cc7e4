"""Cached venue deliveries answered before routing: same bytes, same refusals as the route."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import api.fast_reads
from tests.api_http.conftest import FAST_JOB, WEEK, wait_for_job


def test_cached_deliveries_match_the_route(
    client: httpx.Client, tokens: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[bool] = []
    cached = api.fast_reads._cached

    def spy(*args: Any) -> bytes | None:  # the live server runs in this process
        body = cached(*args)
        served.append(body is not None)
        return body

    monkeypatch.setattr(api.fast_reads, "_cached", spy)
    path = f"/venues/v1/deliveries/{WEEK}"
    assert client.get(path, headers=tokens["v1"]).status_code == 404  # no plan yet
    started = client.post("/planning-jobs", headers=tokens["coord"], json=FAST_JOB)
    assert wait_for_job(client, started.json()["id"], tokens["coord"])["status"] == "succeeded"

    served.clear()
    first = client.get(path, headers=tokens["v1"])  # the route: fills the cache
    second = client.get(path, headers=tokens["v1"])  # from the cache
    by_coordinator = client.get(path, headers=tokens["coord"])
    assert served == [False, True, True]
    assert first.status_code == second.status_code == by_coordinator.status_code == 200
    assert first.content == second.content == by_coordinator.content
    assert first.json()["venue_id"] == "v1"
    assert second.headers["content-type"] == "application/json"

    served.clear()
    assert client.get(path, headers=tokens["v2"]).status_code == 403  # another venue
    assert client.get(path, headers=tokens["p1"]).status_code == 403  # a producer
    assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get(path).status_code == 401
    assert client.get("/venues/v1/deliveries/2026-W50", headers=tokens["v1"]).status_code == 404
    assert client.get("/venues/v1/deliveries/2026-W99", headers=tokens["v1"]).status_code == 422
    assert not any(served)  # every refusal came from the route
