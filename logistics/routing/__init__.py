"""Solver-neutral routing: problem, two engines behind one ``solve``, an independent checker."""

from logistics.routing.problem import Break, Profile, RoutingProblem, Stop, VehicleType
from logistics.routing.result import Route, RoutingResult, Violation, Visit
from logistics.routing.solve import solve
from logistics.routing.verify import verify

__all__ = [
    "Break",
    "Profile",
    "Route",
    "RoutingProblem",
    "RoutingResult",
    "Stop",
    "VehicleType",
    "Violation",
    "Visit",
    "solve",
    "verify",
]
