"""The one schedule function shared by every engine.

Engines only decide *which vehicle visits which stops in which order* (a
sequence of stop indices, with :data:`RELOAD` marking a return to the depot to
reload).  Everything timed — arrivals, waiting, the window used, the break,
loads, distances, costs — is computed here from the problem's matrices, so
results of different engines are comparable and an engine's own clock is never
trusted.

Schedule rule: *earliest start*.  The vehicle drives on at once, waits when
early, and uses the earliest window whose end it can still meet.  The departure
from the depot is then pushed as late as possible without delaying the return
(forward time slack), so waiting before the first stop does not count as route
duration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from logistics.routing.problem import RoutingProblem, VehicleType
from logistics.routing.result import Route, RoutingResult, Visit

__all__ = [
    "RELOAD",
    "RawRoute",
    "assemble_result",
    "build_route",
    "reinsert_stops",
    "repair_routes",
    "route_cost",
    "servable_stops",
]

#: Marker in a stop sequence: go back to the depot, unload pickups, load the next trip.
RELOAD = -1


@dataclass(frozen=True)
class RawRoute:
    """An engine's answer for one vehicle: type, index within the type, stop sequence."""

    vehicle_type: int
    vehicle_index: int
    sequence: tuple[int, ...]


@dataclass
class _Event:
    kind: str
    index: int
    location: int
    arrival: int
    start: int
    departure: int
    latest: int | None
    window: int | None
    dist: int
    dur: int


def route_cost(vt: VehicleType, distance: int, duration: int) -> int:
    """Cost of one used vehicle: fixed + per distance unit + per second of duration."""
    return vt.fixed_cost + vt.cost_per_m * distance + vt.cost_per_s * duration


def _simulate(
    problem: RoutingProblem,
    vt: VehicleType,
    sequence: Sequence[int],
    break_position: int | None,
    depart: int,
) -> list[_Event]:
    prof = problem.profiles[vt.profile]
    dur_m, dist_m = prof.duration_s, prof.distance_m
    events = [_Event("start", 0, 0, depart, depart, depart, None, None, 0, 0)]
    t, loc = depart, 0

    def take_break() -> None:
        nonlocal t
        brk = vt.break_
        assert brk is not None
        start = max(t, brk.earliest_start_s)
        events.append(
            _Event(
                "break", loc, loc, t, start, start + brk.duration_s, brk.latest_start_s, None, 0, 0
            )
        )
        t = start + brk.duration_s

    for pos, item in enumerate(sequence):
        if break_position == pos:
            take_break()
        if item == RELOAD:
            d, dd = int(dist_m[loc, 0]), int(dur_m[loc, 0])
            arr = t + dd
            events.append(_Event("reload", 0, 0, arr, arr, arr + vt.reload_s, None, None, d, dd))
            t, loc = arr + vt.reload_s, 0
            continue
        stop = problem.stops[item]
        d, dd = int(dist_m[loc, stop.location]), int(dur_m[loc, stop.location])
        arr = t + dd
        window, start, latest = None, arr, None
        for w, (ws, we) in enumerate(stop.windows):
            if arr <= we:
                window, start, latest = w, max(arr, ws), we
                break
        events.append(
            _Event(
                "stop",
                item,
                stop.location,
                arr,
                start,
                start + stop.service_s,
                latest,
                window,
                d,
                dd,
            )
        )
        t, loc = start + stop.service_s, stop.location
    if break_position == len(sequence):
        take_break()
    d, dd = int(dist_m[loc, 0]), int(dur_m[loc, 0])
    events.append(_Event("end", 0, 0, t + dd, t + dd, t + dd, None, None, d, dd))
    return events


def _latest_departure(events: list[_Event]) -> int:
    """How much later the vehicle may leave without changing its return time."""
    waited = 0
    delay: int | None = None
    for ev in events[1:]:
        waited += ev.start - ev.arrival
        if ev.latest is not None and ev.start <= ev.latest:
            slack = waited + ev.latest - ev.start
            delay = slack if delay is None else min(delay, slack)
    return max(0, waited if delay is None else min(delay, waited))


def _timed(
    problem: RoutingProblem, vt: VehicleType, sequence: Sequence[int], break_position: int | None
) -> list[_Event]:
    events = _simulate(problem, vt, sequence, break_position, vt.shift[0])
    shift = _latest_departure(events)
    if shift:
        events = _simulate(problem, vt, sequence, break_position, vt.shift[0] + shift)
    return events


def _badness(vt: VehicleType, events: list[_Event]) -> tuple[int, int]:
    late = sum(ev.latest is not None and ev.start > ev.latest for ev in events)
    late += sum(ev.kind == "stop" and ev.window is None for ev in events)
    end, begin = events[-1].arrival, events[0].departure
    late += end > vt.shift[1]
    if vt.max_duration_s is not None:
        late += end - begin > vt.max_duration_s
    return late, end - begin


def build_route(
    problem: RoutingProblem,
    vehicle_type: int,
    vehicle_index: int,
    sequence: Sequence[int],
    *,
    break_position: int | None = None,
) -> Route:
    """Time a stop sequence into a :class:`Route` (earliest-start schedule).

    Parameters
    ----------
    problem
        The problem whose matrices and stops the sequence refers to.
    vehicle_type, vehicle_index
        The vehicle driving the route.
    sequence
        Stop indices in order, with :data:`RELOAD` between trips.
    break_position
        Where to take the type's break: after that many items of ``sequence``
        (0 = right after leaving the depot).  ``None`` picks the position that
        breaks the fewest rules, then gives the shortest route.

    Returns
    -------
    Route
        Timed visits, loads after each visit, distance, duration and cost.
        A schedule that breaks rules is still returned; :func:`verify` says which.
    """
    vt = problem.vehicle_types[vehicle_type]
    seq = list(sequence)
    while seq and seq[-1] == RELOAD:
        seq.pop()
    while seq and seq[0] == RELOAD:
        seq.pop(0)
    has_stops = any(i != RELOAD for i in seq)
    if vt.break_ is None or not has_stops:
        events = _timed(problem, vt, seq, None)
    elif break_position is not None:
        events = _timed(problem, vt, seq, break_position)
    else:
        best: tuple[tuple[int, int], list[_Event]] | None = None
        for pos in range(len(seq) + 1):
            evs = _timed(problem, vt, seq, pos)
            score = _badness(vt, evs)
            if best is None or score < best[0]:
                best = (score, evs)
        assert best is not None
        events = best[1]
    # Loads: deliveries of a trip are on board when it starts; pickups accumulate.
    ndim = len(problem.dimensions)
    trips: list[list[int]] = [[]]
    for item in seq:
        if item == RELOAD:
            trips.append([])
        else:
            trips[-1].append(item)

    def loaded(trip: int) -> list[int]:
        tot = [0] * ndim
        for s in trips[trip]:
            for k, q in enumerate(problem.stops[s].delivery):
                tot[k] += q
        return tot

    trip = 0
    load = loaded(0)
    visits = []
    for ev in events:
        if ev.kind == "stop":
            stop = problem.stops[ev.index]
            load = [a - d + p for a, d, p in zip(load, stop.delivery, stop.pickup, strict=True)]
        elif ev.kind == "reload":
            trip += 1
            load = loaded(trip)
        elif ev.kind == "end":
            load = [0] * ndim
        visits.append(
            Visit(
                kind=ev.kind,
                index=ev.index,
                location=ev.location,
                arrival_s=ev.arrival,
                start_service_s=ev.start,
                departure_s=ev.departure,
                load_after=tuple(load),
                distance_m_from_prev=ev.dist,
                duration_s_from_prev=ev.dur,
                trip=trip,
                window=ev.window,
            )
        )
    distance = sum(v.distance_m_from_prev for v in visits)
    duration = visits[-1].arrival_s - visits[0].departure_s
    return Route(
        vehicle_type=vehicle_type,
        vehicle_index=vehicle_index,
        visits=tuple(visits),
        distance_m=distance,
        duration_s=duration,
        cost=route_cost(vt, distance, duration),
    )


def servable_stops(problem: RoutingProblem) -> list[int]:
    """Stops that at least one allowed vehicle type can serve on a route of their own.

    The others can never be served; engines leave them out of their models and
    they come back as ``unserved`` (a required one makes the result infeasible).
    """
    from logistics.routing.verify import verify_route

    out = []
    for i, stop in enumerate(problem.stops):
        for t in range(len(problem.vehicle_types)):
            if stop.allows(t) and not verify_route(problem, build_route(problem, t, 0, [i])):
                out.append(i)
                break
    return out


def repair_routes(problem: RoutingProblem, raw_routes: Sequence[RawRoute]) -> list[RawRoute]:
    """Drop stops from rule-breaking routes until each route verifies.

    A last resort for an engine answer that breaks rules (late, overloaded,
    no room for the break): the dropped stops become unserved, which is data.
    Each step removes the stop whose removal leaves the fewest violations,
    then the cheapest route.
    """
    from logistics.routing.verify import verify_route

    def score(r: RawRoute) -> tuple[int, int]:
        route = build_route(problem, r.vehicle_type, r.vehicle_index, r.sequence)
        return len(verify_route(problem, route)), route.cost

    out = []
    for raw in raw_routes:
        current = raw
        while any(i != RELOAD for i in current.sequence) and score(current)[0]:
            seq = current.sequence
            candidates = [
                RawRoute(raw.vehicle_type, raw.vehicle_index, seq[:k] + seq[k + 1 :])
                for k, item in enumerate(seq)
                if item != RELOAD
            ]
            current = min(candidates, key=score)
        out.append(current)
    return out


def reinsert_stops(
    problem: RoutingProblem, raw_routes: Sequence[RawRoute], stops: Sequence[int]
) -> list[RawRoute]:
    """Insert ``stops`` back where they fit, cheapest first; the others stay out.

    Candidates are every position of every vehicle's sequence (unused vehicles
    included, and a new trip after the last one when the type allows it).  A
    stop goes to the cheapest position whose route still verifies, when that
    costs less than the stop's penalty (a required stop always goes in).
    Used after :func:`repair_routes`, so that a stop dropped to make room for a
    break can move to another vehicle instead of staying unserved.
    """
    from logistics.routing.verify import verify_route

    routes: dict[tuple[int, int], tuple[int, ...]] = {
        (r.vehicle_type, r.vehicle_index): r.sequence for r in raw_routes
    }
    order = [(r.vehicle_type, r.vehicle_index) for r in raw_routes]
    for t, vt in enumerate(problem.vehicle_types):
        for k in range(vt.count):
            if (t, k) not in routes:
                routes[(t, k)] = ()
                order.append((t, k))
    cache: dict[tuple[int, int, tuple[int, ...]], int | None] = {}

    def cost(t: int, k: int, seq: tuple[int, ...]) -> int | None:
        key = (t, k, seq)
        if key not in cache:
            if not any(i != RELOAD for i in seq):
                cache[key] = 0
            else:
                route = build_route(problem, t, k, seq)
                cache[key] = None if verify_route(problem, route) else route.cost
        return cache[key]

    for stop in sorted(stops, key=lambda i: -problem.stops[i].penalty):
        best: tuple[int, tuple[int, int], tuple[int, ...]] | None = None
        for t, k in order:
            if not problem.stops[stop].allows(t):
                continue
            seq = routes[(t, k)]
            before = cost(t, k, seq)
            if before is None:
                continue
            candidates = [(*seq[:j], stop, *seq[j:]) for j in range(len(seq) + 1)]
            trips = 1 + seq.count(RELOAD)
            if seq and trips < problem.vehicle_types[t].max_trips:
                candidates.append((*seq, RELOAD, stop))
            for cand in candidates:
                after = cost(t, k, cand)
                if after is not None and (best is None or after - before < best[0]):
                    best = (after - before, (t, k), cand)
        stop_obj = problem.stops[stop]
        if best is not None and (stop_obj.required or best[0] < stop_obj.penalty):
            routes[best[1]] = best[2]
    return [RawRoute(t, k, routes[(t, k)]) for t, k in order if routes[(t, k)]]


def assemble_result(
    problem: RoutingProblem,
    raw_routes: Sequence[RawRoute],
    *,
    engine: str,
    runtime_s: float,
    iterations: int,
    seed: int,
    notes: Sequence[str] = (),
    repair: bool = False,
) -> RoutingResult:
    """Time the engine's sequences, cost them, and verify the whole result.

    Empty routes are dropped; stops in no route are ``unserved``; ``feasible``
    and ``violations`` come from :func:`logistics.routing.verify.verify`.
    With ``repair``, routes that break rules lose stops (:func:`repair_routes`)
    until they verify, and a note says so.
    """
    from logistics.routing.verify import verify  # verify never imports this module

    if repair:
        plain = assemble_result(
            problem, raw_routes, engine=engine, runtime_s=runtime_s, iterations=iterations,
            seed=seed, notes=notes,
        )  # fmt: skip
        if all("required but not served" in v for v in plain.violations):
            return plain
        fixed = repair_routes(problem, raw_routes)
        kept = {i for r in fixed for i in r.sequence}
        dropped = [i for r in raw_routes for i in r.sequence if i != RELOAD and i not in kept]
        fixed = reinsert_stops(problem, fixed, dropped)
        kept = {i for r in fixed for i in r.sequence}
        lost = sum(i not in kept for i in dropped)
        note = (
            f"{engine}: its plan broke rules; {len(dropped)} stop(s) taken out to repair it, "
            f"{len(dropped) - lost} put back elsewhere"
        )
        return assemble_result(
            problem, fixed, engine=engine, runtime_s=runtime_s, iterations=iterations, seed=seed,
            notes=(*notes, note),
        )  # fmt: skip

    routes = tuple(
        build_route(problem, r.vehicle_type, r.vehicle_index, r.sequence)
        for r in raw_routes
        if any(i != RELOAD for i in r.sequence)
    )
    served = {i for r in routes for i in r.stops}
    unserved = tuple(i for i in range(len(problem.stops)) if i not in served)
    cost = sum(r.cost for r in routes) + sum(problem.stops[i].penalty for i in unserved)
    draft = RoutingResult(
        routes=routes,
        unserved=unserved,
        cost=cost,
        engine=engine,
        feasible=True,
        runtime_s=runtime_s,
        iterations=iterations,
        seed=seed,
        notes=tuple(notes),
    )
    violations = tuple(str(v) for v in verify(problem, draft))
    if not violations:
        return draft
    return RoutingResult(
        routes=routes,
        unserved=unserved,
        cost=cost,
        engine=engine,
        feasible=False,
        runtime_s=runtime_s,
        iterations=iterations,
        violations=violations,
        seed=seed,
        notes=tuple(notes),
    )
