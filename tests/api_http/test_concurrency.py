"""200 concurrent order submissions from separate clients against a real uvicorn server.

100 orders, each submitted twice at the same time with the same Idempotency-Key (a
client retrying), spread over the seven venues: exactly 100 orders exist afterwards,
each with its lines, none lost and none duplicated.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from api.app import create_app
from tests.api_http.conftest import (
    WEEK,
    LiveServer,
    login,
    make_settings,
    pinned_clock,
    seed,
    territory_copy,
)

VENUES = [f"v{i}" for i in range(1, 8)]


def test_200_concurrent_submissions(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    accounts = {"coord": ("coordinator", None, None)} | {v: ("venue", v, None) for v in VENUES}
    seed(settings, territory_copy(tmp_path), accounts)
    with LiveServer(create_app(settings, clock=pinned_clock())) as server:
        with httpx.Client(base_url=server.url) as http:
            tokens = {name: login(http, name) for name in accounts}
            before = len(http.get("/orders", headers=tokens["coord"]).json())

        def submit(attempt: int) -> tuple[int, int, str]:
            n = attempt // 2  # two attempts per logical order
            venue = VENUES[n % len(VENUES)]
            key = f"order-{n}"
            body = {"week": WEEK, "lines": [{"product_id": "pates", "quantity": n + 1}]}
            with httpx.Client(base_url=server.url, timeout=60) as own:  # one client each
                response = own.post(
                    "/orders", json=body, headers=tokens[venue] | {"Idempotency-Key": key}
                )
            assert response.status_code in (200, 201), response.text
            return response.status_code, response.json()["id"], key

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(submit, range(200)))

        with httpx.Client(base_url=server.url) as http:
            orders = http.get("/orders", headers=tokens["coord"], params={"week": WEEK}).json()

    statuses = Counter(status for status, _, _ in results)
    assert statuses == {201: 100, 200: 100}
    ids_by_key: dict[str, set[int]] = {}
    for _, order_id, key in results:
        ids_by_key.setdefault(key, set()).add(order_id)
    assert all(len(ids) == 1 for ids in ids_by_key.values())
    assert len(orders) == before + 100
    new = [o for o in orders if o["id"] in {i for ids in ids_by_key.values() for i in ids}]
    assert sorted(o["lines"][0]["quantity"] for o in new) == list(range(1, 101))
