"""Schemathesis against the OpenAPI schema: no 500s, responses match the schema (bounded)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from api.app import create_app
from tests.api_http.conftest import (
    LiveServer,
    login,
    make_settings,
    pinned_clock,
    seed,
    territory_copy,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("schema")
    app_settings = make_settings(folder / "data")
    seed(app_settings, territory_copy(folder))
    with (
        LiveServer(create_app(app_settings, clock=pinned_clock())) as live,
        httpx.Client(base_url=live.url) as http,
    ):
        yield {"url": live.url, "headers": login(http, "coord")}


def _openapi() -> dict[str, Any]:
    """The schema of the app, built without starting it (no database needed)."""
    return create_app(make_settings(Path("unused"))).openapi()


schema = schemathesis.openapi.from_dict(_openapi())


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case: Any, server: dict[str, Any]) -> None:
    headers = dict(case.headers or {}) | server["headers"]
    case.call_and_validate(
        base_url=server["url"],
        headers=headers,
        checks=[not_a_server_error, response_schema_conformance],
    )
