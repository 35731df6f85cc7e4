"""Every role against every endpoint: 401 without a token, 403 outside the role's scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

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

ROLES = ("coord", "v1", "p1")
_ALL = set(ROLES)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("authz")
    settings = make_settings(folder / "data")
    seed(settings, territory_copy(folder))
    with (
        LiveServer(create_app(settings, clock=pinned_clock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        tokens = {name: login(http, name) for name in ("coord", "v1", "p1", "p2")}
        orders = http.get("/orders", headers=tokens["coord"]).json()
        by_venue = {o["venue_id"]: o["id"] for o in orders}
        put = http.put(
            "/producers/prod_decines/crop-plan",
            headers=tokens["coord"],
            json={"season": "2027", "document": {"plantings": []}},
        )
        assert put.status_code == 200, put.text
        yield {"http": http, "tokens": tokens, "order": by_venue}


def _line(product: str = "pates") -> dict[str, Any]:
    return {"week": WEEK, "lines": [{"product_id": product, "quantity": 1}]}


# (method, path, json body, roles allowed); {v1}/{v2}/{v3} are order ids of those venues.
MATRIX: list[tuple[str, str, Any, set[str]]] = [
    ("GET", "/me", None, _ALL),
    ("GET", "/users", None, {"coord"}),
    ("POST", "/users", {"username": "x", "password": "short"}, {"coord"}),
    ("GET", "/organisations", None, {"coord"}),
    ("GET", "/venues", None, {"coord", "v1"}),
    ("GET", "/venues/v1", None, {"coord", "v1"}),
    ("GET", "/venues/v2", None, {"coord"}),
    ("GET", "/producers", None, {"coord", "p1"}),
    ("GET", "/products", None, _ALL),
    ("POST", "/products", {"id": "x"}, {"coord"}),
    ("PATCH", "/products/carotte", {"price_eur": 12.5}, {"coord"}),
    ("GET", "/vehicles", None, {"coord"}),
    ("GET", "/stock", None, {"coord"}),
    ("POST", "/stock", {"product_id": "pates"}, {"coord"}),
    ("GET", "/offers", None, {"coord", "p1"}),
    (
        "POST",
        "/offers",
        {"producer_id": "prod_doua", "product_id": "salade", "quantity": 1, "day": "wed"},
        {"coord", "p1"},
    ),
    (
        "POST",
        "/offers",
        {"producer_id": "prod_decines", "product_id": "salade", "quantity": 1, "day": "mon"},
        {"coord"},
    ),
    ("GET", "/order-windows", None, _ALL),
    ("POST", "/order-windows", {"week": WEEK, "cutoff_at": "2030-01-01T00:00:00Z"}, {"coord"}),
    ("PATCH", f"/order-windows/{WEEK}", {"cutoff_at": "2030-01-01T00:00:00Z"}, {"coord"}),
    ("POST", "/orders", _line() | {"venue_id": "v1"}, {"coord", "v1"}),
    ("POST", "/orders", _line() | {"venue_id": "v2"}, {"coord"}),
    ("GET", "/orders", None, {"coord", "v1"}),
    ("GET", "/orders/{v1}", None, {"coord", "v1"}),
    ("GET", "/orders/{v2}", None, {"coord"}),
    ("GET", "/orders/{v1}/history", None, {"coord", "v1"}),
    ("GET", "/orders/{v2}/history", None, {"coord"}),
    ("PATCH", "/orders/{v1}", {"lines": [{"product_id": "pates", "quantity": 3}]}, {"coord", "v1"}),
    ("PATCH", "/orders/{v2}", {"lines": [{"product_id": "pates", "quantity": 3}]}, {"coord"}),
    ("DELETE", "/orders/{v2}", None, {"coord"}),
    ("DELETE", "/orders/{v3}", None, {"coord"}),
    ("POST", "/planning-jobs", {"week": WEEK, "time_limit_s": 10_000}, {"coord"}),
    ("GET", "/planning-jobs", None, {"coord"}),
    ("GET", "/planning-jobs/nope", None, {"coord"}),
    ("DELETE", "/planning-jobs/nope", None, {"coord"}),
    ("GET", f"/weeks/{WEEK}/rounds", None, {"coord"}),
    ("GET", f"/weeks/{WEEK}/rounds.geojson", None, {"coord"}),
    ("GET", f"/weeks/{WEEK}/rounds.csv", None, {"coord"}),
    ("GET", f"/weeks/{WEEK}/sheets/2026-12-01/van.pdf", None, {"coord"}),
    ("GET", f"/venues/v1/deliveries/{WEEK}", None, {"coord", "v1"}),
    ("GET", f"/venues/v2/deliveries/{WEEK}", None, {"coord"}),
    ("PUT", "/producers/prod_doua/crop-plan", {"season": "2027", "document": {}}, {"coord"}),
    ("GET", "/producers/prod_doua/crop-plan", None, {"coord", "p1"}),
    ("GET", "/producers/prod_decines/crop-plan", None, {"coord"}),
]
PUBLIC = {("GET", "/health"), ("POST", "/auth/token")}


def _path(template: str, world: dict[str, Any]) -> str:
    order = world["order"]
    return template.format(v1=order["v1"], v2=order["v2"], v3=order["v3"])


@pytest.mark.parametrize(
    ("method", "template", "body", "allowed"),
    MATRIX,
    ids=[f"{m} {p}" for m, p, _, _ in MATRIX],
)
@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_matrix(
    world: dict[str, Any],
    role: str,
    method: str,
    template: str,
    body: Any,
    allowed: set[str],
) -> None:
    http: httpx.Client = world["http"]
    headers = {} if role == "anonymous" else world["tokens"][role]
    response = http.request(method, _path(template, world), json=body, headers=headers)
    error = (
        response.json()
        if response.headers.get("content-type", "").startswith("application/json")
        else {}
    )
    if role == "anonymous":
        assert response.status_code == 401, response.text
        assert response.headers.get("www-authenticate") == "Bearer"
        assert error["code"] == "unauthorized"
    elif role in allowed:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert set(error) == {"code", "message", "field"}
        assert error["code"] == "forbidden"


def test_matrix_covers_every_endpoint(world: dict[str, Any]) -> None:
    schema = world["http"].get("/openapi.json").json()
    documented = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }

    def template(path: str) -> str:
        for key, value in {
            "/orders/{v1}": "/orders/{order_id}",
            "/orders/{v2}": "/orders/{order_id}",
            "/orders/{v3}": "/orders/{order_id}",
        }.items():
            path = path.replace(key, value)
        return path

    covered = set()
    for method, path, _, _ in MATRIX:
        for real in documented:
            if real[0] == method and _matches(real[1], template(path)):
                covered.add(real)
    assert documented - covered == PUBLIC


def _matches(pattern: str, path: str) -> bool:
    a, b = pattern.strip("/").split("/"), path.strip("/").split("/")
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y or x.startswith("{") or y.startswith("{"):
            continue
        if "{" in x and y.endswith(x.split("}")[-1]):  # "{vehicle_id}.pdf"
            continue
        return False
    return True


def test_bad_token_is_401(world: dict[str, Any]) -> None:
    response = world["http"].get("/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_wrong_password_is_401(world: dict[str, Any]) -> None:
    response = world["http"].post("/auth/token", json={"username": "v1", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_producer_reads_only_its_own_crop_plan(world: dict[str, Any]) -> None:
    http, tokens = world["http"], world["tokens"]
    own = http.get("/producers/prod_decines/crop-plan", headers=tokens["p2"])
    assert own.status_code == 200
    assert own.json()["season"] == "2027"
    other = http.get("/producers/prod_decines/crop-plan", headers=tokens["p1"])
    assert other.status_code == 403


def test_venue_cannot_touch_another_venues_order(world: dict[str, Any]) -> None:
    http, tokens, order = world["http"], world["tokens"], world["order"]
    for method in ("GET", "PATCH", "DELETE"):
        body = {"lines": [{"product_id": "pates", "quantity": 1}]} if method == "PATCH" else None
        response = http.request(method, f"/orders/{order['v2']}", json=body, headers=tokens["v1"])
        assert response.status_code == 403, (method, response.text)
    listed = http.get("/orders", headers=tokens["v1"]).json()
    assert {o["venue_id"] for o in listed} == {"v1"}
