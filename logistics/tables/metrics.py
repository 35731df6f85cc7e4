"""Figures of a plan: km, vehicle-hours, CO2, cost, vehicles used, orders served.

Everything is recomputed from the plan tables and the territory: distance is the
sum of ``distance_m`` over a vehicle's day, duration runs from the ``start`` row's
arrival (loading begins) to the ``end`` row's arrival, CO2 is ``co2_g_per_km`` × km,
and cost is the vehicle's fixed cost per day used + per km + per hour.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from logistics.tables.files import PlanTables
from territory.model import IsoWeek, Territory

__all__ = ["Figures", "plan_figures", "vehicle_day_figures"]


@dataclass(frozen=True)
class Figures:
    """Totals of a set of rounds."""

    distance_km: float = 0.0
    duration_h: float = 0.0
    co2_kg: float = 0.0
    cost_eur: float = 0.0
    vehicles_used: int = 0
    rounds: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.distance_km + other.distance_km,
            self.duration_h + other.duration_h,
            self.co2_kg + other.co2_kg,
            self.cost_eur + other.cost_eur,
            self.vehicles_used + other.vehicles_used,
            self.rounds + other.rounds,
        )

    def rounded(self) -> dict[str, float]:
        """The figures as a dict, rounded for reports (km, h, kg to 0.1; euros to 0.01)."""
        out = {k: round(v, 2 if k == "cost_eur" else 1) for k, v in asdict(self).items()}
        out["vehicles_used"] = self.vehicles_used
        out["rounds"] = self.rounds
        return out


def vehicle_day_figures(territory: Territory, tables: PlanTables) -> dict[tuple[str, str], Figures]:
    """Figures per (ISO day, vehicle id); each vehicle-day counts as one round."""
    rows = defaultdict(list)
    for stop in tables.routes:
        rows[(stop.day.isoformat(), stop.vehicle_id)].append(stop)
    figures = {}
    for key, stops in sorted(rows.items()):
        stops.sort(key=lambda s: s.seq)
        vehicle = territory.vehicles_by_id[key[1]]
        km = sum(s.distance_m for s in stops) / 1000
        hours = (stops[-1].arrival - stops[0].arrival).total_seconds() / 3600
        figures[key] = Figures(
            distance_km=km,
            duration_h=hours,
            co2_kg=vehicle.co2_g_per_km * km / 1000,
            cost_eur=vehicle.fixed_cost_eur
            + vehicle.cost_per_km_eur * km
            + vehicle.cost_per_h_eur * hours,
            vehicles_used=1,
            rounds=1,
        )
    return figures


def plan_figures(territory: Territory, tables: PlanTables, week: IsoWeek) -> dict[str, object]:
    """Orders served and rounds' figures in total, per day and per vehicle.

    ``vehicles_used`` in the total counts distinct vehicles over the week.
    """
    per_round = vehicle_day_figures(territory, tables)
    total = sum(per_round.values(), Figures())
    per_day: dict[str, Figures] = defaultdict(Figures)
    per_vehicle: dict[str, Figures] = defaultdict(Figures)
    for (day, vehicle_id), fig in per_round.items():
        per_day[day] += fig
        per_vehicle[vehicle_id] += fig
    ordered = sum(o.quantity for o in territory.orders_for(week))
    unserved = sum(u.quantity for u in tables.unserved)
    delivered = sum(d.quantity for d in tables.deliveries)
    totals = total.rounded()
    totals["vehicles_used"] = len(per_vehicle)
    return {
        "orders_total": ordered,
        "orders_served": delivered,
        "orders_unserved": unserved,
        "order_lines_unserved": len(tables.unserved),
        **totals,
        "per_day": {day: fig.rounded() for day, fig in sorted(per_day.items())},
        "per_vehicle": {
            vid: fig.rounded() | {"days_used": fig.vehicles_used}
            for vid, fig in sorted(per_vehicle.items())
        },
    }
