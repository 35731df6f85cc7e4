"""The OpenAPI document: every operation documented with an example and its error shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.app import create_app
from tests.api_http.conftest import make_settings

SCHEMA = create_app(make_settings(Path("unused"))).openapi()
COMPONENTS = SCHEMA["components"]["schemas"]


def _has_example(schema: Any, depth: int = 0) -> bool:
    if depth > 5 or not isinstance(schema, dict):
        return False
    if "examples" in schema or "example" in schema:
        return True
    if "$ref" in schema:
        return _has_example(COMPONENTS[schema["$ref"].split("/")[-1]], depth + 1)
    if _has_example(schema.get("items"), depth + 1):
        return True
    return any(_has_example(x, depth + 1) for k in ("anyOf", "allOf") for x in schema.get(k, []))


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in SCHEMA["paths"].items()
        for method, op in item.items()
    ]


def test_every_operation_has_a_response_example() -> None:
    missing = []
    for method, path, op in _operations():
        contents = [
            content
            for code, response in op["responses"].items()
            if code.startswith("2")
            for content in response.get("content", {}).values()
        ]
        if not any("example" in c or _has_example(c.get("schema")) for c in contents):
            missing.append(f"{method} {path}")
    assert missing == []


def test_every_request_body_has_an_example() -> None:
    missing = [
        f"{method} {path}"
        for method, path, op in _operations()
        if "requestBody" in op
        and not _has_example(op["requestBody"]["content"]["application/json"]["schema"])
    ]
    assert missing == []


def test_errors_are_documented_with_the_error_shape() -> None:
    assert set(COMPONENTS["ErrorBody"]["properties"]) == {"code", "message", "field"}
    for method, path, op in _operations():
        if (method, path) in {("GET", "/health")}:
            continue
        errors = {code for code in op["responses"] if code.startswith("4")}
        assert errors, f"{method} {path}"
        for code in errors:
            ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorBody"), (method, path, code)
