"""Database engines and sessions.

SQLite (the default) runs in WAL mode with foreign keys on.  Reads use deferred
transactions; writes use ``BEGIN IMMEDIATE`` and, inside one server process, a lock,
so that concurrent writers queue without SQLite's sleeping busy handler (which
would add tens of milliseconds to a request).  PostgreSQL needs neither.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "open_database"]


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=20 if immediate is False else 5,
        max_overflow=40,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed order survives a power cut, not only a crash (group commit keeps
        # the cost small: orders p99 44 ms instead of 40 ms at 50 clients)
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


@dataclass
class Database:
    """The engines and session factories of one database.

    Use :meth:`read` for requests that only read and :meth:`write` for those that
    change something (one transaction, committed on success).
    """

    url: str
    read_engine: Engine
    write_engine: Engine
    _lock: threading.Lock | None = field(default=None)

    def __post_init__(self) -> None:
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one write transaction, committed when the block succeeds."""
        guard: AbstractContextManager[Any] = self._lock if self._lock is not None else nullcontext()
        with guard, self._write() as session, session.begin():
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction, committed when the block succeeds."""
        guard: AbstractContextManager[Any] = self._lock if self._lock is not None else nullcontext()
        with guard, self.write_engine.begin() as connection:
            yield connection

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


def open_database(url: str) -> Database:
    """Create the engines of a database URL (the SQLite file's folder is created)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return Database(
            url,
            _sqlite_engine(url, immediate=False),
            _sqlite_engine(url, immediate=True),
            threading.Lock(),
        )
    engine = create_engine(url, pool_size=20, max_overflow=40, pool_pre_ping=True)
    return Database(url, engine, engine)
