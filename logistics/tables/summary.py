"""``summary.json`` of a week plan: figures, how it was solved, what it could not do."""

from __future__ import annotations

from typing import Any

from logistics.plan.travel import travel_source
from logistics.plan.week import PlanOptions, WeekPlan
from logistics.tables.metrics import plan_figures
from territory.model import Territory

__all__ = ["plan_summary"]


def plan_summary(
    territory: Territory,
    plan: WeekPlan,
    options: PlanOptions,
    *,
    comparison: dict[str, object] | None = None,
) -> dict[str, Any]:
    """The summary of a plan, as written to ``summary.json`` and stored by the API.

    Parameters
    ----------
    territory, plan, options
        What was planned, the result and the options used.
    comparison
        The stand-alone vs pooled comparison (:func:`logistics.savings.pooling_comparison`),
        or ``None`` when it was not computed.
    """
    return plan_figures(territory, plan.tables, plan.week) | {
        "week": str(plan.week),
        "territory": territory.hub.name,
        "engine": options.engine,
        "engines_used": sorted({d.engine for d in plan.days}),
        "seed": options.seed,
        "long_days": options.long_days,
        "day_choice": options.days,
        "time_limit_s": options.time_limit_s,
        "max_iterations": options.max_iterations,
        "allocation_status": plan.allocation.status.name.lower(),
        "travel_times": travel_source(territory),
        "approximated_sites": list(plan.approximated_sites),
        "pickups_missed": [
            {
                "producer_id": m.producer_id,
                "product_id": m.product_id,
                "day": m.day.isoformat(),
                "quantity": m.quantity,
                "reason": m.reason,
            }
            for m in plan.missed_pickups
        ],
        "days": [
            {
                "day": d.day.isoformat(),
                "stops": d.stops,
                "engine": d.engine,
                "feasible": d.feasible,
                "runtime_s": round(d.runtime_s, 2),
            }
            for d in plan.days
        ],
        "standalone_comparison": comparison,
    }
