"""Stock and producer offers shared out under shortage (LP, HiGHS): :func:`allocate`."""

from logistics.allocation.allocate import (
    AllocatedLine,
    Allocation,
    AllocationStatus,
    Demand,
    Pickup,
    Source,
    allocate,
    supply_by_day,
)
from logistics.allocation.lp import (
    LpOutcome,
    TransportProblem,
    solve_flows,
    solve_levels,
)

__all__ = [
    "AllocatedLine",
    "Allocation",
    "AllocationStatus",
    "Demand",
    "LpOutcome",
    "Pickup",
    "Source",
    "TransportProblem",
    "allocate",
    "solve_flows",
    "solve_levels",
    "supply_by_day",
]
