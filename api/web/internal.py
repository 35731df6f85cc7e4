"""Call the JSON API from inside the server (same ASGI app, no network, no HTTP client).

The web pages reuse every JSON route and its authorization: a page or the
``/web/api/...`` relay calls the app with the caller's own bearer token.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.types import Message

__all__ = ["ApiReply", "call_api"]


@dataclass
class ApiReply:
    """Status, headers (lower-case names) and body of an internal API call."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def ok(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status < 300

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


async def call_api(
    request: Request,
    method: str,
    path: str,
    token: str,
    *,
    query: str = "",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> ApiReply:
    """Run ``method path?query`` through the app with ``Authorization: Bearer token``."""
    sent_headers = [(b"authorization", f"Bearer {token}".encode())]
    for name, value in (headers or {}).items():
        sent_headers.append((name.lower().encode(), value.encode()))
    if body:
        sent_headers.append((b"content-length", str(len(body)).encode()))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method.upper(),
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": sent_headers,
        "client": ("127.0.0.1", 0),
        "server": ("foodhub.internal", 80),
    }
    if "state" in request.scope:
        scope["state"] = request.scope["state"]
    pending = [body]
    reply = ApiReply(status=500)
    chunks: list[bytes] = []
    finished = asyncio.Event()

    async def receive() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": False}
        # Streaming responses listen for a disconnect while they send: only after the end.
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            reply.status = int(message["status"])
            reply.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                finished.set()

    try:
        await request.app(scope, receive, send)
    finally:
        finished.set()
    reply.body = b"".join(chunks)
    return reply
