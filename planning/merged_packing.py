"""Packing a merged plan's beds onto the real producers of each group.

A plan of merged producers (:mod:`planning.producer_groups`) says how many beds each group
starts with each itinerary in each week.  A group of one producer keeps its beds: the merged
rows are that producer's rows.  In a larger group nobody has a labour limit (labour-limited
producers stay alone), so field and greenhouse are independent, and one small MIP per group
and land type packs as many bed-weeks as the members' land and family rows allow, each
(itinerary, start week) at most its merged beds.  It is first solved around its LP optimum,
each start between the floor and ceiling of its LP value (a RENS neighbourhood: 0.1-3.5 s on
the benchmark, against 2-12 s for the full MIP); only if that leaves beds out does the full
MIP get a few seconds.  Beds still left out are for the search on the real model
(:mod:`planning.mip`).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pulp

from planning.mip_model import CropModel, Start, build_model, candidate_starts
from planning.problem import CropPlanProblem
from planning.producer_groups import MergedProblem
from planning.producers import CropProducer
from planning.solver_run import run_model

__all__ = ["Packing", "pack_merged_plan"]

RETRY_S = 4.0  # seconds for the full packing MIP when the LP neighbourhood leaves beds out


@dataclass(frozen=True)
class Packing:
    """Beds per real start, and the merged beds (and their products) no member had room for."""

    beds: dict[Start, int]
    left_out: int
    short_products: frozenset[str]


def pack_merged_plan(
    problem: CropPlanProblem,
    relaxed: MergedProblem,
    merged_beds: Mapping[Start, int],
    candidates: Mapping[tuple[str, str, int], Start],
    deadline: float,
) -> Packing:
    """Split the merged beds between each group's members, by ``deadline`` (perf_counter).

    ``candidates`` gives every start a real producer may make, by (producer id, itinerary id,
    week).
    """
    catalogue = {i.id: i for i in problem.catalogue.itineraries}
    caps: dict[tuple[str, str], dict[tuple[str, int], int]] = defaultdict(dict)
    for start, beds in merged_beds.items():
        if beds > 0:
            key = (start.producer.id, start.itinerary.land)
            caps[key][start.key] = caps[key].get(start.key, 0) + beds
    placed: dict[Start, int] = {}
    left_out = 0
    short: set[str] = set()
    for (group, land), group_caps in sorted(caps.items()):
        members = relaxed.members[group]
        if len(members) == 1:
            for (itinerary, week), beds in group_caps.items():
                placed[candidates[(members[0].id, itinerary, week)]] = beds
            continue
        packed = _pack(problem, members, land, group_caps, deadline)
        placed.update({candidates[key]: beds for key, beds in packed.items()})
        left_out += sum(group_caps.values()) - sum(packed.values())
        done: dict[tuple[str, int], int] = defaultdict(int)
        for (_, itinerary, week), beds in packed.items():
            done[(itinerary, week)] += beds
        short.update(
            str(catalogue[itinerary].product_id)
            for (itinerary, week), beds in group_caps.items()
            if done[(itinerary, week)] < beds
        )
    return Packing(placed, left_out, frozenset(short))


def _pack(
    problem: CropPlanProblem,
    members: tuple[CropProducer, ...],
    land: str,
    caps: Mapping[tuple[str, int], int],
    deadline: float,
) -> dict[tuple[str, str, int], int]:
    """One group's beds on one land type (the MIP of most bed-weeks packed), by start key."""
    sub = CropPlanProblem(
        members,
        problem.catalogue,
        problem.demand,
        replace(problem.options, fair_share=0.0, min_income="soft"),
        problem.year,
    )
    starts = [
        replace(s, upper=min(s.upper, caps[s.key]))
        for s in candidate_starts(sub)
        if s.itinerary.land == land and caps.get(s.key, 0) > 0
    ]
    packed = build_model(sub, starts, caps, demand_rows=False)
    packed.model.setObjective(
        pulp.LpAffineExpression(
            [(v, -float(s.itinerary.bed_weeks)) for v, s in zip(packed.x, starts, strict=True)]
        )
    )
    beds: list[int] = []
    if _around_relaxation(packed, sub, deadline):
        outcome = run_model(packed, sub.options, deadline - time.perf_counter(), gap_rel=0.0)
        if outcome.status.has_plan:
            beds = packed.beds()
    if sum(beds) < sum(caps.values()):
        for var, start in zip(packed.x, starts, strict=True):
            var.lowBound, var.upBound = 0, start.upper
        seconds = min(RETRY_S, deadline - time.perf_counter())
        outcome = run_model(packed, sub.options, seconds, gap_rel=0.0)
        if outcome.status.has_plan and _bed_weeks(packed.beds(), starts) > _bed_weeks(beds, starts):
            beds = packed.beds()
    return {
        (s.producer.id, s.itinerary.id, s.week): n
        for s, n in zip(starts, beds, strict=False)
        if n > 0
    }


def _bed_weeks(beds: list[int], starts: list[Start]) -> int:
    return sum(n * s.itinerary.bed_weeks for n, s in zip(beds, starts, strict=False))


def _around_relaxation(packed: CropModel, sub: CropPlanProblem, deadline: float) -> bool:
    """Bound each start between the floor and ceiling of its LP value; ``False`` without LP.

    Most starts are whole in the LP optimum, so the MIP that follows is small (a RENS
    neighbourhood) and usually packs every bed within a second or two.
    """
    for var in packed.x:
        var.cat = pulp.LpContinuous
    relaxed = run_model(packed, sub.options, deadline - time.perf_counter())
    for var in packed.x:
        var.cat = pulp.LpInteger
    if not relaxed.status.has_plan:
        return False
    for var in packed.x:
        value = var.value() or 0.0
        var.lowBound, var.upBound = math.floor(value + 1e-6), math.ceil(value - 1e-6)
    return True
