"""Apply the Alembic migrations shipped in ``api/migrations`` (package data)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

__all__ = ["alembic_config", "upgrade_database"]

_API = Path(__file__).resolve().parents[1]


def alembic_config(url: str) -> Config:
    """The Alembic configuration of the package, pointed at ``url``."""
    config = Config(str(_API / "alembic.ini"))
    config.set_main_option("script_location", str(_API / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (default the latest)."""
    command.upgrade(alembic_config(url), revision)
