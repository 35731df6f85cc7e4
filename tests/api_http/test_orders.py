"""Orders: idempotency, modification, cancellation, cut-off, audit trail, error shape."""

from __future__ import annotations

import httpx

from tests.api_http.conftest import WEEK

LINES = [{"product_id": "pates", "quantity": 2}]


def _place(
    client: httpx.Client, headers: dict[str, str], key: str, lines: list[dict] = LINES
) -> httpx.Response:
    return client.post(
        "/orders", headers=headers | {"Idempotency-Key": key}, json={"week": WEEK, "lines": lines}
    )


def test_retry_returns_the_same_order(client: httpx.Client, tokens: dict) -> None:
    first = _place(client, tokens["v1"], "k1")
    again = _place(client, tokens["v1"], "k1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    other_body = _place(client, tokens["v1"], "k1", [{"product_id": "pates", "quantity": 5}])
    assert other_body.status_code == 409
    assert other_body.json()["code"] == "idempotency_conflict"
    ids = [o["id"] for o in client.get("/orders", headers=tokens["v1"]).json()]
    assert ids.count(first.json()["id"]) == 1


def test_modify_cancel_and_audit(client: httpx.Client, tokens: dict) -> None:
    order = _place(client, tokens["v1"], "k2").json()
    changed = client.patch(
        f"/orders/{order['id']}",
        headers=tokens["v1"],
        json={"lines": [{"product_id": "salade", "quantity": 1}], "version": 1},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    stale = client.patch(
        f"/orders/{order['id']}", headers=tokens["v1"], json={"lines": LINES, "version": 1}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    cancelled = client.delete(f"/orders/{order['id']}", headers=tokens["v1"])
    assert cancelled.json()["status"] == "cancelled"
    history = client.get(f"/orders/{order['id']}/history", headers=tokens["coord"]).json()
    assert [e["action"] for e in history] == ["created", "modified", "cancelled"]
    assert [e["version"] for e in history] == [1, 2, 3]
    assert {e["username"] for e in history} == {"v1"}
    assert history[1]["lines"] == [{"product_id": "salade", "quantity": 1}]
    again = client.patch(f"/orders/{order['id']}", headers=tokens["v1"], json={"lines": LINES})
    assert again.status_code == 409 and again.json()["code"] == "order_cancelled"


def test_cutoff_closes_the_week_for_venues(client: httpx.Client, tokens: dict) -> None:
    order = _place(client, tokens["v1"], "k3").json()
    moved = client.patch(
        f"/order-windows/{WEEK}",
        headers=tokens["coord"],
        json={"cutoff_at": "2020-01-01T00:00:00+01:00"},
    )
    assert moved.status_code == 200 and moved.json()["open"] is False
    late = _place(client, tokens["v1"], "k4")
    assert late.status_code == 409
    assert late.json() == {
        "code": "order_window_closed",
        "message": late.json()["message"],
        "field": "week",
    }
    assert client.delete(f"/orders/{order['id']}", headers=tokens["v1"]).status_code == 409
    # the coordinator may still correct orders after the cut-off
    fixed = client.patch(f"/orders/{order['id']}", headers=tokens["coord"], json={"lines": LINES})
    assert fixed.status_code == 200


def test_unknown_week_and_product(client: httpx.Client, tokens: dict) -> None:
    no_window = client.post(
        "/orders", headers=tokens["v1"], json={"week": "2027-W02", "lines": LINES}
    )
    assert no_window.status_code == 409 and no_window.json()["code"] == "no_order_window"
    unknown = _place(
        client, tokens["v1"], "k5", [LINES[0], {"product_id": "caviar", "quantity": 1}]
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "lines.1.product_id"


def test_validation_errors_name_the_field(client: httpx.Client, tokens: dict) -> None:
    bad = client.post(
        "/orders",
        headers=tokens["v1"],
        json={"week": WEEK, "lines": [{"product_id": "pates", "quantity": -1}]},
    )
    assert bad.status_code == 422
    body = bad.json()
    assert set(body) == {"code", "message", "field"}
    assert body["code"] == "validation_error" and body["field"] == "lines.0.quantity"
    week = client.post("/orders", headers=tokens["v1"], json={"week": "2026-W60", "lines": LINES})
    assert week.json()["field"] == "week"
    missing = client.get("/orders/999999", headers=tokens["coord"])
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    unknown_path = client.get("/nowhere")
    assert unknown_path.status_code == 404 and unknown_path.json()["code"] == "not_found"


def test_orders_are_paged(client: httpx.Client, tokens: dict) -> None:
    everything = client.get("/orders", headers=tokens["coord"]).json()
    page = client.get("/orders", headers=tokens["coord"], params={"limit": 2, "offset": 1}).json()
    assert [o["id"] for o in page] == [o["id"] for o in everything[1:3]]
    too_many = client.get("/orders", headers=tokens["coord"], params={"limit": 0})
    assert too_many.status_code == 422 and too_many.json()["field"] == "limit"
