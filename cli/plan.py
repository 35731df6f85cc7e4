"""``foodhub plan``: plan the week, check it independently, write every output, print tables."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from cli.console import Reporter, err_console, out_console
from logistics.check.plan import format_report
from logistics.outputs import plan_table
from logistics.pipeline import DEFAULT_TIME_LIMIT_S, pipeline_steps, run_week, write_outputs
from logistics.plan.week import PlanOptions
from territory.model import IsoWeek, Territory

__all__ = ["run_plan"]


def run_plan(
    territory: Territory,
    *,
    out: Path,
    week: IsoWeek | None,
    engine: str = "auto",
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    seed: int = 0,
    max_iterations: int | None = None,
    lang: str = "fr",
    standalone: bool = True,
    strict: bool = False,
    long_days: bool = False,
    days: str = "joint",
) -> int:
    """Plan, write and check; return the exit code (0 fine, 1 violations or strict+unserved).

    The work is :func:`logistics.pipeline.run_week` then
    :func:`logistics.pipeline.write_outputs` (the server's planning job runs the same
    pipeline); this function shows progress and prints the tables and the summary.
    """
    options = PlanOptions(
        engine=engine,
        time_limit_s=time_limit_s,
        seed=seed,
        max_iterations=max_iterations,
        long_days=long_days,
        days=days,
    )
    plan_week_of = week or territory.week
    steps = pipeline_steps(territory, plan_week_of, standalone=standalone, write=True)
    reporter = Reporter(f"Planning {plan_week_of or ''}", total=steps)
    with reporter.running():
        result = run_week(
            territory,
            options=options,
            week=week,
            standalone=standalone,
            progress=reporter.advance,
        )
        folder = write_outputs(result, territory, out, lang=lang, progress=reporter.advance)
    summary = folder.summary
    out_console.print(plan_table(territory, result.tables, summary))
    _print_summary(summary)
    sheets = folder.sheets
    out_console.print(f"Wrote {len(folder.files)} files to {out}/:")
    for path in folder.files:
        if path not in sheets:
            out_console.print(f"  {path}")
    out_console.print(f"  {len(sheets)} driver sheets (PDF) in {out / 'sheets'}/")
    if folder.report.violations:
        err_console.print(
            format_report(list(folder.report.violations)), markup=False, highlight=False
        )
        return 1
    if strict and result.tables.unserved:
        return 1
    return 0


def _print_summary(summary: dict[str, object]) -> None:
    out_console.print(
        f"[bold]{summary['week']}[/]: {summary['orders_served']} of {summary['orders_total']}"
        f" units delivered, {summary['orders_unserved']} unserved"
        f" ({summary['order_lines_unserved']} lines, see unserved.csv);"
        f" {summary['distance_km']} km, {summary['duration_h']} vehicle-hours,"
        f" {summary['co2_kg']} kg CO2,"
        f" {summary['cost_eur']} EUR, {summary['vehicles_used']} vehicles;"
        f" checker: {summary['checker_violations']} violations; {summary['wall_s']} s."
    )
    comparison = summary.get("standalone_comparison")
    if not isinstance(comparison, dict):
        return
    table = Table(title="What pooling saves this week")
    for column in (
        "",
        "km",
        "vehicle-hours",
        "kg CO2",
        "EUR",
        "rounds",
        "vehicles",
        "units delivered",
    ):
        table.add_column(column, justify="right")
    for key, label in (("standalone", "each organisation alone"), ("pooled", "pooled")):
        row = comparison[key]
        table.add_row(
            label,
            *(
                str(row[k])
                for k in (
                    "distance_km",
                    "duration_h",
                    "co2_kg",
                    "cost_eur",
                    "rounds",
                    "vehicles_used",
                    "orders_served",
                )
            ),
        )
    saving = comparison["saving"]
    table.add_row(
        "saving",
        *(
            f"{saving[k]['absolute']} ({saving[k]['percent']}%)"
            for k in ("distance_km", "duration_h", "co2_kg", "cost_eur", "rounds")
        ),
        "",
        "",
    )
    out_console.print(table)
    alone, pooled = comparison["standalone"], comparison["pooled"]
    if alone.get("orders_served") != pooled.get("orders_served") and "eur_per_unit" in alone:
        out_console.print(
            f"Per unit delivered: stand-alone {alone['eur_per_unit']} EUR and"
            f" {alone['km_per_100_units']} km per 100 units;"
            f" pooled {pooled.get('eur_per_unit')} EUR"
            f" and {pooled.get('km_per_100_units')} km per 100 units"
            f" (stand-alone delivers {alone['orders_served']} units,"
            f" pooled {pooled['orders_served']})."
        )
