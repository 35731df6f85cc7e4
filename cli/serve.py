"""``foodhub serve``, ``foodhub db import/export/upgrade`` and ``foodhub users create/list``.

:func:`register` adds them to the main typer app (``cli.app``).  The database is the
one the server uses: ``DATABASE_URL`` when set, else SQLite under ``FOODHUB_DATA_DIR``.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.console import configure_logging, err_console, out_console, print_problems
from territory.errors import InputError

if TYPE_CHECKING:
    from api.db.engine import Database
    from api.settings import Settings

__all__ = ["register"]

db_app = typer.Typer(help="The server's database: migrations, territory import and export.")
users_app = typer.Typer(help="Accounts of the HTTP API.")


def _settings() -> Settings:
    from api.settings import load_settings

    try:
        return load_settings()
    except InputError as error:
        print_problems(list(error.problems), title="Settings")
        raise typer.Exit(code=2) from None


def _database() -> Database:
    from api.db import open_database, upgrade_database

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database(settings.database_url)
    return open_database(settings.database_url)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    access_log: Annotated[
        bool,
        typer.Option(help="One log line per request (up to a third of cached reads' req/s)."),
    ] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug messages.")] = False,
) -> None:
    """Start the HTTP API (docs at /docs); settings from FOODHUB_* and DATABASE_URL.

    Runs uvicorn on uvloop and httptools (dependencies; uvicorn's pure-Python
    asyncio/h11 stack where they cannot be installed).

    Example: FOODHUB_SECRET=... foodhub serve --port 8000
    """
    import uvicorn

    from api.app import create_app

    configure_logging(verbose)
    settings = _settings()
    try:
        settings.check()
    except InputError as error:
        print_problems(list(error.problems), title="Refusing to start")
        raise typer.Exit(code=2) from None
    out_console.print(
        f"Data in {settings.data_dir}; database {settings.database_url.split('@')[-1]}"
    )
    app = create_app(settings)
    # The ~160,000 objects of the loaded libraries live as long as the server: frozen, the
    # cyclic GC stops re-scanning them (a full collection took ~70 ms, stalling every request).
    gc.freeze()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
        backlog=2048,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (the server also does it at start).

    Example: foodhub db upgrade
    """
    _database().dispose()
    out_console.print("[green]database is up to date[/]")


@db_app.command("import")
def db_import(
    territory: Annotated[Path, typer.Argument(help="Territory folder, e.g. data/montpellier.")],
) -> None:
    """Load a territory folder into the database (records with the same id are replaced).

    Example: foodhub db import data/montpellier
    """
    from api.db.territory_io import import_territory

    database = _database()
    try:
        with database.write() as session:
            summary = import_territory(session, territory)
    except InputError as error:
        print_problems(list(error.problems), title=f"{territory} is not valid")
        raise typer.Exit(code=2) from None
    finally:
        database.dispose()
    out_console.print(f"[green]Imported {territory}[/]: {summary}.")


@db_app.command("export")
def db_export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (created if missing).")],
) -> None:
    """Write the database's territory back as a folder (lossless round trip).

    Example: foodhub db export --out exported/
    """
    from api.db.territory_io import export_territory

    database = _database()
    try:
        with database.read() as session:
            written = export_territory(session, out)
    except LookupError as error:
        err_console.print(f"[bold red]Error:[/] {error}")
        raise typer.Exit(code=2) from None
    finally:
        database.dispose()
    out_console.print(f"Wrote {len(written)} files to {out}/")


@db_app.command("publish-crop-plan")
def db_publish_crop_plan(
    plan_dir: Annotated[Path, typer.Argument(help="Folder written by foodhub crop-plan --out.")],
) -> None:
    """Publish a crop plan: each producer then sees its own share (web page and API).

    Example: foodhub db publish-crop-plan crop-plan/
    """
    from api.db.crop_plan_io import publish_crop_plan

    database = _database()
    try:
        with database.write() as session:
            published = publish_crop_plan(session, plan_dir)
    except InputError as error:
        print_problems(list(error.problems), title=f"{plan_dir} cannot be published")
        raise typer.Exit(code=2) from None
    finally:
        database.dispose()
    out_console.print(
        f"[green]Published[/] the crop plan of {len(published)} producers"
        f" ({sum(published.values())} plantings)."
    )


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="coordinator, venue or producer.")],
    venue: Annotated[str | None, typer.Option(help="Venue id of a venue account.")] = None,
    producer: Annotated[str | None, typer.Option(help="Producer id of a producer account.")] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="FOODHUB_NEW_PASSWORD",
            help="At least 8 characters (prompted when omitted).",
        ),
    ] = "",
) -> None:
    """Create an account.

    Example: foodhub users create epicerie-v1 --role venue --venue v1
    """
    from api.auth import create_user

    database = _database()
    try:
        with database.write() as session:
            user = create_user(
                session, username, password, role, venue_id=venue, producer_id=producer
            )
            user_id = user.id
    except InputError as error:
        print_problems(list(error.problems), title="Cannot create the account")
        raise typer.Exit(code=2) from None
    finally:
        database.dispose()
    out_console.print(f"[green]Created[/] {role} {username} (id {user_id}).")


@users_app.command("list")
def users_list() -> None:
    """List accounts.

    Example: foodhub users list
    """
    from sqlalchemy import select

    from api.db.models import UserRow

    database = _database()
    with database.read() as session:
        for user in session.scalars(select(UserRow).order_by(UserRow.id)):
            bound = user.venue_id or user.producer_id or ""
            out_console.print(f"{user.id}\t{user.username}\t{user.role}\t{bound}", highlight=False)
    database.dispose()


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``db`` and ``users`` to the main command line."""
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
