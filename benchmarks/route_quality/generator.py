"""Realistic food-hub routing instances on the Montpellier road network, and their scale run.

No best-known value exists for these, so the engines are compared with each
other (cost relative to the cheapest engine at the same budget) and by the time
to their first plan.

An instance of ``n`` stops (:func:`generate`):

- the depot is the hub of ``data/montpellier/hub.toml`` (the MIN);
- stops are road-network nodes drawn uniformly (seed) from the drive network of
  ``data/osm/montpellier_drive_2020-07-02.osm.bz2``;
- each stop's delivery windows are the opening hours, on one weekday, of a real
  site of ``data/montpellier/opening_hours.csv`` drawn at random (so mornings,
  afternoons and split days in the real proportions), its service time one of
  the venues' ``service_min`` (default 10 min), its demand 5-80 kg;
- the fleet mixes every vehicle of ``data/montpellier/vehicles.csv`` (vans,
  refrigerated van, electric van on the drive profile, cargo bikes on the bike
  profile), each repeated ``ceil(n / 60)`` times, with its capacity and costs
  (fixed, per km, per hour; in millicents), one trip per vehicle, working
  between 06:00 and 18:00 for at most 9 h;
- travel matrices from ``geo.travel_matrices`` per profile.
"""

from __future__ import annotations

import csv
import logging
import math
import time
import tomllib
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from geo.matrix import OffNetworkWarning, travel_matrices
from geo.network import load_network
from logistics.routing import Profile, RoutingProblem, RoutingResult, Stop, VehicleType, solve
from territory.errors import SolverError

__all__ = ["SCALE_FIELDS", "generate", "run_scale", "scale_report"]

_log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
TERRITORY = REPO / "data" / "montpellier"
EXTRACT = REPO / "data" / "osm" / "montpellier_drive_2020-07-02.osm.bz2"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
EUR = 100_000  # millicents
SHIFT = (6 * 3600, 18 * 3600)
MAX_DURATION_S = 9 * 3600

SCALE_FIELDS = [
    "stops", "engine", "phase", "time_limit_s", "seed", "wall_s", "feasible", "served",
    "unserved", "vehicles", "distance_km", "cost_eur", "rel_cost_pct",
]  # fmt: skip


def _hhmm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


def _opening_patterns(day: str) -> list[tuple[tuple[int, int], ...]]:
    """Windows of each real site open on ``day``, one tuple per site."""
    by_site: dict[str, list[tuple[int, int]]] = {}
    with (TERRITORY / "opening_hours.csv").open() as f:
        for row in csv.DictReader(f):
            if row["weekday"] == day:
                by_site.setdefault(row["site_id"], []).append(
                    (_hhmm(row["start"]), _hhmm(row["end"]))
                )
    return [tuple(sorted(w)) for _, w in sorted(by_site.items())]


def _service_minutes() -> list[int]:
    with (TERRITORY / "venues.csv").open() as f:
        return [int(r["service_min"]) for r in csv.DictReader(f) if r["service_min"]] or [10]


def _fleet(n: int) -> list[VehicleType]:
    repeat = math.ceil(n / 60)
    types = []
    with (TERRITORY / "vehicles.csv").open() as f:
        for row in csv.DictReader(f):
            types.append(
                VehicleType(
                    count=repeat,
                    capacity=(int(row["capacity_kg"]),),
                    profile=row["profile"],
                    shift=SHIFT,
                    max_duration_s=MAX_DURATION_S,
                    fixed_cost=round(float(row["fixed_cost_eur"]) * EUR),
                    cost_per_m=round(float(row["cost_per_km_eur"]) * EUR / 1000),
                    cost_per_s=round(float(row["cost_per_h_eur"]) * EUR / 3600),
                    label=row["id"],
                )
            )
    return types


def generate(n: int, *, seed: int = 0, day: str = "tue") -> RoutingProblem:
    """A food-hub day of ``n`` delivery stops in Montpellier (see the module docstring).

    Raises
    ------
    ValueError
        When ``n`` < 1 or ``day`` is not a weekday ``mon``..``fri``.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if day not in WEEKDAYS:
        raise ValueError(f"day must be one of {WEEKDAYS}, got {day!r}")
    rng = np.random.default_rng(seed)
    hub = tomllib.loads((TERRITORY / "hub.toml").read_text())
    drive = load_network(EXTRACT, "drive")
    nodes = rng.choice(len(drive.lon), size=n, replace=False)
    points = [(float(hub["lon"]), float(hub["lat"]))] + [
        (float(drive.lon[i]), float(drive.lat[i])) for i in nodes
    ]
    fleet = _fleet(n)
    profiles = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OffNetworkWarning)
        for name in sorted({vt.profile for vt in fleet}):
            net = drive if name == "drive" else load_network(EXTRACT, name)
            tm = travel_matrices(net, points)
            profiles[name] = Profile(duration_s=tm.duration_s, distance_m=tm.distance_m)
    patterns = _opening_patterns(day)
    services = _service_minutes()
    stops = tuple(
        Stop(
            location=k,
            delivery=(int(rng.integers(5, 81)),),
            service_s=60 * int(services[rng.integers(len(services))]),
            windows=patterns[rng.integers(len(patterns))],
            label=f"stop_{k:04d}",
        )
        for k in range(1, n + 1)
    )
    return RoutingProblem(
        dimensions=("mass_kg",),
        profiles=profiles,
        stops=stops,
        vehicle_types=tuple(fleet),
        coordinates=tuple(points),
        name=f"montpellier-{n}-{day}-seed{seed}",
    )


def _row(
    problem: RoutingProblem,
    engine: str,
    phase: str,
    limit: float,
    seed: int,
    wall: float,
    res: RoutingResult,
) -> dict[str, str]:
    return {
        "stops": str(len(problem.stops)),
        "engine": engine,
        "phase": phase,
        "time_limit_s": f"{limit:g}",
        "seed": str(seed),
        "wall_s": f"{wall:.2f}",
        "feasible": str(res.feasible and not res.unserved),
        "served": str(len(problem.stops) - len(res.unserved)),
        "unserved": str(len(res.unserved)),
        "vehicles": str(res.num_vehicles),
        "distance_km": f"{res.distance / 1000:.1f}",
        "cost_eur": f"{res.cost / EUR:.2f}",
        "rel_cost_pct": "",
    }


def _solve(problem: RoutingProblem, engine: str, limit: float, seed: int) -> RoutingResult:
    """``solve``, with an engine failure (no plan at all) as an empty, infeasible result."""
    started = time.perf_counter()
    try:
        return solve(problem, engine=engine, time_limit_s=limit, seed=seed)
    except SolverError as error:
        _log.warning("%s found no plan in %g s: %s", engine, limit, error)
        return RoutingResult(
            routes=(),
            unserved=tuple(range(len(problem.stops))),
            cost=0,
            engine=engine,
            feasible=False,
            runtime_s=time.perf_counter() - started,
            iterations=0,
            violations=(f"no plan: {error}",),
            seed=seed,
        )


#: Time limits tried in turn to find the first budget that yields a feasible plan, seconds.
FIRST_PLAN_LADDER = (1.0, 2.0, 5.0, 10.0, 20.0, 40.0)


def run_scale(
    sizes: list[int],
    engines: list[str],
    *,
    time_limit_s: float,
    seed: int = 0,
    first_plan: bool = True,
    ladder: tuple[float, ...] = FIRST_PLAN_LADDER,
    on_row: Callable[[dict[str, str]], None] | None = None,
) -> list[dict[str, str]]:
    """For each size: time to a first feasible plan per engine, then each engine within a budget.

    *First plan*: the engine is run with the time limits of ``ladder`` in turn
    (each a fresh run) until one returns a verified plan serving every stop; the
    row gives that limit and the wall time of that run (``feasible`` False when
    no limit of the ladder was enough).  *Budget*: the engine within
    ``time_limit_s``; ``rel_cost_pct`` is its cost above the cheapest engine's at
    that size and budget.
    """
    rows: list[dict[str, str]] = []

    def emit(row: dict[str, str]) -> None:
        rows.append(row)
        if on_row is not None:
            on_row(row)

    for n in sizes:
        started = time.perf_counter()
        problem = generate(n, seed=seed)
        _log.info("generated %d stops in %.1f s", n, time.perf_counter() - started)
        if first_plan:
            for engine in engines:
                for limit in ladder:
                    t0 = time.perf_counter()
                    res = _solve(problem, engine, limit, seed)
                    row = _row(problem, engine, "first", limit, seed, time.perf_counter() - t0, res)
                    _log.info(
                        "%d stops, %s, %g s: %s",
                        n,
                        engine,
                        limit,
                        "feasible" if res.feasible else "no",
                    )
                    if row["feasible"] == "True":
                        break
                emit(row)
        budget: list[dict[str, str]] = []
        for engine in engines:
            t0 = time.perf_counter()
            res = _solve(problem, engine, time_limit_s, seed)
            row = _row(problem, engine, "budget", time_limit_s, seed, time.perf_counter() - t0, res)
            budget.append(row)
            emit(row)
        valid = [float(r["cost_eur"]) for r in budget if r["feasible"] == "True"]
        best = min(valid) if valid else None
        for r in budget:
            if best and r["feasible"] == "True":
                r["rel_cost_pct"] = f"{100 * (float(r['cost_eur']) - best) / best:.2f}"
    return rows


def scale_report(rows: list[dict[str, str]], notes: list[str] | None = None) -> str:
    """Markdown table of a scale run."""
    out = ["# Montpellier food-hub instances (no best-known values: engines against each other)"]
    out += ["", *[f"- {n}" for n in notes or []], ""]
    out += [
        "| stops | engine | phase | time limit s | wall s | feasible | served | vehicles | km "
        "| cost EUR | cost vs best % |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        limit = r["time_limit_s"]
        out.append(
            f"| {r['stops']} | {r['engine']} | {r['phase']} | {limit} | {r['wall_s']} "
            f"| {r['feasible']} | {r['served']} | {r['vehicles']} | {r['distance_km']} "
            f"| {r['cost_eur']} | {r['rel_cost_pct'] or '–'} |"
        )
    out += [
        "",
        "Phase `first`: the smallest time limit of "
        f"{', '.join(f'{t:g}' for t in FIRST_PLAN_LADDER)} s that gave a verified plan serving "
        "every stop (fresh run per limit); its wall time is the time to a first feasible plan.",
    ]
    return "\n".join(out) + "\n"
