"""``foodhub db import/export/upgrade``, ``foodhub users``, settings and the import round trip."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from api.db import open_database, upgrade_database
from api.db.territory_io import export_territory, import_territory
from api.settings import DEV_SECRET, load_settings
from cli.app import app
from territory.errors import InputError
from territory.reader import load_territory
from tests.api_http.conftest import VILLEURBANNE, territory_copy


def _run(*args: str | Path, env: dict[str, str]) -> Result:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return CliRunner().invoke(app, [str(a) for a in args], env=env)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _same_territory(a_folder: Path, b_folder: Path) -> None:
    a, b = load_territory(a_folder), load_territory(b_folder)
    for field in dataclasses.fields(a):
        if field.name != "folder":
            assert getattr(a, field.name) == getattr(b, field.name), field.name


@pytest.mark.parametrize(
    "folder",
    [VILLEURBANNE, pytest.param(Path("data/montpellier"), marks=pytest.mark.slow)],
)
def test_round_trip_is_lossless(tmp_path: Path, folder: Path) -> None:
    source = folder if folder.is_absolute() else Path(__file__).resolve().parents[2] / folder
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade_database(url)
    database = open_database(url)
    with database.write() as session:
        import_territory(session, source)
    with database.write() as session:  # importing twice replaces, never duplicates
        import_territory(session, source)
    with database.read() as session:
        export_territory(session, tmp_path / "out")
    database.dispose()
    _same_territory(source, tmp_path / "out")
    header = (source / "venues.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    exported = (tmp_path / "out" / "venues.csv").read_text(encoding="utf-8").splitlines()[0]
    assert set(header) <= set(exported.split(","))  # extra columns are kept


def test_cli_import_users_export(tmp_path: Path) -> None:
    env = {"FOODHUB_DATA_DIR": str(tmp_path / "data"), "FOODHUB_DEV": "1", "DATABASE_URL": ""}
    territory = territory_copy(tmp_path)
    result = _run("db", "upgrade", env=env)
    assert result.exit_code == 0, result.output
    result = _run("db", "import", territory, env=env)
    assert result.exit_code == 0, result.output
    assert "7 venues" in " ".join(result.output.split())
    created = _run(
        "users", "create", "shop", "--role", "venue", "--venue", "v1",
        env=env | {"FOODHUB_NEW_PASSWORD": "long enough"},
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    bad = _run(
        "users", "create", "shop2", "--role", "venue",
        env=env | {"FOODHUB_NEW_PASSWORD": "long enough"},
    )  # fmt: skip
    assert bad.exit_code == 2 and "venue_id" in " ".join(bad.output.split())
    listed = _run("users", "list", env=env)
    assert "shop" in listed.output and "v1" in listed.output
    exported = _run("db", "export", "--out", tmp_path / "out", env=env)
    assert exported.exit_code == 0, exported.output
    _same_territory(territory, tmp_path / "out")
    invalid = tmp_path / "invalid"
    invalid.mkdir()
    assert _run("db", "import", invalid, env=env).exit_code == 2


def test_serve_refuses_the_default_secret(tmp_path: Path) -> None:
    env = {"FOODHUB_DATA_DIR": str(tmp_path), "FOODHUB_DEV": "", "FOODHUB_SECRET": ""}
    result = _run("serve", "--port", "1", env=env)
    assert result.exit_code == 2
    assert "FOODHUB_SECRET" in " ".join(result.output.split())


def test_settings_from_environment(tmp_path: Path) -> None:
    settings = load_settings({"FOODHUB_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path.as_posix()}/foodhub.sqlite3"
    assert settings.secret == DEV_SECRET
    with pytest.raises(InputError, match="FOODHUB_SECRET"):
        settings.check()
    load_settings({"FOODHUB_DATA_DIR": str(tmp_path), "FOODHUB_DEV": "1"}).check()
    strong = load_settings({"FOODHUB_SECRET": "x" * 32, "DATABASE_URL": "postgresql://u@h/db"})
    strong.check()
    assert strong.database_url == "postgresql+psycopg://u@h/db"
    with pytest.raises(InputError, match="FOODHUB_TOKEN_TTL_H"):
        load_settings({"FOODHUB_TOKEN_TTL_H": "soon"})


def test_sqlite_pragmas(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade_database(url)
    database = open_database(url)
    with database.read() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()
