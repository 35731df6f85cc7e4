"""Who saves what by pooling: the pooled week's cost shared among partner organisations.

The cooperative game
--------------------
Players are the organisations that order this week or own a vehicle.  The cost of a
coalition ``S`` is

``c(S) = cost of the week's rounds serving S's venues with S's vehicles
         + unserved_unit_eur × units S's fleet could not deliver``

* The rounds are planned by :func:`logistics.plan.week.plan_week` restricted with
  ``vehicles=`` (the vehicles S's members own) and ``venue_ids=`` (S's venues that
  order this week): delivery days, stock allocation, pickups at producers, routing;
  cost = fixed cost per vehicle-day + per km + per hour (:mod:`logistics.tables.metrics`).
  Each coalition gets ``options.time_limit_s`` per day (default
  :func:`default_time_limit`: all coalitions within :data:`DEFAULT_BUDGET_S`
  solver seconds, 0.2-1 s per day, shorter than the pooled plan's).
* Units the *supply* cannot cover (stock shortage, expiry) are not a logistics cost:
  they are left out.  Units the allocation gave S but S's vehicles could not deliver
  (no vehicle on the venue's days, a bike-only venue and no bike, capacity, zone,
  time windows), and units of producers' offers it was to collect but could not
  (no vehicle with the right compartment that day: the planner only logs those), cost
  ``unserved_unit_eur`` each, default :data:`UNSERVED_UNIT_EUR`
  -- the order of magnitude of sending one crate by a courier or a share of a
  rented van-day.  So ``c`` stays comparable between a coalition that delivers
  everything and one that cannot.
* A coalition with no vehicle delivers nothing: ``c(S) = unserved_unit_eur ×``
  units ordered (it would have to rent or buy delivery).

The pooled cost shared is ``c(N)`` (the same function, so shares sum to it exactly);
the stand-alone cost of organisation ``i`` is ``c({i})``, its saving
``c({i}) - share_i``.  Shares: the Shapley value (exact from every coalition up to
``exact_max_players``, else permutation sampling with a confidence interval), two
reference rules: proportional to stand-alone cost, proportional to the units
ordered, and, when every coalition is known, a least-core allocation (in the core
whenever the core is not empty).  Each is checked against the core (no coalition
pays more than alone).

Limitations: routing is a heuristic with a time limit, so ``c`` is an upper bound
with noise (a coalition may come out slightly dearer than a superset would
suggest); stock is the territory's whole stock for every coalition (a coalition
alone is not rationed by the others' orders); vehicles' costs are per day used,
no share of their ownership.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from geo.travel import TravelTimes
from logistics.plan.week import PlanOptions, Progress, plan_week
from logistics.savings.cost_sharing import (
    EXACT_MAX_PLAYERS,
    CachedGame,
    CoreCheck,
    CostFunction,
    Shares,
    core_check,
    least_core,
    proportional,
    shapley,
)
from logistics.tables.metrics import Figures, vehicle_day_figures
from territory.errors import InputError, Problem
from territory.model import IsoWeek, Territory

__all__ = [
    "DEFAULT_BUDGET_S",
    "DEFAULT_COALITION_TIME_S",
    "MIN_COALITION_TIME_S",
    "UNSERVED_UNIT_EUR",
    "CoalitionCosts",
    "CoalitionOutcome",
    "SavingsReport",
    "default_time_limit",
    "savings_analysis",
    "savings_players",
    "shares_table",
    "write_savings_report",
]

logger = logging.getLogger(__name__)

DEFAULT_COALITION_TIME_S = 1.0
"""Most solver seconds per day given to each coalition's week by default."""

MIN_COALITION_TIME_S = 0.2
"""Fewest solver seconds per day given to each coalition's week by default."""

DEFAULT_BUDGET_S = 240.0
"""Solver seconds all coalitions share by default (see :func:`default_time_limit`):
Montpellier's 5 partners, 31 coalitions, 1 s per day, take about 2.6 minutes on 2 shared
cores; 6 partners, 63 coalitions, 0.76 s per day, about 4.5 minutes (benchmarks/RESULTS.md)."""

UNSERVED_UNIT_EUR = 5.0
"""Cost of a unit a coalition's fleet cannot deliver, euros (courier / rental share)."""

_CORE_TOL_EUR = 0.01

LEAST_CORE_RULE = "least core"
"""Name of the rule that minimises the largest excess ``x(S) - c(S)`` (exact games only):
in the core whenever the core is not empty; one optimal allocation of the LP, not unique."""


@dataclass(frozen=True)
class CoalitionOutcome:
    """One coalition's planned week.

    Parameters
    ----------
    members
        Organisation ids, sorted.
    cost_eur
        ``c(S)``: rounds cost plus unserved penalty, euros.
    rounds_cost_eur, distance_km, duration_h, rounds
        Figures of the rounds (vehicle-days).
    delivered_units, unserved_units, missed_pickup_units, supply_shortfall_units
        Units delivered; units the fleet could not deliver and offer units it could
        not collect (both penalised); units the supply could not cover (not penalised).
    runtime_s
        Wall time of planning the coalition's week, seconds.
    """

    members: tuple[str, ...]
    cost_eur: float
    rounds_cost_eur: float
    distance_km: float
    duration_h: float
    rounds: int
    delivered_units: int
    unserved_units: int
    missed_pickup_units: int
    supply_shortfall_units: int
    runtime_s: float


def savings_players(territory: Territory, week: IsoWeek) -> tuple[str, ...]:
    """Organisations that order this week or own a vehicle, in file order."""
    ordering = {
        territory.venues_by_id[o.venue_id].organisation_id for o in territory.orders_for(week)
    }
    owning = {v.organisation_id for v in territory.vehicles}
    return tuple(o.id for o in territory.organisations if o.id in ordering | owning)


def default_time_limit(
    territory: Territory,
    n_players: int,
    *,
    exact_max_players: int = EXACT_MAX_PLAYERS,
    samples: int = 200,
    budget_s: float = DEFAULT_BUDGET_S,
) -> float:
    """Solver seconds per day for each coalition so that all fit in ``budget_s``.

    ``budget_s / (coalitions × working days)``, within
    [:data:`MIN_COALITION_TIME_S`, :data:`DEFAULT_COALITION_TIME_S`]; coalitions are
    ``2^n - 1`` when exact, at most ``samples × n`` when sampled; working days are the
    days some vehicle works and the hub opens.
    """
    if n_players <= exact_max_players:
        coalitions = 2**n_players - 1
    else:
        coalitions = min(samples * n_players, 2**n_players - 1)
    open_days = set(territory.hub.opening) or {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
    days = len({d for v in territory.vehicles for d in v.days} & open_days) or 1
    per_day = budget_s / max(coalitions * days, 1)
    return round(min(DEFAULT_COALITION_TIME_S, max(MIN_COALITION_TIME_S, per_day)), 2)


def _ordered_units(territory: Territory, week: IsoWeek) -> dict[str, int]:
    units: dict[str, int] = {}
    for line in territory.orders_for(week):
        org = territory.venues_by_id[line.venue_id].organisation_id
        if org is not None:
            units[org] = units.get(org, 0) + line.quantity
    return units


class _DropRepeatedNetworkWarnings(logging.Filter):
    """After the first coalition, the off-network notes of every plan are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "network:" not in record.getMessage()


class CoalitionCosts:
    """The characteristic function ``c(S)`` of a territory's week (see the module docstring).

    Parameters
    ----------
    territory, travel
        The territory and its travel times per profile.
    week
        The ISO week.
    options
        Planner options for each coalition (engine, time limit per day, seed, iterations).
    unserved_unit_eur
        Penalty per unit a coalition's fleet cannot deliver, euros (>= 0).
    progress
        Called with a short message after each coalition.

    Raises
    ------
    ValueError
        When called on a coalition naming an organisation that is not a player.
    """

    def __init__(
        self,
        territory: Territory,
        travel: Mapping[str, TravelTimes],
        *,
        week: IsoWeek,
        options: PlanOptions,
        unserved_unit_eur: float = UNSERVED_UNIT_EUR,
        progress: Progress | None = None,
    ) -> None:
        if not unserved_unit_eur >= 0:
            raise ValueError(f"unserved_unit_eur must be >= 0, got {unserved_unit_eur}")
        self.territory = territory
        self.travel = travel
        self.week = week
        self.options = options
        self.unserved_unit_eur = float(unserved_unit_eur)
        self.players = savings_players(territory, week)
        self.outcomes: dict[frozenset[str], CoalitionOutcome] = {}
        self._progress = progress
        ordering = {o.venue_id for o in territory.orders_for(week)}
        self._venues = {
            p: {v.id for v in territory.venues if v.organisation_id == p and v.id in ordering}
            for p in self.players
        }
        self._ordered = _ordered_units(territory, week)

    def __call__(self, coalition: frozenset[str]) -> float:
        unknown = coalition - set(self.players)
        if unknown:
            raise ValueError(f"not players: {sorted(unknown)}")
        if coalition not in self.outcomes:
            self.outcomes[coalition] = self._plan(coalition)
            if self._progress is not None:
                self._progress(f"coalition {'+'.join(sorted(coalition))}")
        return self.outcomes[coalition].cost_eur

    def _plan(self, coalition: frozenset[str]) -> CoalitionOutcome:
        started = time.perf_counter()
        members = tuple(sorted(coalition))
        venues = set().union(*(self._venues[p] for p in coalition))
        vehicles = [v for v in self.territory.vehicles if v.organisation_id in coalition]
        ordered = sum(self._ordered.get(p, 0) for p in coalition)
        if not venues:
            return CoalitionOutcome(members, 0.0, 0.0, 0.0, 0.0, 0, 0, 0, 0, 0, 0.0)
        if not vehicles:
            return CoalitionOutcome(
                members, self.unserved_unit_eur * ordered, 0.0, 0.0, 0.0, 0, 0, ordered, 0, 0, 0.0
            )
        quiet = _DropRepeatedNetworkWarnings()
        week_logger = logging.getLogger("logistics.plan.week")
        if self.outcomes:
            week_logger.addFilter(quiet)
        try:
            plan = plan_week(
                self.territory,
                self.travel,
                week=self.week,
                options=self.options,
                vehicles=vehicles,
                venue_ids=venues,
            )
        finally:
            week_logger.removeFilter(quiet)
        figures = sum(vehicle_day_figures(self.territory, plan.tables).values(), Figures())
        delivered = sum(d.quantity for d in plan.tables.deliveries)
        shortfall = plan.allocation.shortfall
        unserved = max(sum(u.quantity for u in plan.tables.unserved) - shortfall, 0)
        to_collect = sum(p.quantity for p in plan.allocation.pickups)
        missed = max(to_collect - sum(p.quantity for p in plan.tables.pickups), 0)
        outcome = CoalitionOutcome(
            members,
            figures.cost_eur + self.unserved_unit_eur * (unserved + missed),
            figures.cost_eur,
            figures.distance_km,
            figures.duration_h,
            figures.rounds,
            delivered,
            unserved,
            missed,
            shortfall,
            time.perf_counter() - started,
        )
        logger.debug("coalition %s: %.2f EUR", "+".join(members), outcome.cost_eur)
        return outcome


@dataclass(frozen=True)
class SavingsReport:
    """The pooled cost shared among organisations, by several rules.

    Parameters
    ----------
    title
        The territory's name.
    week
        The ISO week.
    players, names
        Organisation ids, and their names.
    standalone
        ``c({i})`` per organisation, euros.
    pooled_cost
        ``c(N)``, euros.
    volume
        Units ordered per organisation.
    shares, core
        The sharing rules (Shapley first) and their core checks, in the same order.
    least_core_epsilon
        ``ε`` of the least core when every coalition was computed (the core is empty
        exactly when it is > 0), else ``None``.
    coalitions
        Every coalition planned, by size then name.
    settings
        Engine, time limit per day, seed, iterations, penalty, samples.
    runtime_s
        Wall time, seconds.
    """

    title: str
    week: IsoWeek
    players: tuple[str, ...]
    names: Mapping[str, str]
    standalone: Mapping[str, float]
    pooled_cost: float
    volume: Mapping[str, int]
    shares: tuple[Shares, ...]
    core: tuple[CoreCheck, ...]
    least_core_epsilon: float | None
    coalitions: tuple[CoalitionOutcome, ...]
    settings: Mapping[str, object]
    runtime_s: float

    @property
    def shapley(self) -> Shares:
        """The Shapley shares."""
        return self.shares[0]

    @property
    def standalone_total(self) -> float:
        """Sum of the stand-alone costs, euros."""
        return float(sum(self.standalone.values()))


def savings_analysis(
    territory: Territory,
    travel: Mapping[str, TravelTimes] | None = None,
    *,
    week: IsoWeek | None = None,
    options: PlanOptions | None = None,
    unserved_unit_eur: float = UNSERVED_UNIT_EUR,
    exact_max_players: int = EXACT_MAX_PLAYERS,
    samples: int = 200,
    seed: int = 0,
    game: CostFunction | None = None,
    progress: Progress | None = None,
) -> SavingsReport:
    """Compute every organisation's stand-alone cost, and the pooled cost's shares.

    Parameters
    ----------
    territory
        The territory.
    travel
        Travel times per profile; needed unless ``game`` is given.
    week
        ISO week (default ``hub.toml``'s).
    options
        Planner options per coalition; default engine ``pyvrp`` and
        :func:`default_time_limit` per day.
    unserved_unit_eur
        Penalty per unit a coalition cannot deliver, euros.
    exact_max_players
        Exact Shapley value (every coalition) up to this many organisations.
    samples, seed
        Permutations, and their seed, for the sampled Shapley value.
    game
        Replaces the planner's ``c(S)`` (tests, what-if studies).
    progress
        Called after each coalition.

    Returns
    -------
    SavingsReport

    Raises
    ------
    InputError
        When no week is given and ``hub.toml`` names none.
    ValueError
        When there is no player, or neither ``travel`` nor ``game`` is given.
    """
    started = time.perf_counter()
    week = week or territory.week
    if week is None:
        raise InputError(
            [Problem("hub.toml", 'no week: set week = "2026-W49" or pass --week', column="week")]
        )
    players = savings_players(territory, week)
    if not players:
        raise ValueError("no organisation orders or owns a vehicle this week")
    options = options or PlanOptions(
        engine="pyvrp",
        time_limit_s=default_time_limit(
            territory, len(players), exact_max_players=exact_max_players, samples=samples
        ),
    )
    costs: CoalitionCosts | None = None
    if game is None:
        if travel is None:
            raise ValueError("travel times are needed to plan the coalitions")
        costs = CoalitionCosts(
            territory,
            travel,
            week=week,
            options=options,
            unserved_unit_eur=unserved_unit_eur,
            progress=progress,
        )
        game = costs
    cached = CachedGame(players, game)
    grand = frozenset(players)
    pooled = cached(grand)
    standalone = {p: cached(frozenset({p})) for p in players}
    volume = _ordered_units(territory, week)
    volume = {p: volume.get(p, 0) for p in players}
    exact = len(players) <= exact_max_players
    value = shapley(
        players, cached, exact_max_players=exact_max_players, samples=samples, seed=seed
    )
    rules: tuple[Shares, ...] = (
        value,
        proportional(pooled, standalone, rule="proportional to stand-alone cost"),
        proportional(
            pooled, {p: float(v) for p, v in volume.items()}, rule="proportional to units ordered"
        ),
    )
    epsilon = None
    if exact:
        epsilon, stable = least_core(players, cached)
        rules += (Shares(LEAST_CORE_RULE, stable, dict.fromkeys(players, 0.0)),)
    known = None if exact else [s for s in cached.values if s and s != grand]
    checks = tuple(
        core_check(players, cached, r.values, coalitions=known, tol=_CORE_TOL_EUR) for r in rules
    )
    outcomes = costs.outcomes.values() if costs is not None else ()
    names = {o.id: o.name for o in territory.organisations}
    return SavingsReport(
        title=territory.hub.name,
        week=week,
        players=players,
        names={p: names.get(p, p) for p in players},
        standalone=standalone,
        pooled_cost=pooled,
        volume=volume,
        shares=rules,
        core=checks,
        least_core_epsilon=epsilon,
        coalitions=tuple(sorted(outcomes, key=lambda o: (len(o.members), o.members))),
        settings={
            "engine": options.engine,
            "time_limit_s_per_day": options.time_limit_s,
            "seed": options.seed,
            "max_iterations": options.max_iterations,
            "unserved_unit_eur": unserved_unit_eur,
            "shapley": "exact" if exact else f"sampled, {samples} permutations, seed {seed}",
            "coalitions_planned": cached.evaluations,
        },
        runtime_s=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- outputs


def _eur(x: float) -> str:
    return f"{x:,.2f}".replace(",", " ")


_SHORT = {
    "proportional to stand-alone cost": "prop. stand-alone EUR",
    "proportional to units ordered": "prop. units EUR",
    LEAST_CORE_RULE: "least core EUR",
}


def _rows(report: SavingsReport) -> list[dict[str, str]]:
    value, *others = report.shares
    rows = []
    for p in report.players:
        alone, share = report.standalone[p], value.values[p]
        ci = f" ± {_eur(value.half_width[p])}" if not value.exact else ""
        saving = alone - share
        pct = f"{100 * saving / alone:.1f}%" if alone else "-"
        rows.append(
            {
                "organisation": f"{report.names[p]} ({p})",
                "units ordered": str(report.volume[p]),
                "stand-alone EUR": _eur(alone),
                "Shapley share EUR": _eur(share) + ci,
                "saving EUR": f"{_eur(saving)} ({pct})",
                **{_SHORT.get(r.rule, r.rule): _eur(r.values[p]) for r in others},
            }
        )
    total_saving = report.standalone_total - report.pooled_cost
    pct = f"{100 * total_saving / report.standalone_total:.1f}%" if report.standalone_total else "-"
    rows.append(
        {
            "organisation": "total",
            "units ordered": str(sum(report.volume.values())),
            "stand-alone EUR": _eur(report.standalone_total),
            "Shapley share EUR": _eur(value.total),
            "saving EUR": f"{_eur(total_saving)} ({pct})",
            **{_SHORT.get(r.rule, r.rule): _eur(r.total) for r in others},
        }
    )
    return rows


def _core_lines(report: SavingsReport, names: Callable[[frozenset[str]], str]) -> list[str]:
    lines = []
    for rule, check in zip(report.shares, report.core, strict=True):
        scope = (
            "all coalitions"
            if check.checked == check.total
            else f"{check.checked} of {check.total} coalitions (those planned)"
        )
        if check.in_core:
            verdict = f"in the core (checked {scope})"
        else:
            worst = "; ".join(
                f"{names(s)} would pay {_eur(e)} EUR more than alone"
                for s, e in check.violations[:3]
            )
            verdict = f"**not in the core** (checked {scope}): {worst}"
            if abs(check.budget_gap) > _CORE_TOL_EUR:
                verdict += f"; shares miss the pooled cost by {_eur(check.budget_gap)} EUR"
        lines.append(f"- {rule.rule}: {verdict}")
    if report.least_core_epsilon is not None:
        eps = report.least_core_epsilon
        lines.append(
            f"- the core is {'empty' if eps > _CORE_TOL_EUR else 'not empty'}"
            f" (least-core ε = {_eur(eps)} EUR: the smallest extra every coalition must"
            " accept so that some sharing of the pooled cost suits them all)"
        )
    return lines


def _chart_png(report: SavingsReport) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    value = report.shapley
    players = report.players
    x = np.arange(len(players))
    alone = [report.standalone[p] for p in players]
    share = [value.values[p] for p in players]
    saving = [a - s for a, s in zip(alone, share, strict=True)]
    errors = None if value.exact else [value.half_width[p] for p in players]
    singles = {c.members[0]: c for c in report.coalitions if len(c.members) == 1}
    penalty = [
        singles[p].cost_eur - singles[p].rounds_cost_eur if p in singles else 0.0 for p in players
    ]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(players) + 2), 4.2), dpi=110)
    width = 0.27
    rounds = [a - q for a, q in zip(alone, penalty, strict=True)]
    ax.bar(x - width, rounds, width, label="stand-alone cost: rounds", color="#9e9e9e")
    if any(penalty):
        ax.bar(
            x - width,
            penalty,
            width,
            bottom=rounds,
            label="stand-alone cost: units its fleet cannot deliver or collect",
            color="#d9d9d9",
            hatch="//",
            edgecolor="#9e9e9e",
        )
    ax.bar(x, share, width, yerr=errors, capsize=3, label="Shapley share", color="#1f77b4")
    ax.bar(x + width, saving, width, label="saving", color="#2ca02c")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(x, list(players), rotation=20, ha="right")
    ax.set_ylabel("EUR for the week")
    ax.set_title(f"{report.title}, {report.week}: what pooling saves each organisation")
    ax.legend(frameon=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _intro(report: SavingsReport) -> list[str]:
    s = report.settings
    saving = report.standalone_total - report.pooled_cost
    pct = 100 * saving / report.standalone_total if report.standalone_total else 0.0
    return [
        f"Pooled week: {_eur(report.pooled_cost)} EUR; every organisation alone:"
        f" {_eur(report.standalone_total)} EUR; pooling saves {_eur(saving)} EUR ({pct:.1f}%).",
        f"Cost of a coalition = its rounds (vehicle-day fixed cost + km + hours) serving its"
        f" venues with its own vehicles, + {s['unserved_unit_eur']} EUR per unit its fleet cannot"
        " deliver or collect (units the stock cannot cover are not counted).",
        f"Shapley value: {s['shapley']}; {s['coalitions_planned']} coalitions planned with"
        f" {s['engine']}, {s['time_limit_s_per_day']} s per day, seed {s['seed']}"
        f"{', ' + str(s['max_iterations']) + ' iterations per day' if s['max_iterations'] else ''};"
        f" {report.runtime_s:.0f} s.",
    ]


def _markdown(report: SavingsReport, names: Callable[[frozenset[str]], str]) -> str:
    rows = _rows(report)
    head = list(rows[0])
    lines = [f"# What pooling saves — {report.title}, {report.week}", ""]
    lines += [*_intro(report), "", "![cost per organisation](savings.png)", ""]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join("---" if h == "organisation" else "---:" for h in head) + "|")
    lines += ["| " + " | ".join(r[h] for h in head) + " |" for r in rows]
    if not report.shapley.exact:
        lines += ["", f"± : {report.shapley.confidence:.0%} confidence interval of the sampling."]
    lines += ["", "## Core", "", *_core_lines(report, names), ""]
    if report.coalitions:
        lines += [
            "## Coalitions planned",
            "",
            "| coalition | cost EUR | rounds EUR | km | rounds | delivered | unserved"
            " | pickups missed |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {' + '.join(c.members)} | {_eur(c.cost_eur)} | {_eur(c.rounds_cost_eur)}"
            f" | {c.distance_km:.1f} | {c.rounds} | {c.delivered_units} | {c.unserved_units}"
            f" | {c.missed_pickup_units} |"
            for c in report.coalitions
        ]
        lines.append("")
    return "\n".join(lines)


def _html(report: SavingsReport, png: bytes, names: Callable[[frozenset[str]], str]) -> str:
    rows = _rows(report)
    head = list(rows[0])
    esc = html.escape
    table = "<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead>"
    table += "<tbody>"
    for r in rows:
        table += "<tr>" + "".join(f"<td>{esc(r[h])}</td>" for h in head) + "</tr>"
    table += "</tbody></table>"
    core = "".join(
        f"<li>{esc(line[2:]).replace('**', '')}</li>" for line in _core_lines(report, names)
    )
    image = base64.b64encode(png).decode("ascii")
    intro = "".join(f"<p>{esc(p)}</p>" for p in _intro(report))
    title = esc(f"What pooling saves — {report.title}, {report.week}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>"
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
        "td:not(:first-child){text-align:right}</style></head><body>"
        f"<h1>{title}</h1>{intro}"
        f'<img alt="cost per organisation" src="data:image/png;base64,{image}">'
        f"{table}<h2>Core</h2><ul>{core}</ul></body></html>\n"
    )


def _json(report: SavingsReport) -> dict[str, object]:
    return {
        "territory": report.title,
        "week": str(report.week),
        "pooled_cost_eur": round(report.pooled_cost, 2),
        "standalone_total_eur": round(report.standalone_total, 2),
        "organisations": {
            p: {
                "name": report.names[p],
                "units_ordered": report.volume[p],
                "standalone_eur": round(report.standalone[p], 2),
                **{
                    rule.rule: {
                        "share_eur": round(rule.values[p], 2),
                        "ci_half_width_eur": round(rule.half_width.get(p, 0.0), 2),
                        "saving_eur": round(report.standalone[p] - rule.values[p], 2),
                    }
                    for rule in report.shares
                },
            }
            for p in report.players
        },
        "core": {
            rule.rule: {
                "in_core": check.in_core,
                "checked": check.checked,
                "of": check.total,
                "violations": [
                    {"coalition": sorted(s), "excess_eur": round(e, 2)} for s, e in check.violations
                ],
            }
            for rule, check in zip(report.shares, report.core, strict=True)
        },
        "least_core_epsilon_eur": (
            None if report.least_core_epsilon is None else round(report.least_core_epsilon, 2)
        ),
        "settings": dict(report.settings),
        "runtime_s": round(report.runtime_s, 1),
    }


def write_savings_report(report: SavingsReport, out: Path) -> list[Path]:
    """Write ``savings.md``, ``savings.html`` (chart embedded), ``savings.png``,
    ``savings.json`` and ``coalitions.csv`` into ``out`` (created if missing).

    Returns
    -------
    list of Path
        The files written.
    """
    out.mkdir(parents=True, exist_ok=True)

    def names(coalition: frozenset[str]) -> str:
        return " + ".join(sorted(coalition))

    png = _chart_png(report)
    paths = [out / name for name in ("savings.md", "savings.html", "savings.png", "savings.json")]
    paths[0].write_text(_markdown(report, names), encoding="utf-8")
    paths[1].write_text(_html(report, png, names), encoding="utf-8")
    paths[2].write_bytes(png)
    paths[3].write_text(
        json.dumps(_json(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    csv_path = out / "coalitions.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "coalition",
                "size",
                "cost_eur",
                "rounds_cost_eur",
                "distance_km",
                "duration_h",
                "rounds",
                "delivered_units",
                "unserved_units",
                "missed_pickup_units",
                "supply_shortfall_units",
                "runtime_s",
            ]
        )
        for c in report.coalitions:
            writer.writerow(
                [
                    ";".join(c.members),
                    len(c.members),
                    f"{c.cost_eur:.2f}",
                    f"{c.rounds_cost_eur:.2f}",
                    f"{c.distance_km:.2f}",
                    f"{c.duration_h:.2f}",
                    c.rounds,
                    c.delivered_units,
                    c.unserved_units,
                    c.missed_pickup_units,
                    c.supply_shortfall_units,
                    f"{c.runtime_s:.2f}",
                ]
            )
    paths.append(csv_path)
    return paths


def shares_table(report: SavingsReport) -> list[dict[str, str]]:
    """Rows for a terminal table: one per organisation plus a total."""
    return _rows(report)
