"""OR-Tools backend.  Managers, callbacks and assignments never leave this module.

How the neutral problem maps onto the OR-Tools routing library:

- one routing node per stop, node 0 the depot; arc cost per vehicle
  ``cost_per_m * distance`` of its profile; fixed cost per vehicle;
  ``cost_per_s`` as span cost of the time dimension;
- time dimension per vehicle profile (transit = service at the origin + drive),
  waiting as slack; several windows: ``SetRange(first start, last end)`` and
  ``RemoveInterval`` for every gap;
- loads: per dimension, a cumulative delivery (or pickup) dimension when the
  stops only deliver (or only pick up).  With both, a sound *on board*
  encoding: dimension ``onboard`` with transit ``pickup - delivery``, free
  start cumul in ``[0, capacity]``, plus a ``picked`` dimension counting
  pickups from 0, and the constraint ``onboard(end) == picked(end)`` which
  forces ``onboard(start)`` to equal the trip's deliveries;
- optional stops: disjunction with their penalty; required stops: disjunction
  with a very large penalty, so an over-constrained day still yields a plan
  (unserved required stops make it infeasible under :func:`verify`);
- compatibility: forbidden vehicles removed from the stop's vehicle variable;
- multi-trip: each vehicle is duplicated once per trip; trip ``j+1`` starts at
  or after trip ``j`` ends plus ``reload_s``, is used only when trip ``j`` is,
  and the maximum duration is counted from the start of trip 0;
- breaks: ``SetBreakIntervalsOfVehicle`` with an interval that must lie within
  the route of a used vehicle.  Not modelled for multi-trip vehicles (the
  shared schedule still inserts a break; a route without room for it is
  repaired: stops taken out, then put back where they fit).  Break nodes in the
  style of the PyVRP backend were tried: on a Montpellier day (34 stops, 5
  vehicles) they made the insertion heuristics 8x slower for worse starts.
- first solution: the cheapest of several heuristics, each on its own model,
  with a failure limit and a share of the time (:func:`_first_solution`); the
  guided local search then starts from it.  Path-cheapest-arc alone, the former
  default, thrashed on multi-trip days with pickups (hundreds of thousands of
  failed CP checks a second) until the time was gone, and OR-Tools answered
  with every stop left out.

OR-Tools has no seed: ``seed`` is recorded but does not change the search.  The
search is single-threaded and deterministic with ``max_iterations`` (a solution
limit) instead of a time limit.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from logistics.routing.problem import MAX_VALUE, RoutingProblem
from logistics.routing.result import RoutingResult
from logistics.routing.schedule import (
    RELOAD,
    RawRoute,
    assemble_result,
    servable_stops,
)
from territory.errors import SolverError

__all__ = ["solve"]

_log = logging.getLogger(__name__)

_UNSERVED_REQUIRED = 2**36
#: First-solution heuristics tried, each on its own model; the cheapest start wins.
#: Path-cheapest-arc extends routes arc by arc and only learns at the end of a
#: route that a side constraint (trip chaining, the on-board load equality)
#: fails; on multi-trip days with pickups it backtracks for ever.  The insertion
#: heuristics check every insertion and are robust there.
_FIRST_SOLUTIONS = ("PARALLEL_CHEAPEST_INSERTION", "LOCAL_CHEAPEST_INSERTION", "PATH_CHEAPEST_ARC")
#: Failed CP checks allowed to one first-solution heuristic: a base plus per stop.
_FIRST_SOLUTION_FAILURES = 20_000
_FIRST_SOLUTION_FAILURES_PER_STOP = 500
#: Share of the time limit the first-solution heuristics may use together; the
#: first heuristic may use up to the larger share when it is slow (a starved
#: process under ``auto``, a big day), since without a start the search is poor.
_FIRST_SOLUTION_SHARE = 0.3
_FIRST_HEURISTIC_SHARE = 0.9


def _matrix(mat: np.ndarray) -> list[list[int]]:
    return [[int(x) for x in row] for row in mat]


def _model(
    problem: RoutingProblem, active: list[int]
) -> tuple[pywrapcp.RoutingIndexManager, pywrapcp.RoutingModel, list[tuple[int, int, int]]]:
    stops = [problem.stops[i] for i in active]
    vehicles: list[tuple[int, int, int]] = []  # (type, index, trip)
    trips_of: list[int] = []
    for t, vt in enumerate(problem.vehicle_types):
        trips_of.append(min(vt.max_trips, max(1, len(stops))))
        for k in range(vt.count):
            vehicles.extend((t, k, j) for j in range(trips_of[t]))
    nodes = np.array([0] + [s.location for s in stops], dtype=np.int64)
    service = [0] + [s.service_s for s in stops]
    manager = pywrapcp.RoutingIndexManager(len(nodes), len(vehicles), 0)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()

    arc_cb: dict[tuple[str, int], int] = {}
    time_cb: dict[str, int] = {}
    for prof_name, prof in problem.profiles.items():
        sub = prof.duration_s[np.ix_(nodes, nodes)] + np.array(service, dtype=np.int64)[:, None]
        time_cb[prof_name] = routing.RegisterTransitMatrix(_matrix(sub))
    for v, (t, _k, j) in enumerate(vehicles):
        vt = problem.vehicle_types[t]
        key = (vt.profile, vt.cost_per_m)
        if key not in arc_cb:
            dist = problem.profiles[vt.profile].distance_m[np.ix_(nodes, nodes)] * vt.cost_per_m
            arc_cb[key] = routing.RegisterTransitMatrix(_matrix(dist))
        routing.SetArcCostEvaluatorOfVehicle(arc_cb[key], v)
        if j == 0 and vt.fixed_cost:
            routing.SetFixedCostOfVehicle(vt.fixed_cost, v)

    horizon = min(MAX_VALUE, max(vt.shift[1] for vt in problem.vehicle_types))
    routing.AddDimensionWithVehicleTransits(
        [time_cb[problem.vehicle_types[t].profile] for t, _, _ in vehicles],
        horizon,
        horizon,
        False,
        "time",
    )
    tdim = routing.GetDimensionOrDie("time")
    for i, stop in enumerate(stops):
        index = manager.NodeToIndex(i + 1)
        cumul = tdim.CumulVar(index)
        lo, hi = stop.windows[0][0], min(stop.windows[-1][1], horizon)
        cumul.SetRange(min(lo, hi), hi)
        for (_, a_end), (b_start, _) in zip(stop.windows, stop.windows[1:], strict=False):
            if b_start - 1 >= a_end + 1:
                cumul.RemoveInterval(a_end + 1, b_start - 1)
        penalty = stop.penalty + (_UNSERVED_REQUIRED if stop.required else 0)
        routing.AddDisjunction([index], penalty)
        forbidden = [v for v, (t, _, _) in enumerate(vehicles) if not stop.allows(t)]
        if forbidden:  # SetAllowedVehiclesForIndex's binding rejects Python lists in 9.15
            routing.VehicleVar(index).RemoveValues(forbidden)

    first_of: dict[tuple[int, int], int] = {}
    for v, (t, k, j) in enumerate(vehicles):
        vt = problem.vehicle_types[t]
        start, end = routing.Start(v), routing.End(v)
        tdim.CumulVar(start).SetRange(vt.shift[0], min(vt.shift[1], horizon))
        tdim.CumulVar(end).SetRange(vt.shift[0], min(vt.shift[1], horizon))
        routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(end))
        routing.AddVariableMaximizedByFinalizer(tdim.CumulVar(start))
        if vt.cost_per_s:
            tdim.SetSpanCostCoefficientForVehicle(vt.cost_per_s, v)
        if j == 0:
            first_of[(t, k)] = v
            if vt.max_duration_s is not None and trips_of[t] == 1:
                tdim.SetSpanUpperBoundForVehicle(vt.max_duration_s, v)
        else:
            prev = v - 1
            used, prev_used = routing.ActiveVehicleVar(v), routing.ActiveVehicleVar(prev)
            solver.Add(used <= prev_used)
            solver.Add(
                tdim.CumulVar(start) >= tdim.CumulVar(routing.End(prev)) + vt.reload_s * used
            )
            if vt.max_duration_s is not None:
                first = routing.Start(first_of[(t, k)])
                solver.Add(tdim.CumulVar(end) - tdim.CumulVar(first) <= vt.max_duration_s)
        if vt.break_ is not None and trips_of[t] == 1:
            brk = vt.break_
            interval = solver.FixedDurationIntervalVar(
                brk.earliest_start_s, brk.latest_start_s, brk.duration_s, False, f"break {v}"
            )
            tdim.SetBreakIntervalsOfVehicle(
                [interval], v, [int(x) for x in _visit(routing, manager, service)]
            )
            used = routing.ActiveVehicleVar(v)
            solver.Add(interval.StartExpr() >= tdim.CumulVar(start))
            solver.Add(
                interval.EndExpr() <= tdim.CumulVar(end) + (1 - used) * (horizon + brk.duration_s)
            )

    for d, dim_name in enumerate(problem.dimensions):
        deliv = [0] + [s.delivery[d] for s in stops]
        pick = [0] + [s.pickup[d] for s in stops]
        caps = [problem.vehicle_types[t].capacity[d] for t, _, _ in vehicles]
        if not any(pick) or not any(deliv):
            cb = routing.RegisterUnaryTransitVector(pick if any(pick) else deliv)
            routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, f"load {dim_name}")
            continue
        onboard_cb = routing.RegisterUnaryTransitVector(
            [p - q for p, q in zip(pick, deliv, strict=True)]
        )
        routing.AddDimensionWithVehicleCapacity(onboard_cb, 0, caps, False, f"onboard {dim_name}")
        picked_cb = routing.RegisterUnaryTransitVector(pick)
        routing.AddDimension(picked_cb, 0, sum(pick), True, f"picked {dim_name}")
        onboard = routing.GetDimensionOrDie(f"onboard {dim_name}")
        picked = routing.GetDimensionOrDie(f"picked {dim_name}")
        for v in range(len(vehicles)):
            end = routing.End(v)
            solver.Add(onboard.CumulVar(end) == picked.CumulVar(end))
    return manager, routing, vehicles


def _visit(
    routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager, service: list[int]
) -> list[int]:
    """Service time per routing index (the break may not overlap a visit)."""
    out = []
    for index in range(routing.Size() + routing.vehicles()):
        node = manager.IndexToNode(index)
        out.append(service[node] if index < routing.Size() else 0)
    return out


def _routes(routing: pywrapcp.RoutingModel, solution: pywrapcp.Assignment) -> list[list[int]]:
    """Per vehicle, the routing indices it visits (start and end excluded)."""
    out = []
    for v in range(routing.vehicles()):
        seq = []
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            seq.append(index)
            index = solution.Value(routing.NextVar(index))
        out.append(seq)
    return out


def _first_solution(
    problem: RoutingProblem,
    active: list[int],
    deadline: float | None,
    first_deadline: float | None = None,
) -> tuple[list[list[int]], int] | None:
    """The best start among :data:`_FIRST_SOLUTIONS`: per-vehicle routes and the objective.

    Each heuristic runs on a model of its own, stops at its first solution and is
    cut off after a number of failed CP checks (deterministic) or at ``deadline``
    (a ``time.perf_counter`` value; ``None`` in iteration-limited runs), so one
    heuristic that thrashes cannot eat the whole search budget.  The first
    heuristic runs until ``first_deadline`` when given; the next ones start only
    before ``deadline``.  A start that
    leaves every stop out is no start.  ``None`` when every heuristic failed.
    """
    best: tuple[list[list[int]], int] | None = None
    failures = _FIRST_SOLUTION_FAILURES + _FIRST_SOLUTION_FAILURES_PER_STOP * len(active)
    for n, strategy in enumerate(_FIRST_SOLUTIONS):
        if deadline is not None and time.perf_counter() >= deadline:
            break
        until = first_deadline if n == 0 and first_deadline is not None else deadline
        _manager, routing, _vehicles = _model(problem, active)
        routing.AddSearchMonitor(routing.solver().FailuresLimit(failures))
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, strategy)
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
        )
        params.solution_limit = 1
        if until is None:
            params.time_limit.seconds = 3600
        else:
            params.time_limit.FromMilliseconds(max(1, int((until - time.perf_counter()) * 1000)))
        solution = routing.SolveWithParameters(params)
        if solution is None or routing.solver().Solutions() == 0:
            _log.debug("OR-Tools first solution %s: none", strategy)
            continue
        routes = _routes(routing, solution)
        if not any(routes):
            _log.debug("OR-Tools first solution %s: every stop left out", strategy)
            continue
        objective = int(solution.ObjectiveValue())
        _log.debug("OR-Tools first solution %s: objective %d", strategy, objective)
        if best is None or objective < best[1]:
            best = (routes, objective)
    return best


def solve(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 10.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Solve with OR-Tools (best of several first-solution heuristics, guided local search).

    Parameters
    ----------
    problem
        The routing problem.
    time_limit_s
        Search time in seconds (ignored when ``max_iterations`` is given).
    seed
        Recorded only: OR-Tools routing has no seed.
    max_iterations
        Solution limit of the search (plus a limit of ``100 * max_iterations``
        failed moves, for searches that find few solutions), making the run
        reproducible.

    Returns
    -------
    RoutingResult
        Always a result; ``feasible=False`` with violations when rules are broken.

    Raises
    ------
    SolverError
        When OR-Tools finds no assignment at all, which the all-optional
        model should make impossible.
    """
    started = time.perf_counter()
    if not problem.stops:
        return assemble_result(
            problem, [], engine="ortools", runtime_s=0.0, iterations=0, seed=seed
        )
    active = servable_stops(problem)
    deadline = first_deadline = None
    if max_iterations is None:
        deadline = started + _FIRST_SOLUTION_SHARE * time_limit_s
        first_deadline = started + _FIRST_HEURISTIC_SHARE * time_limit_s
    first = _first_solution(problem, active, deadline, first_deadline)
    manager, routing, vehicles = _model(problem, active)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.ALL_UNPERFORMED
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    if max_iterations is not None:
        params.solution_limit = max_iterations
        params.time_limit.seconds = 3600
        # A small search may never reach the solution limit: also stop after a
        # deterministic number of failed moves.
        routing.AddSearchMonitor(routing.solver().FailuresLimit(100 * max_iterations))
    else:
        budget = max(0.05, time_limit_s - (time.perf_counter() - started))
        params.time_limit.FromMilliseconds(int(budget * 1000))
    routing.CloseModelWithParameters(params)
    solution = None
    if first is not None:
        start = routing.ReadAssignmentFromRoutes(first[0], True)
        if start is not None:
            solution = routing.SolveFromAssignmentWithParameters(start, params)
        else:  # pragma: no cover - the start was found on the same model
            _log.warning("OR-Tools rejected its own first solution; starting from scratch")
    if solution is None:
        solution = routing.SolveWithParameters(params)
    if solution is None:
        raise SolverError(f"OR-Tools found no assignment (status {routing.status()})")
    sequences: dict[tuple[int, int], list[list[int]]] = defaultdict(list)
    for v, seq in enumerate(_routes(routing, solution)):
        t, k, _j = vehicles[v]
        sequences[(t, k)].append([active[manager.IndexToNode(i) - 1] for i in seq])
    raw = []
    for (t, k), trips in sequences.items():
        merged: list[int] = []
        for trip in trips:
            if trip:
                if merged:
                    merged.append(RELOAD)
                merged.extend(trip)
        raw.append(RawRoute(t, k, tuple(merged)))
    return assemble_result(
        problem,
        raw,
        engine="ortools",
        runtime_s=time.perf_counter() - started,
        iterations=int(routing.solver().Solutions()),
        seed=seed,
        repair=True,
    )
