"""HTTP API load on loopback: order submission and a venue's rounds (issue 7).

Run from the repository root::

    .venv/bin/python -m benchmarks.api_load [--clients 50] [--orders 2000] [--reads 2000]

Seeds a fresh SQLite database with the small Villeurbanne territory, starts
``uvicorn`` in a subprocess on 127.0.0.1 (one worker, as ``foodhub serve``), and
measures, from ``--clients`` concurrent clients (one keep-alive connection each):

* ``POST /orders`` with a distinct Idempotency-Key each (every one a new order), with
  ``--clients`` concurrent clients and with one client;
* ``GET /venues/{id}/deliveries/{week}`` after a planning job has published the week,
  with 50 concurrent clients and with one client.

Prints one JSON object: p50, p90, p99 latency seen by the clients (ms), throughput
(requests/s), and the server's own time per request (``Server-Timing`` header: from
the request reaching the app to its response, so without the client's and the socket
backlog's share).
Bounded request counts; loopback only; not a test (figures depend on the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from api.auth import create_user
from api.db import open_database, upgrade_database
from api.db.territory_io import import_territory

ROOT = Path(__file__).resolve().parents[1]
TERRITORY = ROOT / "tests" / "data" / "villeurbanne"
OSM = ROOT / "data" / "osm" / "villeurbanne_ladoua_campus_drive.osm"
WEEK = "2026-W49"
VENUES = [f"v{i}" for i in range(1, 8)]
PASSWORD = "benchmark-password"


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
        create_user(session, "coord", PASSWORD, "coordinator")
        for venue in VENUES:
            create_user(session, venue, PASSWORD, "venue", venue_id=venue)
    database.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "FOODHUB_DATA_DIR": str(data_dir),
        "FOODHUB_SECRET": "benchmark-secret-0123456789",
        "FOODHUB_DEV": "",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import uvicorn; from api.app import create_app; "
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning',"
        " backlog=2048)"
    )
    process = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
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


def _load(
    base: str, clients: int, total: int, request: Callable[[httpx.Client, int], httpx.Response]
) -> dict[str, float]:
    """Run ``total`` requests from ``clients`` threads; latency in ms, throughput in req/s."""
    latencies: list[float] = []
    server_ms: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    counter = iter(range(total))
    barrier = threading.Barrier(clients)

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            http.get("/health")  # open the connection before the clock starts
            barrier.wait()
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                started = time.perf_counter()
                response = request(http, n)
                elapsed = (time.perf_counter() - started) * 1000
                timing = response.headers.get("server-timing", "app;dur=nan")
                with lock:
                    latencies.append(elapsed)
                    server_ms.append(float(timing.split("dur=")[1]))
                    if response.status_code >= 400:
                        errors.append(response.status_code)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        _seed(data_dir)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _start_server(data_dir, port)
        try:
            with httpx.Client(base_url=base, timeout=60) as http:
                tokens = {
                    name: {
                        "Authorization": "Bearer "
                        + http.post(
                            "/auth/token", json={"username": name, "password": PASSWORD}
                        ).json()["access_token"]
                    }
                    for name in ["coord", *VENUES]
                }

            def place(http: httpx.Client, n: int) -> httpx.Response:
                venue = VENUES[n % len(VENUES)]
                return http.post(
                    "/orders",
                    headers=tokens[venue] | {"Idempotency-Key": f"bench-{n}"},
                    json={"week": WEEK, "lines": [{"product_id": "pates", "quantity": 1 + n % 3}]},
                )

            orders = _load(base, args.clients, args.orders, place)
            orders_one = _load(
                base, 1, min(args.orders, 500), lambda http, n: place(http, args.orders + n)
            )

            with httpx.Client(base_url=base, timeout=120) as http:
                job = http.post(
                    "/planning-jobs",
                    headers=tokens["coord"],
                    json={"week": WEEK, "engine": "pyvrp", "time_limit_s": 2, "seed": 1},
                ).json()
                for _ in range(1200):
                    status = http.get(f"/planning-jobs/{job['id']}", headers=tokens["coord"])
                    if status.json()["status"] not in ("queued", "running"):
                        break
                    time.sleep(0.25)
                assert status.json()["status"] == "succeeded", status.json()

            def read(http: httpx.Client, n: int) -> httpx.Response:
                venue = VENUES[n % len(VENUES)]
                return http.get(f"/venues/{venue}/deliveries/{WEEK}", headers=tokens[venue])

            reads = _load(base, args.clients, args.reads, read)
            reads_one = _load(base, 1, min(args.reads, 500), read)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        json.dumps(
            {
                "cpus": os.cpu_count(),
                "load_average_1min": round(os.getloadavg()[0], 2),
                "database": "sqlite (WAL)",
                "server": "uvicorn, 1 process, loopback",
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
