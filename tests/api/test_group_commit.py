"""Group commit: writes batched in one transaction, each answered with its own outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from api.db import open_database
from api.db.engine import Database
from api.db.group_commit import GroupCommit


class RefusedError(Exception):
    """A clean error: raised before writing anything."""


@pytest.fixture
def database(tmp_path: Path) -> Database:
    database = open_database(f"sqlite:///{(tmp_path / 'db.sqlite3').as_posix()}")
    with database.write_connection() as connection:
        connection.execute(text("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    return database


def _insert(name: str) -> Callable[[Connection], int]:
    def work(connection: Connection) -> int:
        if name.startswith("refused"):
            raise RefusedError(name)
        result = connection.execute(text("INSERT INTO items (name) VALUES (:n)"), {"n": name})
        return int(result.lastrowid)

    return work


def _names(database: Database) -> list[str]:
    with database.write_connection() as connection:
        return list(connection.scalars(text("SELECT name FROM items ORDER BY name")))


async def _submit(writer: GroupCommit, names: list[str]) -> list[object]:
    return await asyncio.gather(
        *(writer.run(_insert(name)) for name in names),
        return_exceptions=True,
    )


def test_each_write_gets_its_own_outcome(database: Database) -> None:
    writer = GroupCommit(database, clean_errors=(RefusedError,), max_batch=8)
    writer.start()
    try:
        # "a" twice: the second insert breaks the unique constraint (in the first one's
        # batch, that batch is then redone one write at a time); only that write fails.
        names = ["a", "refused-1", "b", "a", "c", *[f"n{i}" for i in range(20)]]
        outcomes = asyncio.run(_submit(writer, names))
    finally:
        writer.stop()
    assert isinstance(outcomes[1], RefusedError)
    failed = [n for n, o in zip(names, outcomes, strict=True) if isinstance(o, Exception)]
    assert sorted(failed) == ["a", "refused-1"]
    assert _names(database) == sorted({n for n in names if not n.startswith("refused")})
    database.dispose()


def test_stop_finishes_the_queued_writes(database: Database) -> None:
    writer = GroupCommit(database)
    writer.start()

    async def submit_then_stop() -> list[object]:
        pending = [asyncio.ensure_future(writer.run(_insert(f"x{i}"))) for i in range(30)]
        await asyncio.sleep(0)  # every write queued
        await asyncio.to_thread(writer.stop)
        return list(await asyncio.gather(*pending))

    ids = asyncio.run(submit_then_stop())
    assert len(set(ids)) == 30
    assert len(_names(database)) == 30
    database.dispose()
