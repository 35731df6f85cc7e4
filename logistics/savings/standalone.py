"""What pooling saves: the same week planned by each organisation alone, against the pooled plan.

Stand-alone, each partner organisation serves only its own venues with only its own
vehicles, and collects from the producers the offers its own venues' orders draw on.
Each one's week runs through the same planner as the pooled week (delivery days,
allocation, routing), with a shorter time budget per day.  An organisation that owns
no vehicle serves nothing stand-alone: it would have to rent, and the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from geo.travel import TravelTimes
from logistics.plan.week import PlanOptions, Progress, WeekPlan, plan_week
from logistics.tables.metrics import Figures, vehicle_day_figures
from territory.model import IsoWeek, Territory

__all__ = ["STANDALONE_TIME_SHARE", "pooling_comparison"]

STANDALONE_TIME_SHARE = 0.25
"""Each stand-alone day gets this share of the pooled day's time limit (at least 1 s)."""


def _figures(territory: Territory, plan: WeekPlan) -> Figures:
    """Totals of a week; ``vehicles_used`` counts distinct vehicles, ``rounds`` vehicle-days."""
    total = sum(vehicle_day_figures(territory, plan.tables).values(), Figures())
    return replace(total, vehicles_used=len({s.vehicle_id for s in plan.tables.routes}))


def pooling_comparison(
    territory: Territory,
    travel: Mapping[str, TravelTimes],
    pooled: WeekPlan,
    *,
    options: PlanOptions,
    progress: Progress | None = None,
) -> dict[str, object]:
    """Plan every organisation alone and compare with the pooled plan.

    Returns
    -------
    dict
        ``standalone`` and ``pooled`` totals (km, hours, CO2, cost, vehicles, units served),
        ``saving`` (stand-alone minus pooled, and in percent) and ``per_organisation``.
    """
    week: IsoWeek = pooled.week
    short = replace(options, time_limit_s=max(1.0, options.time_limit_s * STANDALONE_TIME_SHARE))
    per_org: dict[str, dict[str, object]] = {}
    total = Figures()
    served_alone = 0
    ordering = {o.venue_id for o in territory.orders_for(week)}
    for org in territory.organisations:
        venues = {
            v.id for v in territory.venues if v.organisation_id == org.id and v.id in ordering
        }
        if not venues:
            continue
        vehicles = [v for v in territory.vehicles if v.organisation_id == org.id]
        ordered = sum(o.quantity for o in territory.orders_for(week) if o.venue_id in venues)
        if not vehicles:
            per_org[org.id] = {
                "name": org.name,
                "vehicles": 0,
                "orders_total": ordered,
                "orders_served": 0,
                "note": "owns no vehicle: stand-alone it would have to rent one",
            }
            continue
        alone = plan_week(
            territory, travel, week=week, options=short, vehicles=vehicles, venue_ids=venues
        )
        figures = _figures(territory, alone)
        served = sum(d.quantity for d in alone.tables.deliveries)
        served_alone += served
        total += figures
        per_org[org.id] = {
            "name": org.name,
            "vehicles": len(vehicles),
            "orders_total": ordered,
            "orders_served": served,
            **figures.rounded(),
        }
        if progress is not None:
            progress(f"stand-alone week of {org.id}")
    pooled_figures = _figures(territory, pooled)
    pooled_served = sum(d.quantity for d in pooled.tables.deliveries)

    def saving(alone: float, pooled_value: float) -> dict[str, float]:
        pct = 100 * (alone - pooled_value) / alone if alone else 0.0
        return {"absolute": round(alone - pooled_value, 2), "percent": round(pct, 1)}

    alone_r, pooled_r = total.rounded(), pooled_figures.rounded()

    def per_unit(figures: Figures, served: int) -> dict[str, float]:
        if not served:
            return {}
        return {
            "km_per_100_units": round(100 * figures.distance_km / served, 2),
            "eur_per_unit": round(figures.cost_eur / served, 3),
            "co2_g_per_unit": round(1000 * figures.co2_kg / served, 1),
        }

    return {
        "standalone": alone_r | {"orders_served": served_alone} | per_unit(total, served_alone),
        "pooled": pooled_r
        | {"orders_served": pooled_served}
        | per_unit(pooled_figures, pooled_served),
        "saving": {
            key: saving(alone_r[key], pooled_r[key])
            for key in ("distance_km", "duration_h", "co2_kg", "cost_eur", "rounds")
        },
        "per_organisation": per_org,
        "note": (
            "stand-alone: each organisation serves its own venues with its own vehicles only;"
            f" solver time per day {short.time_limit_s:g} s. When the two plans deliver different"
            " quantities, compare the per-unit figures."
        ),
    }
