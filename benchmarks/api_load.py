"""HTTP API load on loopback: order submission and a venue's rounds (issue 7).

Run from the repository root::

    .venv/bin/python -m benchmarks.api_load [--clients 50] [--orders 2000] [--reads 2000]
        [--stack serve|h11]

Seeds a fresh SQLite database with the small Villeurbanne territory, starts the server
in a subprocess on 127.0.0.1 (``foodhub serve --no-access-log``: one uvicorn process on
uvloop and httptools; ``--stack h11``: uvicorn on asyncio and h11, for comparison), and
measures, from ``--clients`` concurrent clients (one keep-alive connection each, closed
loop: a client sends its next request when the previous answer has arrived):

* ``POST /orders`` with a distinct Idempotency-Key each (every one a new order), with
  ``--clients`` concurrent clients and with one client;
* ``GET /venues/{id}/deliveries/{week}`` after a planning job has published the week,
  with ``--clients`` concurrent clients and with one client.

The load generator is one asyncio process writing pre-built HTTP/1.1 requests and
reading only the status line, the headers and ``Content-Length`` bytes of body, so it
takes little of the CPU it shares with the server.  Each connection sends one untimed
request first (warm-up).  Any status other than 201 (orders) or 200 (reads) fails the
run, and so does a count of stored orders other than the number placed.

Prints one JSON object: p50, p90, p99 latency seen by the clients (ms), throughput
(requests/s), and the server's own time per request (``Server-Timing`` header: from
the request reaching the app to its response, so without the client's and the socket
backlog's share).
Bounded request counts; loopback only; not a test (figures depend on the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import distinct, func, select

from api.auth import create_user
from api.db import open_database, upgrade_database
from api.db.models import OrderRow, OrderWindowRow
from api.db.territory_io import import_territory
from territory.clock import SYSTEM_CLOCK

ROOT = Path(__file__).resolve().parents[1]
TERRITORY = ROOT / "tests" / "data" / "villeurbanne"
OSM = ROOT / "data" / "osm" / "villeurbanne_ladoua_campus_drive.osm"
WEEK = "2026-W49"
VENUES = [f"v{i}" for i in range(1, 8)]
PASSWORD = "benchmark-password"
SERVERS = {
    "serve": "foodhub serve --no-access-log: uvicorn, 1 process, uvloop, httptools",
    "h11": "uvicorn, 1 process, asyncio loop, h11",
}
_T = TypeVar("_T")


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run the load generator on uvloop when installed (less client CPU), else asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _seed(data_dir: Path) -> None:
    territory = data_dir / "villeurbanne"
    shutil.copytree(TERRITORY, territory)
    hub = territory / "hub.toml"
    hub.write_text(
        hub.read_text(encoding="utf-8").replace(
            "../../../data/osm/villeurbanne_ladoua_campus_drive.osm", OSM.as_posix()
        ),
        encoding="utf-8",
    )
    url = f"sqlite:///{(data_dir / 'foodhub.sqlite3').as_posix()}"
    upgrade_database(url)
    database = open_database(url)
    with database.write() as session:
        import_territory(session, territory)
        # The benchmark opens its own window: the bundled week's cut-off may have passed.
        window = session.scalar(select(OrderWindowRow).where(OrderWindowRow.week == WEEK))
        assert window is not None, f"{WEEK} has no order window after the import"
        window.cutoff_at = SYSTEM_CLOCK.now() + dt.timedelta(days=1)
        create_user(session, "coord", PASSWORD, "coordinator")
        for venue in VENUES:
            create_user(session, venue, PASSWORD, "venue", venue_id=venue)
    database.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_command(port: int, stack: str) -> list[str]:
    """``foodhub serve`` without access log, or uvicorn on its pure-Python stack (``h11``)."""
    if stack == "h11":
        code = (
            "import uvicorn; from api.app import create_app; "
            f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning',"
            " backlog=2048, loop='asyncio', http='h11')"
        )
        return [sys.executable, "-c", code]
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    return [sys.executable, "-c", "from cli.app import app; app()", *serve]


def _start_server(data_dir: Path, port: int, stack: str) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "FOODHUB_DATA_DIR": str(data_dir),
        "FOODHUB_SECRET": "benchmark-secret-0123456789",
        "FOODHUB_DEV": "",
    }
    env.pop("DATABASE_URL", None)
    command = _server_command(port, stack)
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=sys.stderr)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, float]:
    """Send one request; return the status code and the server's ``Server-Timing`` (ms)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    server_ms = math.nan
    for line in head.lower().split(b"\r\n")[1:]:
        if line.startswith(b"content-length:"):
            length = int(line[15:])
        elif line.startswith(b"server-timing:"):
            server_ms = float(line.split(b"dur=")[1])
    await reader.readexactly(length)
    return status, server_ms


async def _load_async(
    port: int, clients: int, total: int, request: Callable[[], bytes], expect: int
) -> dict[str, float]:
    latencies: list[float] = []
    server_ms: list[float] = []
    errors: list[int] = []
    counter = iter(range(total))
    connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(clients)]

    async def warm_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        status, _ = await _exchange(reader, writer, request())
        if status != expect:
            errors.append(status)

    await asyncio.gather(*(warm_up(r, w) for r, w in connections))

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in counter:
            payload = request()
            started = time.perf_counter()
            status, server = await _exchange(reader, writer, payload)
            latencies.append((time.perf_counter() - started) * 1000)
            server_ms.append(server)
            if status != expect:
                errors.append(status)

    started = time.perf_counter()
    await asyncio.gather(*(client(r, w) for r, w in connections))
    wall = time.perf_counter() - started
    for _, writer in connections:
        writer.close()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "clients": clients,
        "p50_ms": round(statistics.median(latencies), 2),
        "p90_ms": round(_percentile(latencies, 90), 2),
        "p99_ms": round(_percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2),
        "throughput_rps": round(len(latencies) / wall, 1),
        "server_p50_ms": round(statistics.median(server_ms), 2),
        "server_p99_ms": round(_percentile(server_ms, 99), 2),
    }


def _load(
    port: int, clients: int, total: int, request: Callable[[], bytes], expect: int
) -> dict[str, float]:
    """Run ``total`` requests over ``clients`` connections; latency in ms, throughput in req/s.

    Each connection first sends one untimed request of the same kind (warm-up: the first
    use of a token or a code path costs more), then the clock starts.

    Raises
    ------
    RuntimeError
        When a response's status is not ``expect``.
    """
    result = _run(_load_async(port, clients, total, request, expect))
    if result["errors"]:
        raise RuntimeError(f"{result['errors']} responses were not {expect}: {result}")
    return result


def _request(method: str, path: str, token: str, body: bytes = b"", extra: str = "") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n{extra}"
    )
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def _count_orders(data_dir: Path) -> tuple[int, int]:
    """Orders of the benchmark in the database: rows and distinct idempotency keys."""
    database = open_database(f"sqlite:///{(data_dir / 'foodhub.sqlite3').as_posix()}")
    with database.read() as session:
        rows, keys = session.execute(
            select(func.count(), func.count(distinct(OrderRow.idempotency_key))).where(
                OrderRow.idempotency_key.like("bench-%")
            )
        ).one()
    database.dispose()
    return int(rows), int(keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument(
        "--stack",
        choices=["serve", "h11"],
        default="serve",
        help="foodhub serve (uvloop, httptools), or uvicorn on asyncio and h11 for comparison",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        _seed(data_dir)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _start_server(data_dir, port, args.stack)
        try:
            with httpx.Client(base_url=base, timeout=60) as http:
                tokens = {
                    name: http.post(
                        "/auth/token", json={"username": name, "password": PASSWORD}
                    ).json()["access_token"]
                    for name in ["coord", *VENUES]
                }

            keys = itertools.count()

            def place() -> bytes:
                n = next(keys)  # every order new: its own Idempotency-Key
                venue = VENUES[n % len(VENUES)]
                body = {"week": WEEK, "lines": [{"product_id": "pates", "quantity": 1 + n % 3}]}
                return _request(
                    "POST",
                    "/orders",
                    tokens[venue],
                    json.dumps(body).encode(),
                    f"Idempotency-Key: bench-{n}\r\n",
                )

            orders = _load(port, args.clients, args.orders, place, 201)
            orders_one = _load(port, 1, min(args.orders, 500), place, 201)
            placed = next(keys)

            with httpx.Client(base_url=base, timeout=120) as http:
                coord = {"Authorization": f"Bearer {tokens['coord']}"}
                job = http.post(
                    "/planning-jobs",
                    headers=coord,
                    json={"week": WEEK, "engine": "pyvrp", "time_limit_s": 2, "seed": 1},
                ).json()
                for _ in range(1200):
                    status = http.get(f"/planning-jobs/{job['id']}", headers=coord)
                    if status.json()["status"] not in ("queued", "running"):
                        break
                    time.sleep(0.25)
                assert status.json()["status"] == "succeeded", status.json()

            reads_bytes = [
                _request("GET", f"/venues/{venue}/deliveries/{WEEK}", tokens[venue])
                for venue in VENUES
            ]

            venue_reads = itertools.cycle(reads_bytes)

            def read() -> bytes:
                return next(venue_reads)

            reads = _load(port, args.clients, args.reads, read, 200)
            reads_one = _load(port, 1, min(args.reads, 500), read, 200)
        finally:
            server.terminate()
            server.wait(timeout=30)
        rows, distinct_keys = _count_orders(data_dir)
        if rows != distinct_keys or rows != placed:
            raise RuntimeError(f"{placed} orders placed, {rows} stored ({distinct_keys} keys)")
    print(
        json.dumps(
            {
                "cpus": os.cpu_count(),
                "load_average_1min_before": round(load_before, 2),
                "load_average_1min_at_end": round(os.getloadavg()[0], 2),
                "database": "sqlite (WAL)",
                "server": SERVERS[args.stack],
                "client": "one asyncio process, raw HTTP/1.1 keep-alive, one connection a client",
                "orders_stored": rows,
                "post_orders": orders,
                "post_orders_1_client": orders_one,
                "get_venue_rounds": reads,
                "get_venue_rounds_1_client": reads_one,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
