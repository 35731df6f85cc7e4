"""Independent problem-level checker of a routing result.

:func:`verify` recomputes every figure of a :class:`RoutingResult` from the
problem's matrices and stops: it never trusts an engine and does not use
:mod:`logistics.routing.schedule`.  Each violation is a sentence a coordinator
can read.
"""

from __future__ import annotations

from collections import Counter

from logistics.routing.problem import RoutingProblem
from logistics.routing.result import VISIT_KINDS, Route, RouteViolation, RoutingResult

__all__ = ["verify", "verify_route"]


def _name(problem: RoutingProblem, stop: int) -> str:
    label = problem.stops[stop].label
    return f"stop {stop}" + (f" ({label})" if label else "")


def _vehicle(problem: RoutingProblem, route: Route) -> str:
    vt = problem.vehicle_types[route.vehicle_type]
    name = vt.label or f"type {route.vehicle_type}"
    return f"vehicle {name} #{route.vehicle_index}"


def _check_route(problem: RoutingProblem, r: int, route: Route) -> tuple[list[RouteViolation], int]:
    """Violations of one route and its recomputed cost."""
    out: list[RouteViolation] = []

    def bad(message: str, stop: int | None = None) -> None:
        out.append(RouteViolation(f"{_vehicle(problem, route)}: {message}", route=r, stop=stop))

    if not 0 <= route.vehicle_type < len(problem.vehicle_types):
        out.append(RouteViolation(f"route {r} uses unknown vehicle type {route.vehicle_type}", r))
        return out, 0
    vt = problem.vehicle_types[route.vehicle_type]
    prof = problem.profiles[vt.profile]
    ndim = len(problem.dimensions)
    visits = route.visits
    if not 0 <= route.vehicle_index < vt.count:
        bad(f"vehicle index {route.vehicle_index} is beyond the {vt.count} available")
    if len(visits) < 2 or visits[0].kind != "start" or visits[-1].kind != "end":
        bad("the route must begin with 'start' and finish with 'end'")
        return out, 0
    for v in visits:
        if v.kind not in VISIT_KINDS:
            bad(f"unknown visit kind {v.kind!r}")
            return out, 0
        if v.kind in ("start", "reload", "end") and v.location != 0:
            bad(f"'{v.kind}' must be at the depot, not at location {v.location}")
        if v.kind == "stop" and not 0 <= v.index < len(problem.stops):
            bad(f"visits unknown stop {v.index}")
            return out, 0
        if len(v.load_after) != ndim:
            bad(f"load_after has {len(v.load_after)} values for {ndim} dimensions")
            return out, 0

    # Trips and loads: deliveries of a trip are on board when it leaves the depot.
    trips: list[list[int]] = [[]]
    for v in visits[1:-1]:
        if v.kind == "reload":
            trips.append([])
        elif v.kind == "stop":
            trips[-1].append(v.index)
    if len(trips) > vt.max_trips:
        bad(f"makes {len(trips)} trips, at most {vt.max_trips} allowed")
    trip = 0
    load = [sum(problem.stops[s].delivery[k] for s in trips[0]) for k in range(ndim)]
    cap = vt.capacity

    def check_load(where: str, stop: int | None = None) -> None:
        for k in range(ndim):
            if load[k] > cap[k]:
                bad(
                    f"carries {load[k]} {problem.dimensions[k]} {where}, "
                    f"above its capacity {cap[k]}",
                    stop,
                )

    check_load("when leaving the depot")
    distance = 0
    prev = visits[0]
    loc = 0
    if prev.departure_s < vt.shift[0]:
        bad(f"leaves the depot at {prev.departure_s} s, before its shift starts ({vt.shift[0]} s)")
    breaks = []
    for v in visits[1:]:
        if v.kind == "break":
            travel_d, travel_t = 0, 0
            if v.location != loc:
                bad(f"takes its break at location {v.location} but is at location {loc}")
        else:
            to = problem.stops[v.index].location if v.kind == "stop" else 0
            if v.kind == "stop" and v.location != to:
                bad(f"reports location {v.location} for {_name(problem, v.index)} (at {to})")
            travel_d, travel_t = int(prof.distance_m[loc, to]), int(prof.duration_s[loc, to])
            loc = to
        distance += travel_d
        if v.arrival_s < prev.departure_s + travel_t:
            bad(
                f"arrives at {v.arrival_s} s after leaving at {prev.departure_s} s, "
                f"but the drive takes {travel_t} s"
            )
        if v.start_service_s < v.arrival_s or v.departure_s < v.start_service_s:
            bad(f"times of a '{v.kind}' visit are out of order")
        if v.kind == "stop":
            stop = problem.stops[v.index]
            if not stop.allows(route.vehicle_type):
                bad(f"may not serve {_name(problem, v.index)} (vehicle type not allowed)", v.index)
            t0 = v.start_service_s
            if not any(a <= t0 <= b for a, b in stop.windows):
                wins = ", ".join(f"[{a}, {b}]" for a, b in stop.windows)
                bad(
                    f"starts serving {_name(problem, v.index)} at {t0} s, outside its windows "
                    f"{wins}",
                    v.index,
                )
            if v.departure_s < t0 + stop.service_s:
                bad(f"leaves {_name(problem, v.index)} before its service is done", v.index)
            load = [a - d + p for a, d, p in zip(load, stop.delivery, stop.pickup, strict=True)]
            check_load(f"after {_name(problem, v.index)}", v.index)
        elif v.kind == "reload":
            if v.departure_s < v.start_service_s + vt.reload_s:
                bad(f"reloads in {v.departure_s - v.start_service_s} s, needs {vt.reload_s} s")
            trip += 1
            load = [sum(problem.stops[s].delivery[k] for s in trips[trip]) for k in range(ndim)]
            check_load(f"when leaving the depot on trip {trip + 1}")
        elif v.kind == "break":
            breaks.append(v)
        elif v.kind == "end":
            load = [0] * ndim
        if v.kind != "end" and tuple(load) != tuple(v.load_after):
            bad(f"reports load {list(v.load_after)} after a '{v.kind}' visit, recomputed {load}")
        prev = v
    end = visits[-1].arrival_s
    if end > vt.shift[1]:
        bad(f"returns to the depot at {end} s, after its shift ends ({vt.shift[1]} s)")
    duration = end - visits[0].departure_s
    if vt.max_duration_s is not None and duration > vt.max_duration_s:
        bad(f"route lasts {duration} s, longer than the {vt.max_duration_s} s allowed")
    brk = vt.break_
    if brk is None:
        if breaks:
            bad("takes a break although its type has none")
    elif len(breaks) != 1:
        bad(f"must take exactly one break, takes {len(breaks)}")
    else:
        b = breaks[0]
        if not brk.earliest_start_s <= b.start_service_s <= brk.latest_start_s:
            bad(
                f"starts its break at {b.start_service_s} s, outside "
                f"[{brk.earliest_start_s}, {brk.latest_start_s}]"
            )
        if b.departure_s - b.start_service_s < brk.duration_s:
            bad(f"break lasts {b.departure_s - b.start_service_s} s, needs {brk.duration_s} s")
    if distance != route.distance_m:
        bad(f"reports distance {route.distance_m}, recomputed {distance}")
    if duration != route.duration_s:
        bad(f"reports duration {route.duration_s} s, recomputed {duration} s")
    cost = vt.fixed_cost + vt.cost_per_m * distance + vt.cost_per_s * duration
    if cost != route.cost:
        bad(f"reports cost {route.cost}, recomputed {cost}")
    return out, cost


def verify_route(problem: RoutingProblem, route: Route) -> list[RouteViolation]:
    """Violations of one route on its own (loads, windows, shift, break, figures)."""
    return _check_route(problem, 0, route)[0]


def verify(problem: RoutingProblem, result: RoutingResult) -> list[RouteViolation]:
    """Check a result against every rule of the problem.

    Checks: each required stop served exactly once and no stop twice; the
    ``unserved`` list; loads per dimension never above capacity at any point of
    any trip; service starting in one of the stop's windows; shift start/end
    and maximum duration; vehicle-type compatibility; number of trips; the
    break; travel times and distances against the matrices; number of vehicles
    per type; and the total cost.

    Returns
    -------
    list[RouteViolation]
        Empty when the result is feasible and consistent.
    """
    out: list[RouteViolation] = []
    cost = 0
    seen: Counter[int] = Counter()
    used: Counter[tuple[int, int]] = Counter()
    for r, route in enumerate(result.routes):
        violations, route_cost = _check_route(problem, r, route)
        out += violations
        cost += route_cost
        seen.update(route.stops)
        used[(route.vehicle_type, route.vehicle_index)] += 1
    for (t, k), n in used.items():
        if n > 1:
            out.append(RouteViolation(f"vehicle type {t} #{k} drives {n} routes"))
    for i, n in sorted(seen.items()):
        if n > 1 and 0 <= i < len(problem.stops):
            out.append(RouteViolation(f"{_name(problem, i)} is served {n} times", stop=i))
    unserved = set(result.unserved)
    for i, stop in enumerate(problem.stops):
        if i not in seen:
            if stop.required:
                out.append(
                    RouteViolation(f"{_name(problem, i)} is required but not served", stop=i)
                )
            if i not in unserved:
                out.append(
                    RouteViolation(f"{_name(problem, i)} is not served nor listed unserved", stop=i)
                )
            cost += stop.penalty
        elif i in unserved:
            out.append(
                RouteViolation(f"{_name(problem, i)} is listed unserved but is served", stop=i)
            )
    for i in unserved:
        if not 0 <= i < len(problem.stops):
            out.append(RouteViolation(f"unserved list names unknown stop {i}"))
    if len(result.unserved) != len(unserved):
        out.append(RouteViolation("the unserved list has duplicates"))
    if cost != result.cost:
        out.append(RouteViolation(f"reported cost {result.cost}, recomputed {cost}"))
    return out
