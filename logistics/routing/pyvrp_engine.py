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
- breaks: PyVRP has none.  A first search reserves the break's duration by
  shortening the shift end and maximum duration; the shared schedule then
  inserts the break where it fits.  When a route has no room for it (or stops
  were left out), a second search models the breaks, starting from the first
  plan: every vehicle of a type with a break becomes a PyVRP type of its own
  with an optional group of *break copies*, one per place (the depot and each
  stop's location), a client with the break's window and duration reachable
  only from that place (so it costs no detour), and one at the depot must be
  followed by a stop.  Visiting a copy earns a prize, far above route costs but
  below a stop's penalty, and the vehicle's fixed cost is raised by the same
  prize: a used vehicle costs what it did, skipping its break costs the prize,
  and an idle vehicle is never used for its break alone.  The shared schedule
  still times the break (the copy only makes room for it).

When the best solution breaks a rule (e.g. more required stops than the fleet
can serve), a second search makes every stop optional with a very large prize
for required ones, so the answer is a feasible plan with unserved stops.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime

from logistics.routing.problem import RoutingProblem
from logistics.routing.result import RoutingResult
from logistics.routing.schedule import (
    RELOAD,
    RawRoute,
    assemble_result,
    build_route,
    servable_stops,
)
from territory.errors import SolverError

__all__ = ["solve"]

_log = logging.getLogger(__name__)
_FORBIDDEN = 2**34
_UNSERVED_REQUIRED = 2**36


@dataclass(frozen=True)
class _Model:
    """PyVRP data and what its indices stand for."""

    data: pyvrp.ProblemData
    #: Per PyVRP client that is a stop copy, the stop index (break copies come after).
    client_stop: list[int]
    #: Per PyVRP vehicle type: (problem type, vehicle index or None when the
    #: PyVRP type stands for every vehicle of the problem type).
    units: list[tuple[int, int | None]]
    #: Per (PyVRP vehicle type, physical location): the break copy's client index.
    break_client: dict[tuple[int, int], int]


def _data(problem: RoutingProblem, *, soft: bool, breaks: bool = False) -> _Model:
    """PyVRP data for ``problem``.

    With ``breaks``, every vehicle of a type with a break becomes a PyVRP type of
    its own, with an optional group of break copies (see :func:`_break_clients`);
    otherwise the break's duration is only reserved.
    """
    client_stop: list[int] = []
    client_window: list[tuple[int, int]] = []
    active = servable_stops(problem)
    for i in active:
        for w in problem.stops[i].windows:
            client_stop.append(i)
            client_window.append(w)
    units: list[tuple[int, int | None]] = []
    for t, vt in enumerate(problem.vehicle_types):
        if breaks and vt.break_ is not None:
            units.extend((t, k) for k in range(vt.count))
        else:
            units.append((t, None))
    # Break copies: per unit with a break, one per physical place it may be taken at.
    places = sorted({0} | {problem.stops[s].location for s in client_stop})
    break_units = [u for u, (t, k) in enumerate(units) if k is not None]
    break_client: dict[tuple[int, int], int] = {}
    break_rows: list[int] = []
    for u in break_units:
        for place in places:
            break_client[(u, place)] = len(client_stop) + len(break_rows)
            break_rows.append(place)
    nloc = 1 + len(client_stop) + len(break_rows)
    coords = problem.coordinates or ((0.0, 0.0),) * problem.num_locations
    rows = np.array(
        [0] + [problem.stops[s].location for s in client_stop] + break_rows, dtype=np.int64
    )
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

    prize = _break_prize(problem)
    for u in break_units:
        unit_break = problem.vehicle_types[units[u][0]].break_
        assert unit_break is not None
        members = [break_client[(u, place)] for place in places]
        for c in members:
            clients.append(
                pyvrp.Client(
                    location=c + 1,
                    delivery=[0] * len(problem.dimensions),
                    pickup=[0] * len(problem.dimensions),
                    service_duration=unit_break.duration_s,
                    tw_early=unit_break.earliest_start_s,
                    tw_late=unit_break.latest_start_s,
                    prize=prize,
                    required=False,
                    group=len(groups),
                    name="break",
                )
            )
        groups.append(pyvrp.ClientGroup(members, required=False))

    first_break = 1 + len(client_stop)
    phys = rows  # physical place of every PyVRP location
    profile_index: dict[tuple[str, tuple[int, ...], int | None], int] = {}
    dist_mats: list[Any] = []
    dur_mats: list[Any] = []
    vehicle_types = []
    for u, (t, k) in enumerate(units):
        vt = problem.vehicle_types[t]
        forbidden = tuple(
            c + 1 for c, s in enumerate(client_stop) if not problem.stops[s].allows(t)
        ) + tuple(c + 1 for (v, _), c in break_client.items() if v != u)
        own = u if k is not None else None
        key = (vt.profile, forbidden, own)
        if key not in profile_index:
            prof = problem.profiles[vt.profile]
            dist = np.array(prof.distance_m[np.ix_(rows, rows)], dtype=np.int64)
            dur = np.array(prof.duration_s[np.ix_(rows, rows)], dtype=np.int64)
            for mat in (dist, dur):
                if own is not None:
                    # A break copy is reached only from its own place (it is taken
                    # where the vehicle is), and one at the depot must be followed
                    # by a stop (no route made of a break alone).
                    for place in places:
                        b = break_client[(own, place)] + 1
                        mat[phys != place, b] = _FORBIDDEN
                        mat[first_break:, b] = _FORBIDDEN
                        if place == 0:
                            mat[b, phys == 0] = _FORBIDDEN
                if forbidden:
                    fb = list(forbidden)
                    mat[fb, :] = _FORBIDDEN
                    mat[:, fb] = _FORBIDDEN
                mat[np.arange(nloc), np.arange(nloc)] = 0
            profile_index[key] = len(dist_mats)
            dist_mats.append(dist)
            dur_mats.append(dur)
        brk = vt.break_.duration_s if vt.break_ is not None and k is None else 0
        kwargs: dict[str, Any] = {}
        if vt.max_duration_s is not None:
            kwargs["shift_duration"] = max(0, vt.max_duration_s - brk)
        if vt.max_trips > 1:
            kwargs["reload_depots"] = [reload_depot[vt.reload_s]]
            kwargs["max_reloads"] = vt.max_trips - 1
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=vt.count if k is None else 1,
                capacity=list(vt.capacity),
                start_depot=0,
                end_depot=0,
                # A used vehicle pays the break's prize back: using it costs its
                # fixed cost as before, skipping its break costs the prize.
                fixed_cost=vt.fixed_cost + (prize if k is not None else 0),
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
    return _Model(data, client_stop, units, break_client)


def _break_prize(problem: RoutingProblem) -> int:
    """Prize of a break copy: far above route costs, below an unserved stop's penalty.

    So that a vehicle rather takes its break than not, and a stop is rather
    served by opening a vehicle (fixed cost + prize, repaid by the break) than
    left out.
    """
    penalties = [s.penalty for s in problem.stops if not s.required and s.penalty > 0]
    return max(1, min(penalties) // 2) if penalties else _UNSERVED_REQUIRED // 2


def _raw_routes(solution: pyvrp.Solution, model: _Model) -> list[RawRoute]:
    counters: dict[int, int] = {}
    out = []
    for route in solution.routes():
        t, k = model.units[route.vehicle_type()]
        seq: list[int] = []
        schedule = route.schedule()
        for act in schedule[1:-1]:
            if act.type == pyvrp.ActivityType.DEPOT:
                seq.append(RELOAD)
            elif act.type == pyvrp.ActivityType.CLIENT:
                if act.idx < len(model.client_stop):
                    seq.append(model.client_stop[act.idx])
                # else a break copy: the shared schedule places the break
            else:  # shipments are not used by this backend
                raise SolverError(f"PyVRP returned an unexpected activity {act.type}")
        if k is None:
            k = counters.get(t, 0)
            counters[t] = k + 1
        out.append(RawRoute(t, k, tuple(seq)))
    return out


def _with_breaks(
    problem: RoutingProblem, model: _Model, raw_routes: list[RawRoute]
) -> pyvrp.Solution:
    """``raw_routes`` as a solution of the break-aware ``model``.

    Each route is timed by the shared schedule; its break becomes the break copy
    at the place where the schedule takes it, and each stop the copy of the
    window the schedule uses.  Feasible or not, it is a start for the search.
    """
    unit_of = {(t, k): u for u, (t, k) in enumerate(model.units) if k is not None}
    type_of = {t: u for u, (t, k) in enumerate(model.units) if k is None}
    copies: dict[int, list[int]] = {}
    for c, i in enumerate(model.client_stop):
        copies.setdefault(i, []).append(c)
    reload_depot = {
        u: vt.reload_depots[0]
        for u, vt in enumerate(model.data.vehicle_types())
        if vt.reload_depots
    }
    routes = []
    for raw in raw_routes:
        if not any(i != RELOAD for i in raw.sequence):
            continue
        key = (raw.vehicle_type, raw.vehicle_index)
        u = unit_of[key] if key in unit_of else type_of[raw.vehicle_type]
        route = build_route(problem, raw.vehicle_type, raw.vehicle_index, raw.sequence)
        acts: list[pyvrp.Activity] = []
        place = 0
        for visit in route.visits[1:-1]:
            if visit.kind == "stop":
                client = copies[visit.index][visit.window or 0]
                acts.append(pyvrp.Activity(pyvrp.ActivityType.CLIENT, client))
                place = visit.location
            elif visit.kind == "reload":
                acts.append(pyvrp.Activity(pyvrp.ActivityType.DEPOT, reload_depot[u]))
                place = 0
            elif visit.kind == "break" and (u, place) in model.break_client:
                acts.append(
                    pyvrp.Activity(pyvrp.ActivityType.CLIENT, model.break_client[(u, place)])
                )
        routes.append(pyvrp.Route(model.data, acts, u))
    return pyvrp.Solution(model.data, routes)


def _run(
    data: pyvrp.ProblemData,
    time_limit_s: float,
    seed: int,
    max_iterations: int | None,
    initial: pyvrp.Solution | None = None,
) -> pyvrp.Result:
    stop = MaxIterations(max_iterations) if max_iterations is not None else MaxRuntime(time_limit_s)
    try:
        return pyvrp.solve(
            data, stop, seed=seed, collect_stats=False, display=False, initial_solution=initial
        )
    except (RuntimeError, ValueError, IndexError) as exc:  # pragma: no cover - solver failure
        raise SolverError(f"PyVRP failed: {exc}") from exc


def _needs_break_search(problem: RoutingProblem, raw_routes: list[RawRoute]) -> bool:
    """Whether a route of a vehicle with a break breaks a rule as planned."""
    from logistics.routing.verify import verify_route

    for raw in raw_routes:
        if problem.vehicle_types[raw.vehicle_type].break_ is None:
            continue
        if any(i != RELOAD for i in raw.sequence):
            route = build_route(problem, raw.vehicle_type, raw.vehicle_index, raw.sequence)
            if verify_route(problem, route):
                return True
    return False


def solve(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 10.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Solve with PyVRP's iterated local search.

    When vehicles have breaks, the first search only reserves their duration
    and gets half the budget; if a route then has no room for its break, a
    second search models the breaks (:func:`_data` with ``breaks=True``),
    starting from the first plan, and the better plan is kept.

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
    model = _data(problem, soft=False)
    if not model.client_stop:
        return assemble_result(problem, [], engine="pyvrp", runtime_s=0.0, iterations=0, seed=seed)
    has_breaks = any(vt.break_ is not None for vt in problem.vehicle_types)
    share = 0.5 if has_breaks else 1.0
    iters = None if max_iterations is None else max(1, int(max_iterations * share))
    res = _run(model.data, time_limit_s * share, seed, iters)
    iterations = res.num_iterations
    notes: list[str] = []
    raw = _raw_routes(res.best, model)
    soft_used = False
    result = assemble_result(
        problem,
        raw,
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
        soft_model = _data(problem, soft=True)
        budget = max(0.5, time_limit_s * share / 2)
        soft_iters = None if iters is None else max(1, iters // 2)
        res2 = _run(soft_model.data, budget, seed, soft_iters)
        iterations += res2.num_iterations
        raw2 = _raw_routes(res2.best, soft_model)
        soft = assemble_result(
            problem,
            raw2,
            engine="pyvrp",
            runtime_s=time.perf_counter() - started,
            iterations=iterations,
            seed=seed,
            notes=notes,
            repair=True,
        )
        if _rank(soft) < _rank(result):
            result, raw, soft_used = soft, raw2, True
    left_out = set(result.unserved) & set(model.client_stop)
    if has_breaks and (left_out or _needs_break_search(problem, raw)):
        _log.info("PyVRP plan short of room for breaks; searching again with breaks modelled")
        break_model = _data(problem, soft=soft_used, breaks=True)
        start = _with_breaks(problem, break_model, raw)
        budget = max(0.5, time_limit_s - (time.perf_counter() - started))
        break_iters = None
        if max_iterations is not None and iters is not None:
            break_iters = max(1, max_iterations - iters)
        res3 = _run(break_model.data, budget, seed, break_iters, start)
        iterations += res3.num_iterations
        again = assemble_result(
            problem,
            _raw_routes(res3.best, break_model),
            engine="pyvrp",
            runtime_s=time.perf_counter() - started,
            iterations=iterations,
            seed=seed,
            notes=(*notes, "breaks left too little room; searched again with breaks modelled"),
            repair=True,
        )
        if _rank(again) < _rank(result):
            result = again
    return result


def _rank(result: RoutingResult) -> tuple[int, int, int]:
    """Fewer broken rules first (bar unserved required stops), then cost."""
    other = sum("required but not served" not in v for v in result.violations)
    return (other, len(result.violations), result.cost)
