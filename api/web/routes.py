"""Page routes under ``/web``: login, coordinator, venue and producer pages, basemap, relay.

Authentication: the login form exchanges the account's password for an API token
(the same ``POST /auth/token``) kept in an HttpOnly, SameSite=Strict cookie
(``foodhub_token``, path ``/web``).  Every page checks the account's role on the
server before rendering; the data come from the JSON API itself, called in-process
with that token, so the pages see exactly what the API lets the account see.
Scripts reach the API through ``/web/api/<path>`` (the same relay); state-changing
requests there must carry ``X-Foodhub-Web: 1``, which a cross-site form cannot send.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from api.auth import Principal, principal_for_token
from api.db.engine import Database
from api.db.models import HubRow
from api.web.basemap import basemap_geojson
from api.web.crop_calendar import WEEKS, gantt_rows, weekly_harvest
from api.web.i18n import pick_lang, t
from api.web.internal import ApiReply, call_api
from logistics.pipeline import DEFAULT_TIME_LIMIT_S
from territory.clock import Clock

__all__ = ["router"]

COOKIE = "foodhub_token"
LANG_COOKIE = "foodhub_lang"
CSRF_HEADER = "x-foodhub-web"
_HERE = Path(__file__).resolve().parent
STATIC = _HERE / "static"
_HOMES = {"coordinator": "/web/coordinator", "venue": "/web/venue", "producer": "/web/producer"}
_ROUND_COLOURS = (
    "#1b6ca8",
    "#c0392b",
    "#1e8449",
    "#8e44ad",
    "#d35400",
    "#117a65",
    "#b7950b",
    "#2e4053",
    "#a93226",
    "#5b2c6f",
)

router = APIRouter(prefix="/web", include_in_schema=False)
_env = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


# ------------------------------------------------------------------ helpers
def _lookup(database: Database, token: str, secret: str, clock: Clock) -> Principal | None:
    with database.read() as session:
        return principal_for_token(session, token, secret, now=clock.now())


async def _user(request: Request) -> tuple[str, Principal] | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    settings = request.app.state.settings
    principal = await run_in_threadpool(
        _lookup, request.app.state.database, token, settings.secret, request.app.state.clock
    )
    return None if principal is None else (token, principal)


def _lang(request: Request) -> str:
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def _render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    lang = _lang(request)
    page = _env.get_template(template).render(
        lang=lang,
        t=partial(t, lang),
        path=request.url.path,
        query=request.url.query,
        **context,
    )
    response = HTMLResponse(page, status_code=status)
    if request.query_params.get("lang") in ("fr", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path="/web", samesite="lax")
    return response


def _js_strings(lang: str, *keys: str) -> str:
    return json.dumps({k: t(lang, k) for k in keys}, ensure_ascii=False)


async def _page_user(request: Request, role: str) -> tuple[str, Principal] | Response:
    found = await _user(request)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/web/login?next={quote(target)}", status_code=303)
    if found[1].role != role:
        return _render(request, "forbidden.html", status=403, user=found[1], home=_HOMES)
    return found


async def _get(request: Request, token: str, path: str, query: str = "") -> ApiReply:
    return await call_api(request, "GET", path, token, query=query)


def _time(value: str | None) -> str:
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).strftime("%H:%M")
    except ValueError:
        return value


def _date(value: str, lang: str) -> str:
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    from logistics.outputs.i18n import format_date

    return format_date(day, lang)


def _weeks(windows: list[dict[str, Any]], extra: list[str]) -> list[str]:
    return sorted({w["week"] for w in windows} | set(extra))


def _default_week(windows: list[dict[str, Any]], weeks: list[str]) -> str | None:
    open_weeks = [w["week"] for w in windows if w.get("open")]
    if open_weeks:
        return min(open_weeks)
    return weeks[-1] if weeks else None


def _safe_next(value: str | None) -> str | None:
    if value and value.startswith("/web/") and not value.startswith("//"):
        return value
    return None


# -------------------------------------------------------------- login, home
@router.get("/", response_model=None)
async def home(request: Request) -> Response:
    found = await _user(request)
    if found is None:
        return RedirectResponse("/web/login", status_code=303)
    return RedirectResponse(_HOMES[found[1].role], status_code=303)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request) -> HTMLResponse:
    return _render(
        request, "login.html", next=_safe_next(request.query_params.get("next")), error=None
    )


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    body = json.dumps({"username": username, "password": password}).encode()
    reply = await call_api(
        request, "POST", "/auth/token", "", body=body, headers={"content-type": "application/json"}
    )
    if reply.status != 200:
        return _render(
            request, "login.html", status=401, next=target, error=t(_lang(request), "bad_login")
        )
    token = reply.json()["access_token"]
    settings = request.app.state.settings
    principal = await run_in_threadpool(
        _lookup, request.app.state.database, token, settings.secret, request.app.state.clock
    )
    role = principal.role if principal is not None else "venue"
    response = RedirectResponse(target or _HOMES[role], status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(reply.json()["expires_in_s"]),
        path="/web",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
async def logout() -> RedirectResponse:
    response = RedirectResponse("/web/login", status_code=303)
    response.delete_cookie(COOKIE, path="/web")
    return response


# ------------------------------------------------------------ static, basemap
@router.get("/static/{name:path}", response_model=None)
async def static(name: str) -> Response:
    path = (STATIC / name).resolve()
    if not path.is_file() or STATIC not in path.parents:
        return Response(status_code=404)
    return FileResponse(path, headers={"cache-control": "public, max-age=3600"})


def _hub_timezone(database: Database) -> str:
    with database.read() as session:
        hub = session.scalar(select(HubRow))
        return hub.timezone if hub is not None else "UTC"


def _hub_network(database: Database) -> dict[str, str]:
    with database.read() as session:
        hub = session.scalar(select(HubRow))
        return dict(hub.network) if hub is not None and hub.network else {}


@router.get("/basemap.geojson", response_model=None)
async def basemap(request: Request) -> Response:
    if await _user(request) is None:
        return Response(status_code=401)
    state = request.app.state
    network = await run_in_threadpool(_hub_network, state.database)
    data = await run_in_threadpool(basemap_geojson, network, state.settings.data_dir / "cache")
    return Response(data, media_type="application/geo+json")


# ------------------------------------------------------------------- relay
@router.api_route("/api/{path:path}", methods=["GET", "POST", "PATCH", "PUT", "DELETE"])
async def relay(path: str, request: Request) -> Response:
    found = await _user(request)
    if found is None:
        return Response(
            json.dumps({"code": "unauthorized", "message": "sign in first", "field": None}),
            status_code=401,
            media_type="application/json",
        )
    if request.method != "GET" and request.headers.get(CSRF_HEADER) != "1":
        return Response(
            json.dumps({"code": "forbidden", "message": f"{CSRF_HEADER} required", "field": None}),
            status_code=403,
            media_type="application/json",
        )
    headers = {
        name: request.headers[name]
        for name in ("content-type", "idempotency-key")
        if name in request.headers
    }
    reply = await call_api(
        request,
        request.method,
        "/" + path,
        found[0],
        query=request.url.query,
        body=await request.body(),
        headers=headers,
    )
    passed = {k: v for k, v in reply.headers.items() if k in ("content-disposition",)}
    return Response(
        reply.body,
        status_code=reply.status,
        media_type=reply.headers.get("content-type"),
        headers=passed,
    )


# ------------------------------------------------------------- coordinator
def _names(reply: ApiReply) -> dict[str, str]:
    return {x["id"]: x["name"] for x in reply.json()} if reply.ok else {}


@router.get("/coordinator", response_model=None)
async def coordinator_page(request: Request) -> Response:
    found = await _page_user(request, "coordinator")
    if isinstance(found, Response):
        return found
    token, user = found
    lang = _lang(request)
    windows_reply = await _get(request, token, "/order-windows")
    windows = windows_reply.json() if windows_reply.ok else []
    jobs_reply = await _get(request, token, "/planning-jobs")
    jobs = jobs_reply.json() if jobs_reply.ok else []
    weeks = _weeks(windows, [j["week"] for j in jobs])
    week = request.query_params.get("week") or _default_week(windows, weeks)
    if week and week not in weeks:
        weeks = sorted([*weeks, week])
    venues = _names(await _get(request, token, "/venues"))
    producers = _names(await _get(request, token, "/producers"))
    products = _names(await _get(request, token, "/products"))
    vehicles_reply = await _get(request, token, "/vehicles")
    vehicles = {v["id"]: v for v in vehicles_reply.json()} if vehicles_reply.ok else {}
    plan: dict[str, Any] | None = None
    rounds: list[dict[str, Any]] = []
    colours: dict[str, str] = {}
    if week:
        reply = await _get(request, token, f"/weeks/{week}/rounds")
        plan = reply.json() if reply.ok else None
    if plan is not None:
        for i, route in enumerate(plan["routes"]):
            key = f"{route['day']}|{route['vehicle_id']}"
            colours[key] = _ROUND_COLOURS[i % len(_ROUND_COLOURS)]
            vehicle = vehicles.get(route["vehicle_id"], {})
            capacity = float(vehicle.get("capacity_kg") or 0)
            peak = max((s["load"]["kg"] for s in route["steps"]), default=0.0)
            steps = []
            for s in route["steps"]:
                kind = s["site_kind"]
                if kind == "venue":
                    place = venues.get(s["site_id"], s["site_id"])
                elif kind == "producer":
                    place = producers.get(s["site_id"], s["site_id"])
                else:
                    place = t(lang, "hub")
                steps.append(
                    {
                        "seq": s["seq"],
                        "trip": s["trip"],
                        "action": t(lang, f"action_{s['type']}"),
                        "place": place,
                        "eta": _time(s["arrival"]),
                        "departure": _time(s["departure"]),
                        "load_kg": round(s["load"]["kg"], 1),
                        "fill": f"{100 * s['load']['kg'] / capacity:.0f} %" if capacity else "",
                        "goods": ", ".join(
                            f"{i['quantity']} × {products.get(i['product_id'], i['product_id'])}"
                            for i in s["items"]
                        ),
                    }
                )
            rounds.append(
                {
                    "key": key,
                    "colour": colours[key],
                    "day": route["day"],
                    "day_text": _date(route["day"], lang),
                    "vehicle_id": route["vehicle_id"],
                    "vehicle": vehicle.get("name", route["vehicle_id"]),
                    "distance_km": round(route["distance_m"] / 1000, 1),
                    "duration_h": round(route["duration_s"] / 3600, 2),
                    "fill": f"{100 * peak / capacity:.0f} %" if capacity else "",
                    "steps": steps,
                    "sheet": f"/web/api/weeks/{week}/sheets/{route['day']}/"
                    f"{route['vehicle_id']}.pdf",
                }
            )
    unserved = [
        {
            "venue": venues.get(u["venue_id"], u["venue_id"]),
            "product": products.get(u["product_id"], u["product_id"]),
            "quantity": u["quantity"],
            "reason": u["reason"],
        }
        for u in (plan["unassigned"] if plan else [])
    ]
    summary = plan["summary"] if plan else {}
    return _render(
        request,
        "coordinator.html",
        user=user,
        week=week,
        weeks=weeks,
        plan=plan,
        summary=summary,
        savings=_savings(summary),
        rounds=rounds,
        unserved=unserved,
        colours_json=json.dumps(colours),
        default_time_limit_s=DEFAULT_TIME_LIMIT_S,
        js_strings=_js_strings(
            lang,
            "job_queued",
            "job_running",
            "job_succeeded",
            "job_failed",
            "job_cancelled",
            "err_generic",
            "eta",
            "load",
            "hub",
            "producers",
            *(f"action_{a}" for a in ("start", "pickup", "deliver", "reload", "break", "end")),
        ),
    )


_SAVING_KEYS = ("distance_km", "duration_h", "co2_kg", "cost_eur")


def _savings(summary: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Rows (figure, stand-alone, pooled, saving, %) of the plan's stand-alone comparison.

    ``summary["standalone_comparison"]`` is what :func:`logistics.savings.pooling_comparison`
    returns (``foodhub plan --standalone`` writes it); ``None`` when the plan has none.
    """
    comparison = summary.get("standalone_comparison")
    if not isinstance(comparison, dict):
        return None
    alone, pooled = comparison.get("standalone"), comparison.get("pooled")
    saving = comparison.get("saving")
    if not (isinstance(alone, dict) and isinstance(pooled, dict) and isinstance(saving, dict)):
        return None
    rows = []
    for key in _SAVING_KEYS:
        if key in alone and key in pooled and isinstance(saving.get(key), dict):
            rows.append(
                {
                    "key": key,
                    "standalone": alone[key],
                    "pooled": pooled[key],
                    "saving": saving[key].get("absolute"),
                    "percent": saving[key].get("percent"),
                }
            )
    return rows or None


# ------------------------------------------------------------------- venue
@router.get("/venue", response_model=None)
async def venue_page(request: Request) -> Response:
    found = await _page_user(request, "venue")
    if isinstance(found, Response):
        return found
    token, user = found
    lang = _lang(request)
    venue_id = user.venue_id or ""
    venue_reply = await _get(request, token, f"/venues/{venue_id}")
    venue = venue_reply.json() if venue_reply.ok else {"id": venue_id, "name": venue_id}
    windows_reply = await _get(request, token, "/order-windows")
    windows = windows_reply.json() if windows_reply.ok else []
    weeks = _weeks(windows, [])
    week = request.query_params.get("week") or _default_week(windows, weeks)
    window = next((w for w in windows if w["week"] == week), None)
    products_reply = await _get(request, token, "/products")
    products = products_reply.json() if products_reply.ok else []
    names = {p["id"]: p["name"] for p in products}
    orders: list[dict[str, Any]] = []
    delivery: dict[str, Any] | None = None
    if week:
        orders_reply = await _get(request, token, "/orders", f"week={week}&status=active")
        orders = orders_reply.json() if orders_reply.ok else []
        delivery_reply = await _get(request, token, f"/venues/{venue_id}/deliveries/{week}")
        delivery = delivery_reply.json() if delivery_reply.ok else None
    current = max(orders, key=lambda o: o["id"]) if orders else None
    quantities = {x["product_id"]: x["quantity"] for x in current["lines"]} if current else {}
    deliveries = []
    for d in (delivery or {}).get("deliveries", []):
        deliveries.append(
            {
                "text": t(
                    lang,
                    "delivery_line",
                    day=_date(d["day"], lang),
                    eta=_time(d["eta"]),
                    vehicle=d["vehicle_id"],
                ),
                "items": [
                    (names.get(i["product_id"], i["product_id"]), i["quantity"]) for i in d["items"]
                ],
            }
        )
    unserved = [
        (names.get(u["product_id"], u["product_id"]), u["quantity"], u["reason"])
        for u in (delivery or {}).get("unserved", [])
    ]
    cutoff = ""
    if window is not None:
        zone = await run_in_threadpool(_hub_timezone, request.app.state.database)
        try:
            when = dt.datetime.fromisoformat(window["cutoff_at"]).astimezone(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            when = dt.datetime.fromisoformat(window["cutoff_at"])
        cutoff = f"{_date(when.isoformat(), lang)} {when.strftime('%H:%M %Z')}".strip()
    return _render(
        request,
        "venue.html",
        user=user,
        venue=venue,
        week=week,
        weeks=weeks,
        window=window,
        cutoff=cutoff,
        products=products,
        current=current,
        others=len(orders) - (1 if current else 0),
        quantities=quantities,
        has_plan=delivery is not None,
        deliveries=deliveries,
        unserved=unserved,
        js_strings=_js_strings(
            lang,
            "order_saved",
            "order_cancelled",
            "current_order",
            "no_order",
            "order_empty",
            "err_order_window_closed",
            "err_no_order_window",
            "err_version_conflict",
            "err_generic",
        ),
    )


# ---------------------------------------------------------------- producer
@router.get("/producer", response_model=None)
async def producer_page(request: Request) -> Response:
    found = await _page_user(request, "producer")
    if isinstance(found, Response):
        return found
    token, user = found
    producer_id = user.producer_id or ""
    producers_reply = await _get(request, token, "/producers")
    producers = producers_reply.json() if producers_reply.ok else []
    producer = next(
        (p for p in producers if p["id"] == producer_id), {"id": producer_id, "name": producer_id}
    )
    plan_reply = await _get(request, token, f"/producers/{producer_id}/crop-plan")
    plan = plan_reply.json() if plan_reply.ok else None
    offers_reply = await _get(request, token, "/offers")
    offers = offers_reply.json() if offers_reply.ok else []
    products_reply = await _get(request, token, "/products")
    names = {p["id"]: p["name"] for p in products_reply.json()} if products_reply.ok else {}
    document = plan["document"] if plan else {}
    rows = gantt_rows(document)
    harvest = weekly_harvest(document)
    peak = max((total for _, _, total in harvest), default=0.0)
    return _render(
        request,
        "producer.html",
        user=user,
        producer=producer,
        plan=plan,
        rows=rows,
        weeks_count=WEEKS,
        harvest=harvest,
        peak=peak,
        names=names,
        offers=offers,
    )
