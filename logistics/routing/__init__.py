"""Solver-neutral routing: problem, two engines behind one ``solve``, an independent checker.

``solve(problem, engine="auto"|"pyvrp"|"ortools", time_limit_s=10.0, seed=0,
max_iterations=None) -> RoutingResult``.  Engines only choose visit orders; the
shared schedule (:mod:`logistics.routing.schedule`) times them and
:func:`verify` checks them, so both engines' results are comparable.

What each engine models (✓ in the search, ~ handled after the search):

================================  =======================  ===========================
constraint                        PyVRP 0.14               OR-Tools 9.15
================================  =======================  ===========================
multi-dimensional capacity        ✓                        ✓
simultaneous pickup + delivery    ✓                        ✓ (on-board dimension)
one or several time windows       ✓ (client groups)        ✓ (RemoveInterval)
optional stops with penalty       ✓ (prizes)               ✓ (disjunctions)
vehicle-type compatibility        ✓ (forbidden edges)      ✓ (allowed vehicles)
profiles (drive / bike matrices)  ✓                        ✓
shift, max duration               ✓                        ✓
multi-trip with reload time       ✓ (reload depots)        ✓ (one vehicle copy per trip)
driver break                      ~ time reserved; when a  ✓ single trip; ~ multi-trip
                                  route has no room, ✓
                                  (break copies, 2nd run)
fixed / distance / duration cost  ✓                        ✓
seed                              ✓                        recorded only (no seed)
================================  =======================  ===========================

Stops that no vehicle can serve alone are left out and reported unserved; an
engine plan that still breaks a rule is repaired by taking stops out, and the
stops taken out are put back wherever they fit (another vehicle, a new trip).
"""

from logistics.routing.problem import Break, Profile, RoutingProblem, Stop, VehicleType
from logistics.routing.result import Route, RouteViolation, RoutingResult, Visit
from logistics.routing.solve import solve
from logistics.routing.verify import verify

__all__ = [
    "Break",
    "Profile",
    "Route",
    "RouteViolation",
    "RoutingProblem",
    "RoutingResult",
    "Stop",
    "VehicleType",
    "Visit",
    "solve",
    "verify",
]
