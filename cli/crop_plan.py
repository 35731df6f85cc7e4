"""``foodhub crop-plan``: the season's shared crop plan of a territory, with every output file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.console import Reporter, configure_logging, out_console, print_problems
from planning.outputs import write_crop_plan
from planning.problem import CropPlanOptions
from planning.territory_plan import plan_territory, unplanned_products
from territory.errors import FoodHubError, InputError, Problem
from territory.model import Territory
from territory.reader import load_territory

__all__ = ["crop_plan", "register", "run_crop_plan"]

logger = logging.getLogger(__name__)


def run_crop_plan(territory: Territory, *, season: int, out: Path, options: CropPlanOptions) -> int:
    """Plan, write, print; return the exit code (0 plan found, 1 empty/infeasible/no plan)."""
    reporter = Reporter(f"Crop plan {season}", total=5)
    with reporter.running():
        problem, plan = plan_territory(
            territory, season, options=options, progress=lambda m: reporter.advance(message=m)
        )
        unplanned = unplanned_products(territory, problem)
        written = write_crop_plan(
            plan, problem, out, extra={"ordered_products_without_crop": list(unplanned)}
        )
        reporter.advance(message="outputs written")
    gap = "–" if plan.gap is None else f"{100 * plan.gap:.2f} %"
    bound = "–" if plan.bound is None else f"{plan.bound:,.0f}"
    objective = "–" if plan.objective is None else f"{plan.objective:,.0f}"
    out_console.print(
        f"[bold]Season {season}[/]: status {plan.status.value}, objective {objective},"
        f" LP bound {bound}, gap {gap}, {plan.runtime_s:.1f} s"
    )
    for message in plan.messages:
        out_console.print(f"  {message}")
    out_console.print(
        f"Local coverage {100 * plan.coverage:.1f} % of {plan.demand_kg:,.0f} kg demand,"
        f" waste {plan.waste_kg:,.0f} kg, {sum(p.beds for p in plan.plantings)} beds started"
    )
    if unplanned:
        out_console.print(
            f"Ordered but not planned (no crop in the catalogue): {', '.join(unplanned)}"
        )
    table = Table(title="Income per producer (EUR)")
    for column in ("producer", "income", "minimum", "fair share", "bed-weeks used"):
        table.add_column(column, justify="right" if column != "producer" else "left")
    for o in plan.producers:
        table.add_row(
            o.name,
            f"{o.income_eur:,.0f}",
            f"{o.min_income_eur:,.0f}",
            f"{o.fair_income_eur:,.0f}",
            f"{100 * o.bed_weeks_used_share:.0f} %",
        )
    out_console.print(table)
    if plan.limits:
        limits = Table(title="What limits coverage")
        for column in ("product", "reason", "shortage kg", "detail"):
            limits.add_column(column)
        for limit in plan.limits[:12]:
            limits.add_row(
                limit.product_id, limit.reason, f"{limit.shortage_kg:,.0f}", limit.detail
            )
        out_console.print(limits)
    out_console.print(
        f"Wrote {len(written)} files to {out}/ (producer sheets in {out / 'sheets'}/)"
    )
    return 0 if plan.status.has_plan else 1


def crop_plan(
    territory: Annotated[
        Path, typer.Argument(help="Territory folder (hub.toml, producers.csv, crop_producers.csv).")
    ],
    season: Annotated[int, typer.Option(help="Season to plan (ISO year), e.g. 2027.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the plan (created if missing).")
    ] = Path("crop-plan"),
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Solver seconds (per solve).")
    ] = 60.0,
    gap: Annotated[float, typer.Option(help="Relative MIP gap to stop at (0.01 = 1 %).")] = 0.01,
    min_income: Annotated[
        str, typer.Option("--min-income", help="soft (penalised) or hard (a constraint).")
    ] = "soft",
    rotation: Annotated[
        bool, typer.Option("--rotation/--no-rotation", help="Family rotation limits.")
    ] = True,
    coverage_first: Annotated[
        bool,
        typer.Option("--coverage-first", help="Maximise coverage first, then the other terms."),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show debug messages.")] = False,
) -> None:
    """Plan the season's shared crops: which producer sows/plants what, when, on how many beds.

    Example: foodhub crop-plan data/montpellier --season 2027 --out crop-plan/
    """
    configure_logging(verbose)
    problems = []
    if time_limit <= 0:
        problems.append(Problem("--time-limit", f"{time_limit:g} must be > 0 seconds"))
    if gap < 0:
        problems.append(Problem("--gap", f"{gap:g} must be >= 0"))
    if min_income not in ("soft", "hard"):
        problems.append(Problem("--min-income", f"{min_income} is not one of soft, hard"))
    if not 1900 <= season <= 2200:
        problems.append(Problem("--season", f"{season} is not a season year"))
    try:
        if problems:
            raise InputError(problems)
        t = load_territory(territory)
        code = run_crop_plan(
            t,
            season=season,
            out=out,
            options=CropPlanOptions(
                time_limit_s=time_limit,
                gap_rel=gap,
                min_income=min_income,  # type: ignore[arg-type]
                rotation=rotation,
                coverage_first=coverage_first,
            ),
        )
    except InputError as error:
        print_problems(list(error.problems), title="Input problems")
        raise typer.Exit(code=2) from None
    except FoodHubError as error:
        print_problems([Problem("", str(error))], title="Error")
        raise typer.Exit(code=2) from None
    raise typer.Exit(code=code)


def register(app: typer.Typer) -> None:
    """Add ``crop-plan`` to the ``foodhub`` command line."""
    app.command("crop-plan")(crop_plan)
