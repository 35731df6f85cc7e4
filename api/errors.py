"""The one JSON error shape of the HTTP API and the handlers that produce it.

Every error response body is ``{"code": ..., "message": ..., "field": ...}``::

    ApiError                       raised by route code: status, code, message, field
    RequestValidationError   422   the first invalid field, dotted (``lines.0.quantity``)
    InputError               422   a domain record refused a value (field = its column)
    HTTPException            4xx   framework errors (404 unknown path, 405, ...)
    Exception                500   logged, never leaks details
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from territory.errors import InputError

__all__ = ["ApiError", "ErrorBody", "error_responses", "install_error_handlers"]

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: str = Field(description="Stable machine-readable code.", examples=["not_found"])
    message: str = Field(description="A sentence for a person.", examples=["no order 12"])
    field: str | None = Field(
        default=None, description="The request field at fault, dotted.", examples=["quantity"]
    )


class ApiError(Exception):
    """An error with an HTTP status, raised by route code."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid token",
    403: "The role or the account may not do this",
    404: "Not found",
    409: "Conflict with the current state",
    422: "A field is invalid",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given statuses, with the error model."""
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS.get(status, "Error")}
        for status in statuses
    }


def _body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into :class:`ErrorBody`."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return JSONResponse(
            _body(error.code, error.message, error.field), error.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        errors = error.errors()
        first = errors[0] if errors else {}
        location = [str(p) for p in first.get("loc", ())]
        if location and location[0] in ("body", "query", "path", "header", "cookie"):
            location = location[1:]
        field = ".".join(location) or None
        message = str(first.get("msg", "invalid request"))
        if field:
            message = f"{field}: {message}"
        return JSONResponse(_body("validation_error", message, field), 422)

    @app.exception_handler(InputError)
    async def _input(_request: Request, error: InputError) -> JSONResponse:
        problem = error.problems[0] if error.problems else None
        message = "; ".join(p.message for p in error.problems) or str(error)
        return JSONResponse(
            _body("invalid_value", message, problem.column if problem else None), 422
        )

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, error: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "error")
        return JSONResponse(
            _body(code, str(error.detail)), error.status_code, headers=error.headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error", exc_info=error)
        return JSONResponse(_body("internal_error", "an unexpected error occurred"), 500)
