"""Speed of the Shapley cost sharing on a real territory (default: Montpellier's partners).

Run ``python -m benchmarks.shapley_speed [--territory data/montpellier] [--time-limit S]
[--split ORG] [--engine pyvrp] [--samples 50] [--out DIR]``.

Plans every coalition of the organisations that order this week (``2^k - 1`` weeks,
each day with ``--time-limit`` seconds, default
:func:`logistics.savings.report.default_time_limit`), computes the exact Shapley value,
the two reference rules and the core checks, then -- at no extra planning cost, on the
cached coalition costs -- the permutation-sampled Shapley value with ``--samples``
permutations, to show its error against the exact one.  ``--split ORG`` first hands
every second venue of ``ORG``, and its vehicles after the first, to a new organisation
``ORG_2`` (Montpellier has 5 partners; this measures 6).  Prints a table and one JSON
line (last line of standard output).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

from logistics.plan.travel import territory_travel_times
from logistics.plan.week import PlanOptions
from logistics.savings.cost_sharing import CachedGame, shapley_sampled
from logistics.savings.report import (
    default_time_limit,
    savings_analysis,
    savings_players,
    write_savings_report,
)
from territory.model import Organisation, Territory
from territory.reader import load_territory


def split_organisation(territory: Territory, org_id: str) -> Territory:
    """Hand every second venue of ``org_id``, and its vehicles after the first, to ``org_id_2``."""
    new = f"{org_id}_2"
    venues = [v for v in territory.venues if v.organisation_id == org_id]
    moved = {v.id for v in venues[1::2]}
    vehicles = [v for v in territory.vehicles if v.organisation_id == org_id]
    moved_vehicles = {v.id for v in vehicles[1:]}
    name = territory.organisations_by_id[org_id].name
    return replace(
        territory,
        organisations=(*territory.organisations, Organisation(new, f"{name} (2)")),
        venues=tuple(
            replace(v, organisation_id=new) if v.id in moved else v for v in territory.venues
        ),
        vehicles=tuple(
            replace(v, organisation_id=new) if v.id in moved_vehicles else v
            for v in territory.vehicles
        ),
    )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territory", type=Path, default=Path("data/montpellier"))
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--split", default=None, help="organisation to split in two")
    parser.add_argument("--engine", default="pyvrp")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    territory = load_territory(args.territory)
    if args.split:
        territory = split_organisation(territory, args.split)
    travel = territory_travel_times(territory)
    week = territory.week
    assert week is not None
    n_players = len(savings_players(territory, week))
    time_limit = args.time_limit or default_time_limit(territory, n_players)
    started = time.perf_counter()
    report = savings_analysis(
        territory,
        travel,
        options=PlanOptions(engine=args.engine, time_limit_s=time_limit, seed=args.seed),
    )
    wall = time.perf_counter() - started
    n_coalitions = len(report.coalitions)
    values = {frozenset(c.members): c.cost_eur for c in report.coalitions}
    game = CachedGame(report.players, lambda s: values[s])
    sampled = shapley_sampled(report.players, game, samples=args.samples, seed=args.seed)
    exact = report.shapley
    print(f"{report.title}, {report.week}: {len(report.players)} organisations,")
    print(
        f"{n_coalitions} coalitions planned in {wall:.1f} s"
        f" ({wall / max(n_coalitions, 1):.1f} s each, {time_limit:g} s per day,"
        f" engine {args.engine}, {os.cpu_count()} CPUs)"
    )
    print(
        f"pooled {report.pooled_cost:.2f} EUR, stand-alone {report.standalone_total:.2f} EUR,"
        f" least-core eps {report.least_core_epsilon}"
    )
    print(f"{'organisation':<16}{'alone':>10}{'shapley':>10}{'sampled':>10}{'±95%':>8}")
    for p in report.players:
        print(
            f"{p:<16}{report.standalone[p]:>10.2f}{exact.values[p]:>10.2f}"
            f"{sampled.values[p]:>10.2f}{sampled.half_width[p]:>8.2f}"
        )
    for rule, check in zip(report.shares, report.core, strict=True):
        print(f"  {rule.rule}: in core = {check.in_core} ({len(check.violations)} violations)")
    if args.out is not None:
        write_savings_report(report, args.out)
    covered = sum(
        abs(sampled.values[p] - exact.values[p]) <= sampled.half_width[p] for p in report.players
    )
    print(
        json.dumps(
            {
                "territory": report.title,
                "players": len(report.players),
                "coalitions": n_coalitions,
                "wall_s": round(wall, 1),
                "s_per_coalition": round(wall / max(n_coalitions, 1), 2),
                "time_limit_s_per_day": time_limit,
                "engine": args.engine,
                "pooled_eur": round(report.pooled_cost, 2),
                "standalone_eur": round(report.standalone_total, 2),
                "shapley_in_core": report.core[0].in_core,
                "least_core_eps": report.least_core_epsilon,
                "sampled_within_ci": f"{covered}/{len(report.players)}",
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
