"""Pooled logistics, one sub-package per stage; the main verbs are exported here.

=================  ==============================================================
``plan/``          the week: delivery days, day problems, unserved reasons, reach
``allocation/``    stock and producers' offers shared out under shortage (LP)
``routing/``       solver-neutral :class:`RoutingProblem`, engines, verify, schedule
``check/``         the independent checker: plan files replayed against the raw files
``savings/``       stand-alone model, coalitions, cost-sharing rules, savings report
``tables/``        the plan files' contract (CSV/JSON), metrics, ``summary.json``
``outputs/``       driver sheets, map, GeoJSON, terminal tables
``pipeline``       travel -> allocate -> days -> rounds -> check -> outputs (:func:`run_week`)
=================  ==============================================================

The territory records come from :mod:`territory`; road networks from :mod:`geo`.
"""

from logistics.allocation import Allocation, allocate
from logistics.check import CheckReport, Violation, check_plan, check_plan_folder
from logistics.pipeline import (
    DEFAULT_TIME_LIMIT_S,
    PipelineResult,
    PlanFolder,
    pipeline_steps,
    run_week,
    write_outputs,
)
from logistics.plan import PlanOptions, WeekPlan, plan_week, territory_travel_times
from logistics.savings import pooling_comparison, savings_analysis
from logistics.tables import PlanTables, plan_summary, read_plan_tables, write_plan_tables

__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "Allocation",
    "CheckReport",
    "PipelineResult",
    "PlanFolder",
    "PlanOptions",
    "PlanTables",
    "Violation",
    "WeekPlan",
    "allocate",
    "check_plan",
    "check_plan_folder",
    "pipeline_steps",
    "plan_summary",
    "plan_week",
    "pooling_comparison",
    "read_plan_tables",
    "run_week",
    "savings_analysis",
    "territory_travel_times",
    "write_outputs",
    "write_plan_tables",
]
