"""``foodhub plan``: plan the week, check it independently, write every output, print tables."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from rich.table import Table

from cli.console import Reporter, err_console, out_console
from logistics.check.plan import check_plan_folder, format_report
from logistics.outputs import plan_table, write_driver_sheets, write_map, write_routes_geojson
from logistics.plan.travel import territory_travel_times
from logistics.plan.week import PlanOptions, plan_week, week_days
from logistics.savings.standalone import pooling_comparison
from logistics.tables.files import write_plan_tables
from logistics.tables.summary import plan_summary
from territory.model import IsoWeek, Territory

__all__ = ["run_plan"]

logger = logging.getLogger(__name__)


def run_plan(
    territory: Territory,
    *,
    out: Path,
    week: IsoWeek | None,
    engine: str,
    time_limit_s: float,
    seed: int,
    max_iterations: int | None,
    lang: str,
    standalone: bool,
    strict: bool,
    long_days: bool = False,
) -> int:
    """Plan, write and check; return the exit code (0 fine, 1 violations or strict+unserved)."""
    started = time.perf_counter()
    options = PlanOptions(
        engine=engine,
        time_limit_s=time_limit_s,
        seed=seed,
        max_iterations=max_iterations,
        long_days=long_days,
    )
    plan_week_of = week or territory.week
    n_days = len(week_days(plan_week_of)) if plan_week_of else 7
    n_orgs = len(territory.organisations) if standalone else 0
    if plan_week_of is not None and not territory.orders_for(plan_week_of):
        logger.warning("no orders for week %s: the plan will be empty", plan_week_of)
    reporter = Reporter(f"Planning {plan_week_of or ''}", total=2 + n_days + n_orgs + 2)
    with reporter.running():
        travel = territory_travel_times(territory)
        reporter.advance(message="road networks loaded")
        plan = plan_week(territory, travel, week=week, options=options, progress=reporter.advance)
        comparison = (
            pooling_comparison(territory, travel, plan, options=options, progress=reporter.advance)
            if standalone
            else None
        )
        out.mkdir(parents=True, exist_ok=True)
        written = write_plan_tables(plan.tables, out)
        summary = plan_summary(territory, plan, options, comparison=comparison)
        summary_path = out / "summary.json"
        written.append(summary_path)
        geojson_path = out / "routes.geojson"
        geojson = write_routes_geojson(geojson_path, territory, plan.tables, travel)
        written.append(geojson_path)
        map_path = out / "map.html"
        write_map(map_path, territory, plan.tables, geojson, lang=lang)
        written.append(map_path)
        written += write_driver_sheets(out / "sheets", territory, plan.tables, lang=lang)
        reporter.advance(message="outputs written")
        report = check_plan_folder(territory.folder, out, week=plan.week)
        summary["checker_violations"] = len(report.violations)
        summary["wall_s"] = round(time.perf_counter() - started, 1)
        summary_path.write_text(
            json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        reporter.advance(message="plan checked")
    out_console.print(plan_table(territory, plan.tables, summary))
    _print_summary(summary)
    sheets = [p for p in written if p.parent.name == "sheets"]
    out_console.print(f"Wrote {len(written)} files to {out}/:")
    for path in written:
        if path not in sheets:
            out_console.print(f"  {path}")
    out_console.print(f"  {len(sheets)} driver sheets (PDF) in {out / 'sheets'}/")
    if report.violations:
        err_console.print(format_report(list(report.violations)), markup=False, highlight=False)
        return 1
    if strict and plan.tables.unserved:
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
