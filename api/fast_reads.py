"""A venue's deliveries answered from the caches, before FastAPI's routing (the hottest read).

``GET /venues/{venue_id}/deliveries/{week}`` is what every venue polls.  Once its
answer is cached, FastAPI's route matching and dependency resolution are most of its
cost (~0.2 of ~0.4 ms of CPU).  :class:`VenueDeliveriesFromCache` answers the request
itself only when everything it needs is already known and checked:

* the bearer token was verified in the last 30 s (:class:`~api.auth.PrincipalCache`);
* the account may read that venue (its own venue, or a coordinator);
* the week has a published plan (one indexed query, as the route does), and that
  venue's view of it is cached (:class:`~api.routes.plans.PublishedPlans`,
  :class:`~api.routes.plans.PlanCache`).

Anything else (first read, unknown or expired token, another role, no plan, any error,
any other path) goes on to the FastAPI route, which sends the same bytes when it succeeds.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import hash_token

__all__ = ["VenueDeliveriesFromCache"]

_PATH = re.compile(r"/venues/([A-Za-z0-9_.\-]{1,64})/deliveries/(\d{4}-W\d{2})")


class VenueDeliveriesFromCache:
    """Pure ASGI middleware: cached venue deliveries without routing (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = _PATH.fullmatch(scope["path"])
            body = None if match is None else _cached(scope, match[1], match[2])
            if body is not None:
                headers = [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", b"application/json"),
                ]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def _cached(scope: Scope, venue_id: str, week: str) -> bytes | None:
    """The cached JSON the route would send, or ``None`` when the route must decide."""
    token = _bearer(scope)
    state = scope["app"].state
    if token is None or not hasattr(state, "principals"):
        return None
    user = state.principals.get(hash_token(token, state.settings.secret))
    if user is None or not (
        user.role == "coordinator" or (user.role == "venue" and user.venue_id == venue_id)
    ):
        return None
    plan_id = state.published_plans.plan_id(week)
    if plan_id is None:
        return None
    body: bytes | None = state.plan_cache.venue_views.get((plan_id, venue_id))
    return body


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None
