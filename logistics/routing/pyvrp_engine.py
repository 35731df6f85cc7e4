"""PyVRP backend.  PyVRP objects never leave this module.

How the neutral problem maps onto PyVRP 0.14:

- every stop copy gets its own PyVRP location (a copy of its matrix row), so
  that vehicle-type compatibility can be expressed per location;
- several windows: one client per window, gathered in a mutually exclusive
  :class:`pyvrp.ClientGroup` (required when the stop is); the copies are
  optional clients;
- optional stops: ``required=False`` with ``prize = penalty``;
- compatibility: one PyVRP profile per (travel profile, forbidden stops) pair;
  edges to and from forbidden stops cost :data:`_FORBIDDEN` in distance and
  duration (the duration alone makes such a visit infeasible);
- multi-trip: a reload depot at location 0 whose service time is ``reload_s``,
  ``max_reloads = max_trips - 1``;
- pickups and deliveries: PyVRP's simultaneous pickup and delivery loads;
- shift: ``tw_early``/``tw_late``; ``max_duration_s``: ``shift_duration``;
- stops no vehicle can serve on a route of their own are left out (unserved);
- breaks: PyVRP has none.  The break's duration is reserved by shortening the
  shift end and maximum duration; the shared schedule then inserts the break
  where it fits, and :func:`verify` flags a route where it does not.

When the best solution breaks a rule (e.g. more required stops than the fleet
can serve), a second search makes every stop optional with a very large prize
for required ones, so the answer is a feasible plan with unserved stops.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime

from geo.errors import SolverError
from logistics.routing.problem import RoutingProblem
from logistics.routing.result import RoutingResult
from logistics.routing.schedule import (
    RELOAD,
    RawRoute,
    assemble_result,
    servable_stops,
)

__all__ = ["solve"]

_log = logging.getLogger(__name__)
_FORBIDDEN = 2**34
_UNSERVED_REQUIRED = 2**36


def _data(problem: RoutingProblem, *, soft: bool) -> tuple[pyvrp.ProblemData, list[int]]:
    """ProblemData and, per PyVRP client, the stop index it stands for."""
    client_stop: list[int] = []
    client_window: list[tuple[int, int]] = []
    active = servable_stops(problem)
    for i in active:
        for w in problem.stops[i].windows:
            client_stop.append(i)
            client_window.append(w)
    nloc = 1 + len(client_stop)
    coords = problem.coordinates or ((0.0, 0.0),) * problem.num_locations
    rows = np.array([0] + [problem.stops[s].location for s in client_stop], dtype=np.int64)
    locations = [pyvrp.Location(x=coords[r][0], y=coords[r][1]) for r in rows]

    depots = [pyvrp.Depot(location=0)]
    reload_depot: dict[int, int] = {}
    for vt in problem.vehicle_types:
        if vt.max_trips > 1 and vt.reload_s not in reload_depot:
            reload_depot[vt.reload_s] = len(depots)
            depots.append(pyvrp.Depot(location=0, service_duration=vt.reload_s))

    groups: list[pyvrp.ClientGroup] = []
    group_of: dict[int, int] = {}
    for i in active:
        stop = problem.stops[i]
        if len(stop.windows) > 1:
            group_of[i] = len(groups)
            members = [c for c, s in enumerate(client_stop) if s == i]
            groups.append(pyvrp.ClientGroup(members, required=stop.required and not soft))

    clients = []
    for c, (i, (early, late)) in enumerate(zip(client_stop, client_window, strict=True)):
        stop = problem.stops[i]
        in_group = i in group_of
        required = stop.required and not soft and not in_group
        if stop.required and not soft:
            prize = 0  # a required client, or one copy of a required group
        else:
            prize = stop.penalty + (_UNSERVED_REQUIRED if stop.required else 0)
        clients.append(
            pyvrp.Client(
                location=c + 1,
                delivery=list(stop.delivery),
                pickup=list(stop.pickup),
                service_duration=stop.service_s,
                tw_early=early,
                tw_late=late,
                prize=prize,
                required=required,
                group=group_of.get(i),
                name=stop.label,
            )
        )

    profile_index: dict[tuple[str, tuple[int, ...]], int] = {}
    dist_mats: list[Any] = []
    dur_mats: list[Any] = []
    vehicle_types = []
    for t, vt in enumerate(problem.vehicle_types):
        forbidden = tuple(
            c + 1 for c, s in enumerate(client_stop) if not problem.stops[s].allows(t)
        )
        key = (vt.profile, forbidden)
        if key not in profile_index:
            prof = problem.profiles[vt.profile]
            dist = np.array(prof.distance_m[np.ix_(rows, rows)], dtype=np.int64)
            dur = np.array(prof.duration_s[np.ix_(rows, rows)], dtype=np.int64)
            if forbidden:
                fb = list(forbidden)
                for mat in (dist, dur):
                    mat[fb, :] = _FORBIDDEN
                    mat[:, fb] = _FORBIDDEN
                    mat[np.arange(nloc), np.arange(nloc)] = 0
            profile_index[key] = len(dist_mats)
            dist_mats.append(dist)
            dur_mats.append(dur)
        brk = vt.break_.duration_s if vt.break_ is not None else 0
        kwargs: dict[str, Any] = {}
        if vt.max_duration_s is not None:
            kwargs["shift_duration"] = max(0, vt.max_duration_s - brk)
        if vt.max_trips > 1:
            kwargs["reload_depots"] = [reload_depot[vt.reload_s]]
            kwargs["max_reloads"] = vt.max_trips - 1
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=vt.count,
                capacity=list(vt.capacity),
                start_depot=0,
                end_depot=0,
                fixed_cost=vt.fixed_cost,
                tw_early=vt.shift[0],
                tw_late=max(vt.shift[0], vt.shift[1] - brk),
                unit_distance_cost=vt.cost_per_m,
                unit_duration_cost=vt.cost_per_s,
                profile=profile_index[key],
                name=vt.label,
                **kwargs,
            )
        )
    data = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=dist_mats,
        duration_matrices=dur_mats,
        groups=groups,
    )
    return data, client_stop


def _raw_routes(solution: pyvrp.Solution, client_stop: list[int]) -> list[RawRoute]:
    counters: dict[int, int] = {}
    out = []
    for route in solution.routes():
        t = route.vehicle_type()
        seq: list[int] = []
        schedule = route.schedule()
        for act in schedule[1:-1]:
            if act.type == pyvrp.ActivityType.DEPOT:
                seq.append(RELOAD)
            elif act.type == pyvrp.ActivityType.CLIENT:
                seq.append(client_stop[act.idx])
            else:  # shipments are not used by this backend
                raise SolverError(f"PyVRP returned an unexpected activity {act.type}")
        k = counters.get(t, 0)
        counters[t] = k + 1
        out.append(RawRoute(t, k, tuple(seq)))
    return out


def _run(
    data: pyvrp.ProblemData, time_limit_s: float, seed: int, max_iterations: int | None
) -> pyvrp.Result:
    stop = MaxIterations(max_iterations) if max_iterations is not None else MaxRuntime(time_limit_s)
    try:
        return pyvrp.solve(data, stop, seed=seed, collect_stats=False, display=False)
    except (RuntimeError, ValueError, IndexError) as exc:  # pragma: no cover - solver failure
        raise SolverError(f"PyVRP failed: {exc}") from exc


def solve(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 10.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Solve with PyVRP's iterated local search.

    Parameters
    ----------
    problem
        The routing problem.
    time_limit_s
        Search time in seconds (ignored when ``max_iterations`` is given, so
        that a run is reproducible).
    seed
        PyVRP's random seed.
    max_iterations
        Stop after that many iterations instead of after ``time_limit_s``.

    Returns
    -------
    RoutingResult
        Always a result; ``feasible=False`` with violations when rules are broken.

    Raises
    ------
    SolverError
        When PyVRP itself fails.
    """
    started = time.perf_counter()
    data, client_stop = _data(problem, soft=False)
    if not client_stop:
        return assemble_result(problem, [], engine="pyvrp", runtime_s=0.0, iterations=0, seed=seed)
    res = _run(data, time_limit_s, seed, max_iterations)
    iterations = res.num_iterations
    notes: list[str] = []
    result = assemble_result(
        problem,
        _raw_routes(res.best, client_stop),
        engine="pyvrp",
        runtime_s=time.perf_counter() - started,
        iterations=iterations,
        seed=seed,
        repair=True,
    )
    hard = any(s.required for s in problem.stops)
    if not result.feasible and hard and not res.is_feasible():
        _log.info("PyVRP found no feasible plan serving every required stop; relaxing them")
        notes.append("no plan served every required stop; searched again with them optional")
        soft_data, client_stop = _data(problem, soft=True)
        budget = max(0.5, time_limit_s / 2)
        iters = None if max_iterations is None else max(1, max_iterations // 2)
        res2 = _run(soft_data, budget, seed, iters)
        iterations += res2.num_iterations
        soft = assemble_result(
            problem,
            _raw_routes(res2.best, client_stop),
            engine="pyvrp",
            runtime_s=time.perf_counter() - started,
            iterations=iterations,
            seed=seed,
            notes=notes,
            repair=True,
        )
        if _rank(soft) < _rank(result):
            result = soft
    return result


def _rank(result: RoutingResult) -> tuple[int, int, int]:
    """Fewer broken rules first (bar unserved required stops), then cost."""
    other = sum("required but not served" not in v for v in result.violations)
    return (other, len(result.violations), result.cost)
