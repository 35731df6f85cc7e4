"""Server settings, read from the environment by :func:`load_settings` (never at import).

Environment variables::

    FOODHUB_DATA_DIR      data directory (SQLite file, plan outputs); default
                          ``$XDG_DATA_HOME/foodhub`` or ``~/.local/share/foodhub``
    DATABASE_URL          SQLAlchemy URL; default ``sqlite:///<data dir>/foodhub.sqlite3``
    FOODHUB_SECRET        server secret (pepper of stored token hashes); required
                          outside dev mode
    FOODHUB_DEV           ``1`` for dev mode: a default secret is accepted
    FOODHUB_TOKEN_TTL_H   lifetime of an access token, hours (default 12)
    FOODHUB_JOB_TIME_LIMIT_S   largest solver time per day a job may ask for (default 30)
    FOODHUB_JOB_WORKERS   planning jobs running at once (default 1)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from territory.errors import InputError, Problem

__all__ = ["DEV_SECRET", "Settings", "load_settings"]

DEV_SECRET = "dev-secret-change-me"
"""The secret used in dev mode when ``FOODHUB_SECRET`` is unset; refused otherwise."""


@dataclass(frozen=True)
class Settings:
    """What the server needs to run.

    Parameters
    ----------
    data_dir
        Data directory (created on start).
    database_url
        SQLAlchemy URL of the database.
    secret
        Server secret mixed into stored token hashes.
    dev
        Dev mode (accepts the default secret).
    token_ttl_h
        Lifetime of an access token, hours.
    job_time_limit_s
        Largest solver time per day a planning job may request, seconds.
    job_workers
        Planning jobs allowed to run at once.
    """

    data_dir: Path
    database_url: str
    secret: str
    dev: bool = False
    token_ttl_h: float = 12.0
    job_time_limit_s: float = 30.0
    job_workers: int = 1

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite."""
        return self.database_url.startswith("sqlite")

    def check(self) -> None:
        """Refuse a default or short secret outside dev mode.

        Raises
        ------
        InputError
            When ``FOODHUB_SECRET`` is unset or the dev default while not in dev mode.
        """
        if not self.dev and (self.secret == DEV_SECRET or len(self.secret) < 16):
            raise InputError(
                [
                    Problem(
                        "FOODHUB_SECRET",
                        "set FOODHUB_SECRET to a random value of at least 16 characters "
                        "(or FOODHUB_DEV=1 for a development server)",
                    )
                ]
            )


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "foodhub"


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text)
    except ValueError:
        raise InputError([Problem(name, f"{text!r} is not a number")]) from None
    if value <= 0:
        raise InputError([Problem(name, f"{text} must be > 0")])
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from the environment (``os.environ`` by default).

    Raises
    ------
    InputError
        When a number cannot be read (the variable is named).  The secret is
        checked by :meth:`Settings.check`, at server start.
    """
    env = os.environ if env is None else env
    data_dir = Path(env.get("FOODHUB_DATA_DIR") or _default_data_dir(env)).expanduser()
    dev = env.get("FOODHUB_DEV", "").strip().lower() in ("1", "true", "yes", "on")
    url = env.get("DATABASE_URL") or f"sqlite:///{(data_dir / 'foodhub.sqlite3').as_posix()}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return Settings(
        data_dir=data_dir,
        database_url=url,
        secret=env.get("FOODHUB_SECRET") or DEV_SECRET,
        dev=dev,
        token_ttl_h=_number(env, "FOODHUB_TOKEN_TTL_H", 12.0),
        job_time_limit_s=_number(env, "FOODHUB_JOB_TIME_LIMIT_S", 30.0),
        job_workers=max(1, int(_number(env, "FOODHUB_JOB_WORKERS", 1))),
    )
