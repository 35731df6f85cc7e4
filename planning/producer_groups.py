"""Producers merged into groups: a smaller relaxation of the crop-plan MIP.

Producers with the same bed size who grow the same products are interchangeable for the
demand side: only the total beds they start with each itinerary in each week matter.  Merging
each such group into one producer, with the group's beds summed, gives a model with far fewer
integer variables whose optimum is a lower bound of the real one:

* any real plan, summed over each group, is a plan of the merged model: land, rotation and
  labour rows are sums of the members' rows (a group's family limit is the sum of its members'
  whole-bed limits; a labour limit is kept, summed, only when every member has one);
* minimum incomes and fair shares are dropped (their lacks only add cost);
* a merged start's bed bound (land, rotation share, beds that meet the high demand) never cuts
  off an optimum of a model whose only costs are shortage, buffer and waste.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from planning.catalogue import LANDS
from planning.mip_model import FamilyBeds, family_beds
from planning.problem import CropPlanProblem
from planning.producers import CropProducer

__all__ = ["MergedProblem", "merge_interchangeable", "producer_groups"]


def producer_groups(problem: CropPlanProblem) -> list[tuple[CropProducer, ...]]:
    """Producers grouped by bed size and the products they grow, in input order."""
    groups: dict[tuple[float, frozenset[str], str], list[CropProducer]] = defaultdict(list)
    for p in problem.producers:
        alone = "" if p.labour_h_week is None else p.id
        groups[(p.bed_m2, frozenset(p.prices_eur_kg), alone)].append(p)
    return [tuple(members) for members in groups.values()]


@dataclass(frozen=True)
class MergedProblem:
    """The merged relaxation and its groups' family limits (for :func:`build_model`)."""

    problem: CropPlanProblem
    rotation: FamilyBeds
    members: Mapping[str, tuple[CropProducer, ...]]  # merged producer id -> real producers


def merge_interchangeable(problem: CropPlanProblem) -> MergedProblem | None:
    """The merged relaxation, or ``None`` when no two producers are interchangeable."""
    groups = producer_groups(problem)
    if all(len(members) == 1 for members in groups):
        return None
    intervals = {
        i.rotation_interval_years
        for i in problem.catalogue.itineraries
        if i.rotation_interval_years is not None and i.rotation_interval_years > 1
    }
    merged = []
    rotation: dict[tuple[str, str, float], int] = {}
    for n, members in enumerate(groups):
        limits = [m.labour_h_week for m in members if m.labour_h_week is not None]
        limited = len(limits) == len(members)
        group = CropProducer(
            id=f"group{n}",
            name=", ".join(m.name for m in members),
            bed_m2=members[0].bed_m2,
            field_beds=sum(m.field_beds for m in members),
            greenhouse_beds=sum(m.greenhouse_beds for m in members),
            prices_eur_kg=members[0].prices_eur_kg,
            labour_h_week=sum(limits) if limited else None,
            min_income_eur=0.0,
        )
        merged.append(group)
        for land in LANDS:
            for interval in intervals:
                rotation[(group.id, land, interval)] = sum(
                    family_beds(m, land, interval) for m in members
                )
    options = replace(problem.options, fair_share=0.0, coverage_first=False)
    relaxed = CropPlanProblem(
        tuple(merged), problem.catalogue, problem.demand, options, problem.year
    )
    return MergedProblem(
        relaxed, rotation, {g.id: real for g, real in zip(merged, groups, strict=True)}
    )
