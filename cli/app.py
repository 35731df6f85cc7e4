"""The ``foodhub`` command line.

Exit codes: 0 success; 1 the work ran but found problems (checker violations,
unserved orders with ``--strict``); 2 bad input or usage.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.console import configure_logging, err_console, out_console, print_problems
from geo.network import load_network, network_info
from logistics.pipeline import DEFAULT_TIME_LIMIT_S
from logistics.plan.day_choice import DAY_METHODS
from logistics.plan.reach import unreachable_sites
from territory.errors import FoodHubError, InputError, Problem
from territory.model import IsoWeek, Territory
from territory.reader import load_territory, validate_territory

__all__ = ["app"]

app = typer.Typer(
    name="foodhub",
    help="Pooled logistics and crop planning for a food resilience hub.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
network_app = typer.Typer(help="Road networks of a territory.", no_args_is_help=True)
app.add_typer(network_app, name="network")

TerritoryArg = Annotated[
    Path,
    typer.Argument(help="Territory folder (hub.toml, venues.csv, ...), e.g. data/montpellier."),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show debug messages.")]
DaysOpt = Annotated[
    str,
    typer.Option(
        "--days",
        help="How delivery days are chosen: joint (with the routes and when supply"
        " arrives) or balance (spread the load over the week, the first version's rule).",
    ),
]


def _fail(error: FoodHubError) -> typer.Exit:
    """Print an input error's problems and return the exit for bad input (2)."""
    if isinstance(error, InputError):
        print_problems(list(error.problems), title="Input problems")
    else:
        err_console.print(f"[bold red]Error:[/] {error}")
    return typer.Exit(code=2)


ENGINES = ("auto", "pyvrp", "ortools")


def _check_options(*checks: tuple[str, str, bool]) -> None:
    """Exit 2 listing every bad option: each check is (option, message, is_bad)."""
    problems = [Problem(option, message) for option, message, bad in checks if bad]
    if problems:
        raise _fail(InputError(problems))


def _load(folder: Path) -> Territory:
    try:
        return load_territory(folder)
    except InputError as error:
        raise _fail(error) from None


def _parse_week(text: str | None) -> IsoWeek | None:
    if text is None:
        return None
    try:
        return IsoWeek.parse(text)
    except InputError as error:
        raise _fail(InputError([Problem("--week", p.message) for p in error.problems])) from None


def _summary_week(plan_dir: Path) -> IsoWeek | None:
    """The week recorded in a plan folder's summary.json, if readable."""
    try:
        text = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))["week"]
        return IsoWeek.parse(str(text))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@app.callback()
def _main() -> None:
    """Pooled logistics and crop planning for a food resilience hub."""


@app.command()
def validate(territory: TerritoryArg, verbose: VerboseOpt = False) -> None:
    """Check every file of a territory and list all problems at once.

    Example: foodhub validate data/montpellier
    """
    configure_logging(verbose)
    report = validate_territory(territory)
    problems = list(report.problems)
    if report.territory is not None:
        try:
            problems += unreachable_sites(report.territory)
        except InputError as error:
            problems += error.problems
    if report.warnings:
        print_problems(list(report.warnings), title="Warnings")
    if problems:
        print_problems(problems, title=f"{territory} is not valid")
        raise typer.Exit(code=2)
    t = report.territory
    assert t is not None
    out_console.print(
        f"[green]{territory} is valid[/]: {len(t.organisations)} organisations,"
        f" {len(t.venues)} venues,"
        f" {len(t.producers)} producers, {len(t.products)} products, {len(t.vehicles)} vehicles,"
        f" {len(t.orders)} order lines, {len(t.stock)} stock lots, {len(t.offers)} offers,"
        f" {len(t.zones)} zones.",
        soft_wrap=True,  # one line whatever the terminal width (grep-able, no wrapped counts)
    )


@network_app.command("info")
def network_info_command(
    territory: TerritoryArg,
    profile: Annotated[
        str | None,
        typer.Option(help="Only this profile (drive or bike); default every one in hub.toml."),
    ] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Print nodes, edges, km of road and bounding box of the territory's road networks.

    Example: foodhub network info data/montpellier
    """
    configure_logging(verbose)
    t = _load(territory)
    networks = {str(k): v for k, v in t.hub.network.items()}
    if not networks:
        raise _fail(
            InputError([Problem("hub.toml", "no [network] section: no road network to describe")])
        )
    if profile is not None and profile not in networks:
        raise _fail(InputError([Problem("--profile", f"{profile} is not in hub.toml [network]")]))
    table = Table(title=f"Road networks of {t.hub.name}")
    for column in (
        "profile",
        "file",
        "nodes",
        "edges",
        "km of road",
        "bounding box (W, S, E, N)",
        "load s",
    ):
        table.add_column(column)
    for name, path in sorted(networks.items()):
        if profile is not None and name != profile:
            continue
        started = time.perf_counter()
        try:
            net = load_network(path, name)
        except InputError as error:
            raise _fail(error) from None
        info = network_info(net)
        bbox = ", ".join(f"{x:.4f}" for x in info.bbox)
        table.add_row(
            name,
            path.name,
            f"{info.nodes:,}",
            f"{info.edges:,}",
            f"{info.road_km:,.1f}",
            bbox,
            f"{time.perf_counter() - started:.2f}",
        )
    out_console.print(table)


@app.command()
def plan(
    territory: TerritoryArg,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the plan (created if missing).")
    ] = Path("plan"),
    week: Annotated[
        str | None, typer.Option(help="ISO week, e.g. 2026-W49; default: week in hub.toml.")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="auto (PyVRP and OR-Tools in parallel), pyvrp or ortools.")
    ] = "auto",
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Solver seconds per day.")
    ] = DEFAULT_TIME_LIMIT_S,
    seed: Annotated[int, typer.Option(help="Random seed of the engines.")] = 0,
    max_iterations: Annotated[
        int | None,
        typer.Option("--max-iterations", help="Iteration limit per day (reproducible runs)."),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of map and driver sheets: fr or en.")] = "fr",
    standalone: Annotated[
        bool,
        typer.Option("--standalone/--no-standalone", help="Also plan each organisation alone."),
    ] = True,
    long_days: Annotated[
        bool,
        typer.Option(
            "--long-days",
            help="Let drivers work up to max_shift_h with a break"
            " (default: days within break_after_h, no break).",
        ),
    ] = False,
    strict: Annotated[bool, typer.Option(help="Exit 1 when some orders are unserved.")] = False,
    days: DaysOpt = "joint",
    verbose: VerboseOpt = False,
) -> None:
    """Plan the week's pooled delivery rounds and farm pickups, check them, write every output.

    Example: foodhub plan data/montpellier --out plan/
    """
    from cli.plan import run_plan

    configure_logging(verbose)
    _check_options(
        ("--engine", f"{engine} is not one of auto, pyvrp, ortools", engine not in ENGINES),
        ("--lang", f"{lang} is not one of fr, en", lang not in ("fr", "en")),
        ("--time-limit", f"{time_limit:g} must be > 0 seconds", time_limit <= 0),
        ("--days", f"{days} is not one of joint, balance", days not in DAY_METHODS),
    )
    t = _load(territory)
    try:
        code = run_plan(
            t,
            out=out,
            week=_parse_week(week),
            engine=engine,
            time_limit_s=time_limit,
            seed=seed,
            max_iterations=max_iterations,
            lang=lang,
            standalone=standalone,
            strict=strict,
            long_days=long_days,
            days=days,
        )
    except FoodHubError as error:
        raise _fail(error) from None
    raise typer.Exit(code=code)


@app.command()
def check(
    territory: TerritoryArg,
    plan_dir: Annotated[Path, typer.Argument(help="Plan folder written by foodhub plan.")],
    week: Annotated[
        str | None,
        typer.Option(help="ISO week of the plan; default: summary.json's week, else hub.toml's."),
    ] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Re-check a plan from the raw territory files alone; list every violation.

    Example: foodhub check data/montpellier plan/
    """
    from logistics.check.plan import check_plan_folder, format_report

    configure_logging(verbose)
    plan_week = _parse_week(week) if week is not None else _summary_week(plan_dir)
    try:
        report = check_plan_folder(territory, plan_dir, week=plan_week)
    except FoodHubError as error:
        raise _fail(error) from None
    violations = list(report.violations)
    if violations:
        err_console.print(format_report(violations), markup=False, highlight=False)
        raise typer.Exit(code=1)
    out_console.print(f"[green]{plan_dir}: no violation[/] (checked against {territory})")


@app.command()
def allocate(
    territory: TerritoryArg,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for allocation.csv and procurement.csv.")
    ] = Path("allocation"),
    week: Annotated[
        str | None, typer.Option(help="ISO week, e.g. 2026-W49; default: week in hub.toml.")
    ] = None,
    min_remaining_days: Annotated[
        int, typer.Option("--min-remaining-days", help="Shelf life left on delivery, days.")
    ] = 1,
    show_all: Annotated[
        bool, typer.Option("--all", help="Print every line (default: 40, largest shortfalls).")
    ] = False,
    strict: Annotated[bool, typer.Option(help="Exit 1 when some units are short.")] = False,
    days: DaysOpt = "joint",
    verbose: VerboseOpt = False,
) -> None:
    """Allocate the week's stock and producers' offers to order lines (no routing).

    Example: foodhub allocate data/montpellier --out allocation/
    """
    from cli.allocate import run_allocate

    configure_logging(verbose)
    if min_remaining_days < 0:
        raise _fail(InputError([Problem("--min-remaining-days", "must be >= 0")]))
    _check_options(("--days", f"{days} is not one of joint, balance", days not in DAY_METHODS))
    t = _load(territory)
    try:
        code = run_allocate(
            t,
            out=out,
            week=_parse_week(week),
            min_remaining_days=min_remaining_days,
            show_all=show_all,
            strict=strict,
            days=days,
        )
    except FoodHubError as error:
        raise _fail(error) from None
    raise typer.Exit(code=code)


@app.command()
def savings(
    territory: TerritoryArg,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the report (created if missing).")
    ] = Path("savings"),
    week: Annotated[
        str | None, typer.Option(help="ISO week, e.g. 2026-W49; default: week in hub.toml.")
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Solver seconds per day of each coalition; default: all coalitions within"
            " about 4 minutes, 0.2-1 s per day.",
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option(help="Permutations for the sampled Shapley value (many organisations).")
    ] = 200,
    exact_max: Annotated[
        int, typer.Option("--exact-max", help="Exact Shapley value up to this many organisations.")
    ] = 10,
    unserved_eur: Annotated[
        float,
        typer.Option("--unserved-eur", help="Cost of a unit a coalition's fleet cannot deliver."),
    ] = 5.0,
    engine: Annotated[str, typer.Option(help="pyvrp, ortools or auto.")] = "pyvrp",
    seed: Annotated[int, typer.Option(help="Seed of the engines and of the sampling.")] = 0,
    max_iterations: Annotated[
        int | None,
        typer.Option("--max-iterations", help="Iteration limit per day (reproducible runs)."),
    ] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Share the pooled week's cost among organisations: Shapley value, core, simple rules.

    Plans the week of every coalition of organisations (its venues, its vehicles);
    writes savings.md, savings.html, savings.png, savings.json, coalitions.csv.

    Example: foodhub savings data/montpellier --out savings/
    """
    from cli.savings import run_savings

    configure_logging(verbose)
    _check_options(
        ("--time-limit", f"{time_limit} must be > 0 seconds", (time_limit or 1) <= 0),
        ("--samples", f"{samples} must be >= 2", samples < 2),
        ("--unserved-eur", f"{unserved_eur:g} must be >= 0", unserved_eur < 0),
        ("--exact-max", f"{exact_max} must be between 1 and 16", not 1 <= exact_max <= 16),
        ("--engine", f"{engine} is not one of auto, pyvrp, ortools", engine not in ENGINES),
    )
    t = _load(territory)
    try:
        code = run_savings(
            t,
            out=out,
            week=_parse_week(week),
            engine=engine,
            time_limit_s=time_limit,
            seed=seed,
            max_iterations=max_iterations,
            samples=samples,
            exact_max_players=exact_max,
            unserved_unit_eur=unserved_eur,
        )
    except FoodHubError as error:
        raise _fail(error) from None
    raise typer.Exit(code=code)


from cli.serve import register as _register_server_commands  # noqa: E402

_register_server_commands(app)

from cli.bench import register as _register_bench_command  # noqa: E402

_register_bench_command(app)

from cli.crop_plan import register as _register_crop_plan_command  # noqa: E402

_register_crop_plan_command(app)
