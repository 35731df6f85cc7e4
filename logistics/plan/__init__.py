"""The week: delivery days, one routing problem per day, unserved reasons, reach, travel.

The periodic VRP (:func:`solve_periodic`) chooses each client's visit-day pattern
jointly with the routes.

:func:`plan_week` is the stage's verb; each day is a :class:`DayProblem` built by
:func:`build_day_problem` and solved by :mod:`logistics.routing`.
"""

from logistics.plan.day_choice import (
    DAY_METHODS,
    PERISHABLE_DAYS,
    DayChoice,
    choose_days,
    no_day_reason,
    supply_timing_reason,
    usable_days,
)
from logistics.plan.day_problem import (
    COST_UNITS_PER_EUR,
    DayProblem,
    DayRows,
    DayWork,
    Rejected,
    SiteLine,
    StopContent,
    StopLine,
    build_day_problem,
    may_serve,
    plan_rows,
)
from logistics.plan.delivery_days import (
    VenueNeed,
    assign_delivery_days,
)
from logistics.plan.periodic import (
    PERIODIC_METHODS,
    DayFleet,
    PeriodicClient,
    PeriodicProblem,
    PeriodicSolution,
    UnservedClient,
    balance_patterns,
    choose_patterns,
    solve_periodic,
)
from logistics.plan.reach import (
    MAX_OFF_NETWORK_M,
    unreachable_sites,
)
from logistics.plan.travel import (
    STRAIGHT_LINE_SPEED_KMH,
    territory_travel_times,
    travel_source,
)
from logistics.plan.unserved_reasons import (
    explain_unserved,
)
from logistics.plan.week import (
    DayOutcome,
    MissedPickup,
    PlanOptions,
    SiteMatrices,
    WeekDemands,
    WeekPlan,
    plan_week,
    site_matrices,
    week_days,
    week_demands,
)

__all__ = [
    "COST_UNITS_PER_EUR",
    "DAY_METHODS",
    "MAX_OFF_NETWORK_M",
    "PERIODIC_METHODS",
    "PERISHABLE_DAYS",
    "STRAIGHT_LINE_SPEED_KMH",
    "DayChoice",
    "DayFleet",
    "DayOutcome",
    "DayProblem",
    "DayRows",
    "DayWork",
    "MissedPickup",
    "PeriodicClient",
    "PeriodicProblem",
    "PeriodicSolution",
    "PlanOptions",
    "Rejected",
    "SiteLine",
    "SiteMatrices",
    "StopContent",
    "StopLine",
    "UnservedClient",
    "VenueNeed",
    "WeekDemands",
    "WeekPlan",
    "assign_delivery_days",
    "balance_patterns",
    "build_day_problem",
    "choose_days",
    "choose_patterns",
    "explain_unserved",
    "may_serve",
    "no_day_reason",
    "plan_rows",
    "plan_week",
    "site_matrices",
    "solve_periodic",
    "supply_timing_reason",
    "territory_travel_times",
    "travel_source",
    "unreachable_sites",
    "usable_days",
    "week_days",
    "week_demands",
]
