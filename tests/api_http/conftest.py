"""Fixtures of the HTTP API tests: a seeded server (in-process or real uvicorn on loopback).

Accounts (password ``password-123``)::

    coord  coordinator      v1 / v2  venues v1, v2      p1 / p2  producers prod_doua, prod_decines
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.auth import create_user
from api.db import open_database, upgrade_database
from api.db.territory_io import import_territory
from api.settings import Settings
from territory.clock import FixedClock

VILLEURBANNE = Path(__file__).resolve().parents[1] / "data" / "villeurbanne"
OSM = Path(__file__).resolve().parents[2] / "data" / "osm" / "villeurbanne_ladoua_campus_drive.osm"
PASSWORD = "password-123"
WEEK = "2026-W49"
#: The tests' "now": Monday of the week before WEEK, before its cut-off (Thursday 12:00).
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def pinned_clock() -> FixedClock:
    """A clock pinned at :data:`NOW` (the suite passes on any calendar date)."""
    return FixedClock(NOW)


FAST_JOB = {"week": WEEK, "engine": "pyvrp", "time_limit_s": 1, "max_iterations": 100, "seed": 1}
ACCOUNTS = {
    "coord": ("coordinator", None, None),
    "v1": ("venue", "v1", None),
    "v2": ("venue", "v2", None),
    "p1": ("producer", None, "prod_doua"),
    "p2": ("producer", None, "prod_decines"),
}


def territory_copy(folder: Path) -> Path:
    """Villeurbanne with the road network by absolute path."""
    copy = folder / "villeurbanne"
    shutil.copytree(VILLEURBANNE, copy)
    hub = copy / "hub.toml"
    text = hub.read_text(encoding="utf-8")
    hub.write_text(
        text.replace("../../../data/osm/villeurbanne_ladoua_campus_drive.osm", OSM.as_posix()),
        encoding="utf-8",
    )
    return copy


def make_settings(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{(data_dir / 'foodhub.sqlite3').as_posix()}",
        secret="test-secret-not-for-production",
        dev=False,
    )


def seed(settings: Settings, territory: Path, accounts: dict[str, tuple] = ACCOUNTS) -> None:
    """Migrate, import the territory and create the accounts."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database(settings.database_url)
    database = open_database(settings.database_url)
    with database.write() as session:
        import_territory(session, territory)
        for name, (role, venue, producer) in accounts.items():
            create_user(session, name, PASSWORD, role, venue_id=venue, producer_id=producer)
    database.dispose()


def login(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post("/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def wait_for_job(client: httpx.Client, job_id: str, headers: dict[str, str]) -> dict:
    """Poll a job until it ends (bounded number of polls, not a timing assertion)."""
    for _ in range(600):
        job = client.get(f"/planning-jobs/{job_id}", headers=headers).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']}")


@dataclass
class Seeded:
    settings: Settings
    territory: Path


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    territory = territory_copy(tmp_path)
    settings = make_settings(tmp_path / "data")
    seed(settings, territory)
    return Seeded(settings, territory)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn server on 127.0.0.1 in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", backlog=2048
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                return self
            time.sleep(0.02)
        raise RuntimeError("uvicorn did not start")

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def live(seeded: Seeded) -> Iterator[LiveServer]:
    with LiveServer(create_app(seeded.settings, clock=pinned_clock())) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=60) as http:
        yield http


@pytest.fixture
def tokens(client: httpx.Client) -> dict[str, dict[str, str]]:
    return {name: login(client, name) for name in ACCOUNTS}
