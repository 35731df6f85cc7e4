"""``foodhub bench``: route quality on standard sets, and scale on generated Montpellier days.

Registered on the main app by :func:`register`; the work is done by
:mod:`benchmarks.route_quality` (also runnable as ``python -m benchmarks.route_quality``).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from cli.console import Reporter, configure_logging, err_console, out_console

__all__ = ["bench", "register"]

SET_NAMES = ("solomon", "gh200", "x", "cvrp-classic", "montpellier", "pvrp")


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def _usage(message: str) -> typer.Exit:
    err_console.print(f"[bold red]Error:[/] {message}")
    return typer.Exit(code=2)


def bench(
    set_name: Annotated[
        str,
        typer.Argument(
            metavar="SET",
            help="solomon, gh200 (Gehring-Homberger 200), x (CVRPLIB X), cvrp-classic, "
            "montpellier (generated food-hub days, engines against each other), "
            "or pvrp (Cordeau periodic VRP: joint day choice against the balance baseline).",
        ),
    ],
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit", help="Seconds per engine run (pvrp: per instance and solver)."
        ),
    ] = 10.0,
    engines: Annotated[
        str, typer.Option(help="Comma-separated among auto, pyvrp, ortools.")
    ] = "auto",
    instances: Annotated[
        str, typer.Option(help="Comma-separated instance names; default the whole set.")
    ] = "",
    max_n: Annotated[
        int | None, typer.Option("--max-n", help="Only instances with at most N customers.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the engines.")] = 0,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for CSV, Markdown and PNG (created if missing).")
    ] = Path("bench-out"),
    quick: Annotated[
        bool, typer.Option("--quick", help="Two small instances (or 20 stops), 1 s each.")
    ] = False,
    budgets: Annotated[
        str, typer.Option(help="Extra time limits for the gap-vs-time plot, e.g. 1,3,10.")
    ] = "",
    budget_instances: Annotated[
        int, typer.Option("--budget-instances", help="Instances run at the extra budgets.")
    ] = 3,
    sizes: Annotated[
        str, typer.Option(help="montpellier: stops per generated day.")
    ] = "100,300,1000",
    max_iterations: Annotated[
        int | None,
        typer.Option(
            "--max-iterations", help="pvrp: iteration limit instead of time (reproducible)."
        ),
    ] = None,
    solutions: Annotated[
        Path | None,
        typer.Option("--solutions", help="pvrp: folder for NAME.res (joint) and NAME.balance.res."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show debug messages.")] = False,
) -> None:
    """Solve a benchmark set, re-check every solution, report gaps to best-known solutions.

    Writes <set>-<stamp>.csv, .md (gap per class and engine, wins/ties/losses) and
    -gap.png (and -gap-vs-time.png with --budgets) in --out.

    Examples: foodhub bench solomon --time-limit 10 --engines auto,pyvrp;
    foodhub bench x --max-n 300 --time-limit 60; foodhub bench gh200 --quick;
    foodhub bench montpellier --sizes 1000 --time-limit 45;
    foodhub bench pvrp --instances p01,pr03 --time-limit 10 --solutions res/
    """
    from benchmarks.route_quality.bench import ENGINES, run_benchmark, run_montpellier

    configure_logging(verbose)
    if set_name not in SET_NAMES:
        raise _usage(f"SET {set_name} is not one of {', '.join(SET_NAMES)}")
    engine_list = _split(engines)
    bad = [e for e in engine_list if e not in ENGINES]
    if bad or not engine_list:
        raise _usage(f"--engines {engines} must list some of {', '.join(ENGINES)}")
    if max_iterations is not None and max_iterations < 1:
        raise _usage(f"--max-iterations {max_iterations} must be >= 1")
    if time_limit <= 0:
        raise _usage(f"--time-limit {time_limit:g} must be > 0 seconds")
    try:
        budget_list = [float(b) for b in _split(budgets)]
        size_list = [int(s) for s in _split(sizes)]
    except ValueError as error:
        raise _usage(f"--budgets / --sizes: {error}") from None
    with ExitStack() as stack:
        reporters: list[Reporter] = []

        def on_start(total: int) -> None:
            reporter = Reporter(f"bench {set_name}", total)
            reporters.append(stack.enter_context(reporter.running()))

        def on_row(row: dict[str, str]) -> None:
            what = row.get("instance") or f"{row['stops']} stops {row['phase']}"
            gap = f" gap {row['gap_pct']}%" if "gap_pct" in row else ""
            reporters[0].advance(f"{what} {row.get('engine') or row['solver']}{gap}")

        try:
            if set_name == "pvrp":
                from benchmarks.route_quality.pvrp import run_pvrp

                outcome = run_pvrp(
                    instances=_split(instances),
                    time_limit_s=time_limit,
                    seed=seed,
                    max_iterations=max_iterations,
                    solutions=solutions,
                    out=out,
                    on_start=on_start,
                    on_row=on_row,
                )
            elif set_name == "montpellier":
                outcome = run_montpellier(
                    size_list,
                    time_limit_s=time_limit,
                    engines=engine_list,
                    seed=seed,
                    out=out,
                    quick=quick,
                    on_start=on_start,
                    on_row=on_row,
                )
            else:
                outcome = run_benchmark(
                    set_name,
                    time_limit_s=time_limit,
                    engines=engine_list,
                    instances=_split(instances),
                    seed=seed,
                    out=out,
                    quick=quick,
                    max_n=max_n,
                    budgets=budget_list,
                    budget_instances=budget_instances,
                    on_start=on_start,
                    on_row=on_row,
                )
        except KeyError as error:
            raise _usage(str(error.args[0])) from None
    out_console.print(outcome.markdown_path.read_text(), markup=False, highlight=False)
    for path in [outcome.csv_path, outcome.markdown_path, *outcome.plots]:
        out_console.print(f"wrote {path}", markup=False, highlight=False)
    if outcome.infeasible:
        err_console.print(f"[bold red]{outcome.infeasible} run(s) failed a check[/]")
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add ``bench`` to the ``foodhub`` command line."""
    app.command("bench")(bench)
