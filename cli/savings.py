"""``foodhub savings``: share the pooled week's cost among partner organisations."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from cli.console import Reporter, out_console
from logistics.plan.travel import territory_travel_times
from logistics.plan.week import PlanOptions
from logistics.savings.report import (
    default_time_limit,
    savings_analysis,
    savings_players,
    shares_table,
    write_savings_report,
)
from territory.model import IsoWeek, Territory

__all__ = ["run_savings"]


def run_savings(
    territory: Territory,
    *,
    out: Path,
    week: IsoWeek | None,
    engine: str,
    time_limit_s: float | None,
    seed: int,
    max_iterations: int | None,
    samples: int,
    exact_max_players: int,
    unserved_unit_eur: float,
) -> int:
    """Plan every coalition, share the cost, write the report; return the exit code (0).

    ``time_limit_s`` None: :func:`logistics.savings.report.default_time_limit`.

    Raises
    ------
    InputError
        When no week is given and ``hub.toml`` names none, or a road network is missing.
    """
    from territory.errors import InputError, Problem

    plan_week_of = week or territory.week
    if plan_week_of is None:
        raise InputError(
            [Problem("hub.toml", 'no week: set week = "2026-W49" or pass --week', column="week")]
        )
    players = savings_players(territory, plan_week_of)
    n = len(players)
    total = (2**n - 1) if n <= exact_max_players else None
    if time_limit_s is None:
        time_limit_s = default_time_limit(
            territory, n, exact_max_players=exact_max_players, samples=samples
        )
    options = PlanOptions(
        engine=engine, time_limit_s=time_limit_s, seed=seed, max_iterations=max_iterations
    )
    reporter = Reporter(f"Cost sharing {plan_week_of}: {n} organisations", total=total)
    with reporter.running():
        travel = territory_travel_times(territory)
        report = savings_analysis(
            territory,
            travel,
            week=plan_week_of,
            options=options,
            unserved_unit_eur=unserved_unit_eur,
            exact_max_players=exact_max_players,
            samples=samples,
            seed=seed,
            progress=reporter.advance,
        )
        written = write_savings_report(report, out)
    rows = shares_table(report)
    table = Table(title=f"What pooling saves — {report.title}, {report.week}")
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "organisation" else "right")
    for row in rows:
        table.add_row(*row.values())
    out_console.print(table)
    for rule, check in zip(report.shares, report.core, strict=True):
        verdict = "in the core" if check.in_core else "NOT in the core"
        scope = "" if check.checked == check.total else f" ({check.checked} coalitions checked)"
        out_console.print(f"  {rule.rule}: {verdict}{scope}")
    if report.least_core_epsilon is not None:
        empty = report.least_core_epsilon > 0.01
        out_console.print(
            f"  the core is {'empty' if empty else 'not empty'}"
            f" (least-core epsilon {report.least_core_epsilon:.2f} EUR)"
        )
    out_console.print(
        f"{report.settings['coalitions_planned']} coalitions planned in {report.runtime_s:.0f} s."
        f" Wrote {len(written)} files to {out}/:"
    )
    for path in written:
        out_console.print(f"  {path}")
    return 0
