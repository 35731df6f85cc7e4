"""The periodic VRP: each client's visit-day pattern chosen jointly with the routes.

A :class:`PeriodicProblem` is a planning period of ``num_days`` days, a fleet per day
(vehicles, capacity per load dimension, longest route), one distance and one duration
matrix (integers; location 0 is the depot) and clients, each with a demand delivered at
*every* visit, a service duration and the patterns it allows (tuples of day indices).
:func:`solve_periodic` returns a :class:`PeriodicSolution`: one pattern per client and,
per day, routes whose every day is a :class:`logistics.routing.RoutingResult` that
:func:`logistics.routing.verify` accepts.  No solver library is imported here: days are
routed through :func:`logistics.routing.solve`.

Joint algorithm (``method="joint"``)
------------------------------------
1. **Construction.**  Clients are inserted one at a time, farthest from the depot first
   (the classical seed order of insertion heuristics), each on the pattern of least
   estimated cost.  The
   estimate of a pattern is the sum over its days of the cheapest feasible insertion of
   the client into that day's current routes (capacity per dimension and route duration
   checked; a new route when a vehicle is free), as in the insertion heuristics of
   Cordeau, Gendreau & Laporte (1997) and the pattern-repair step of Vidal et al.'s
   hybrid genetic search for the PVRP (2012).
2. **Large neighbourhood search** over patterns and routes (Shaw 1998; Ropke &
   Pisinger 2006).  Each iteration removes a group of related clients from *all* their
   days -- the clients nearest to a random seed client (Shaw relatedness), the clients of
   a random route, or a random group -- and re-inserts them by regret-2 insertion over
   patterns (the client whose best and second-best pattern estimates differ most goes
   first), then improves the changed routes with 2-opt.  A new week is accepted by
   simulated annealing on its total cost, the temperature falling linearly to zero over
   the budget; the best week is kept.  Only the days that changed are re-costed.
3. **Routing.**  With the patterns fixed, every day whose clients changed is a
   :class:`logistics.routing.RoutingProblem` solved by PyVRP (``engine="pyvrp"``,
   hybrid genetic search) within its share of the round's routing time (proportional to
   its clients); a day keeps PyVRP's routes when they verify and cost less than the
   search's own, else the search's own routes (timed and verified by the shared
   schedule).  PyVRP's routes then replace the search's routes of that day.

Steps 2 and 3 alternate in three rounds (about 65% of each round to the LNS, 35% to
PyVRP), so later rounds estimate insertions against PyVRP-quality routes and PyVRP
re-solves only the days that changed since it last saw them.  PyVRP is not called
inside the LNS loop: one PyVRP run per changed day and iteration would leave a handful
of iterations in a 10 s budget.  Warm-starting PyVRP from the search's routes would
help step 3; the routing layer offers no initial solution yet, so the better of the
two is kept instead.

Baseline (``method="balance"``): today's day choice.  Each client, least flexible first,
takes the pattern that keeps the busiest day's fill rate (load placed on the day over the
day's fleet capacity, largest over dimensions) lowest -- the rule of
:func:`logistics.plan.delivery_days.assign_delivery_days`, applied to explicit patterns
(that function chooses any ``k`` of the allowed days, not one of a list of patterns) --
then every day is routed by PyVRP within the same total time.

Budget: ``time_limit_s`` is the wall time of the whole period (construction, search and
routing).  With ``max_iterations`` the run is bounded by iterations only
(``max_iterations`` LNS iterations over the rounds, and as many PyVRP iterations per
routed day) and is reproducible for a seed: no decision then depends on the clock.

References
----------
- J.-F. Cordeau, M. Gendreau, G. Laporte, "A tabu search heuristic for periodic and
  multi-depot vehicle routing problems", Networks 30(2):105-119, 1997.
- T. Vidal, T. G. Crainic, M. Gendreau, N. Lahrichi, W. Rei, "A hybrid genetic algorithm
  for multidepot and periodic vehicle routing problems", Operations Research
  60(3):611-624, 2012.
- P. Shaw, "Using constraint programming and local search methods to solve vehicle
  routing problems", CP 1998, LNCS 1520:417-431.
- S. Ropke, D. Pisinger, "An adaptive large neighborhood search heuristic for the pickup
  and delivery problem with time windows", Transportation Science 40(4):455-472, 2006.
"""

from __future__ import annotations

import itertools
import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from logistics.routing import Profile, RoutingProblem, RoutingResult, Stop, VehicleType, solve
from logistics.routing import verify as verify_day
from logistics.routing.schedule import RawRoute, assemble_result
from territory.errors import InputError, Problem

__all__ = [
    "PERIODIC_METHODS",
    "DayFleet",
    "PeriodicClient",
    "PeriodicProblem",
    "PeriodicSolution",
    "UnservedClient",
    "balance_patterns",
    "choose_patterns",
    "solve_periodic",
]

_log = logging.getLogger(__name__)
_FILE = "PeriodicProblem"
PERIODIC_METHODS = ("balance", "joint")
#: Share of each round's time given to PyVRP on the days that changed (joint method).
_ROUTING_SHARE = 0.35
#: Rounds of (LNS, then PyVRP on the changed days) in the joint method.
_ROUNDS = 3
_MIN_DAY_TIME_S = 0.05


def _bad(column: str, message: str) -> InputError:
    return InputError([Problem(file=_FILE, column=column, message=message)])


def _int(column: str, value: Any, *, low: int = 0) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool):
        raise _bad(column, f"must be an integer, got {value!r}")
    if int(value) < low:
        raise _bad(column, f"must be >= {low}, got {value}")
    return int(value)


@dataclass(frozen=True)
class DayFleet:
    """The fleet of one day.

    Parameters
    ----------
    vehicles
        Number of vehicles (routes) available that day (>= 0).
    capacity
        Capacity of each vehicle per load dimension (the caller's units).
    max_duration
        Longest route (travel plus service, duration-matrix units), or ``None``.
    route_cost
        Fixed cost of each route that day (distance-matrix units; 0 in the Cordeau set).
    """

    vehicles: int
    capacity: tuple[int, ...]
    max_duration: int | None = None
    route_cost: int = 0

    def __post_init__(self) -> None:
        _int("vehicles", self.vehicles)
        _int("route_cost", self.route_cost)
        object.__setattr__(
            self, "capacity", tuple(_int("capacity", c) for c in tuple(self.capacity))
        )
        if self.max_duration is not None:
            _int("max_duration", self.max_duration)


@dataclass(frozen=True)
class PeriodicClient:
    """One client of the period.

    Parameters
    ----------
    location
        Row of the matrices (>= 1).
    demand
        Load delivered at each visit, per dimension.
    service
        Service duration of each visit (duration-matrix units).
    patterns
        Allowed visit patterns, each a sorted tuple of distinct day indices.
    label
        Free text for reports and errors.
    """

    location: int
    demand: tuple[int, ...]
    service: int
    patterns: tuple[tuple[int, ...], ...]
    label: str = ""

    def __post_init__(self) -> None:
        _int("location", self.location, low=1)
        object.__setattr__(self, "demand", tuple(_int("demand", d) for d in tuple(self.demand)))
        _int("service", self.service)
        pats = tuple(tuple(sorted(int(d) for d in p)) for p in self.patterns)
        if not pats:
            raise _bad("patterns", f"client {self.label or self.location} allows no pattern")
        for p in pats:
            if not p or len(set(p)) != len(p):
                raise _bad("patterns", f"client {self.label or self.location}: bad pattern {p}")
        object.__setattr__(self, "patterns", tuple(dict.fromkeys(pats)))


@dataclass(frozen=True, eq=False)
class PeriodicProblem:
    """A periodic vehicle routing problem in integer units.

    Parameters
    ----------
    fleets
        One :class:`DayFleet` per day; ``len(fleets)`` is the number of days.
    clients
        The clients; results refer to them by index in this tuple.
    distance, duration
        Square integer matrices, location 0 the depot; cost is total distance.
    name
        Free text.

    Raises
    ------
    InputError
        Naming the bad field (matrix shape, a location out of range, a pattern day
        outside the period, a demand of the wrong length).
    """

    fleets: tuple[DayFleet, ...]
    clients: tuple[PeriodicClient, ...]
    distance: np.ndarray
    duration: np.ndarray
    name: str = ""

    def __post_init__(self) -> None:
        fleets = tuple(self.fleets)
        if not fleets:
            raise _bad("fleets", "at least one day is needed")
        dims = {len(f.capacity) for f in fleets}
        if len(dims) != 1:
            raise _bad("fleets", "every day must have the same load dimensions")
        object.__setattr__(self, "fleets", fleets)
        object.__setattr__(self, "clients", tuple(self.clients))
        for name in ("distance", "duration"):
            raw = np.asarray(getattr(self, name))
            if raw.ndim != 2 or raw.shape[0] != raw.shape[1]:
                raise _bad(name, f"must be a square matrix, got shape {raw.shape}")
            if not np.issubdtype(raw.dtype, np.integer) or (raw.size and raw.min() < 0):
                raise _bad(name, "must hold non-negative integers")
            arr = np.array(raw, dtype=np.int64)
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        if self.distance.shape != self.duration.shape:
            raise _bad("duration", "must have the same shape as distance")
        size = self.distance.shape[0]
        ndim = dims.pop()
        for i, c in enumerate(self.clients):
            if c.location >= size:
                raise _bad(f"clients[{i}].location", f"{c.location} outside the matrices")
            if len(c.demand) != ndim:
                raise _bad(f"clients[{i}].demand", f"must have {ndim} dimension(s)")
            for p in c.patterns:
                if p[-1] >= len(fleets) or p[0] < 0:
                    raise _bad(f"clients[{i}].patterns", f"day of {p} outside 0..{len(fleets) - 1}")

    @property
    def num_days(self) -> int:
        """Days in the period."""
        return len(self.fleets)


@dataclass(frozen=True)
class UnservedClient:
    """A client that could not be placed on any of its patterns, and why."""

    client: int
    reason: str


@dataclass(frozen=True)
class PeriodicSolution:
    """The period's plan.

    Parameters
    ----------
    patterns
        Chosen pattern per client (``None`` for an unserved client).
    routes
        Per day, the routes as client indices in visiting order.
    cost
        Total distance over all days (distance-matrix units).
    unserved
        Clients not placed, with the reason.
    day_results
        Per day, the verified routing result (stops index that day's clients, see
        ``day_clients``); ``None`` for a day without clients.
    day_clients
        Per day, the client index of each stop of that day's routing problem.
    method, iterations, runtime_s
        How it was found: ``joint`` or ``balance``, LNS iterations, wall time (s).
    """

    patterns: tuple[tuple[int, ...] | None, ...]
    routes: tuple[tuple[tuple[int, ...], ...], ...]
    cost: int
    unserved: tuple[UnservedClient, ...]
    day_results: tuple[RoutingResult | None, ...] = field(repr=False)
    day_clients: tuple[tuple[int, ...], ...] = field(repr=False)
    method: str = "joint"
    iterations: int = 0
    runtime_s: float = 0.0


# --------------------------------------------------------------------------- day state


class _DayRoutes:
    """Routes of one day with their loads and durations, for insertion estimates."""

    def __init__(self, pb: _Data, day: int) -> None:
        self.pb = pb
        self.day = day
        fleet = pb.problem.fleets[day]
        self.vehicles = fleet.vehicles
        self.cap = np.array(fleet.capacity, dtype=np.int64)
        self.max_dur = fleet.max_duration if fleet.max_duration is not None else 2**62
        self.route_cost = fleet.route_cost
        self.routes: list[list[int]] = []
        self._edges: tuple[np.ndarray, ...] | None = None

    def copy(self) -> _DayRoutes:
        other = _DayRoutes.__new__(_DayRoutes)
        other.__dict__.update(self.__dict__)
        other.routes = [list(r) for r in self.routes]
        other._edges = None
        return other

    def route_figures(self, route: Sequence[int]) -> tuple[int, int]:
        """``(distance, duration)`` of a route of client indices."""
        loc = self.pb.loc
        path = [0, *(loc[c] for c in route), 0]
        dist = self.pb.dist
        dur = self.pb.dur
        d = sum(dist[a][b] for a, b in itertools.pairwise(path))
        t = sum(dur[a][b] for a, b in itertools.pairwise(path))
        return d, t + sum(self.pb.service[c] for c in route)

    def cost(self) -> int:
        """Distance of the day's routes plus their fixed costs."""
        return sum(self.route_figures(r)[0] + self.route_cost for r in self.routes)

    def _build(self) -> tuple[np.ndarray, ...]:
        if self._edges is None:
            frm: list[int] = []
            to: list[int] = []
            rid: list[int] = []
            pos: list[int] = []
            loads = np.zeros((max(1, len(self.routes)), len(self.cap)), dtype=np.int64)
            durs = np.zeros(max(1, len(self.routes)), dtype=np.int64)
            for r, route in enumerate(self.routes):
                path = [0, *(self.pb.loc[c] for c in route), 0]
                for k in range(len(path) - 1):
                    frm.append(path[k])
                    to.append(path[k + 1])
                    rid.append(r)
                    pos.append(k)
                loads[r] = self.pb.demand[route].sum(axis=0) if route else 0
                durs[r] = self.route_figures(route)[1]
            self._edges = (
                np.array(frm, dtype=np.int64),
                np.array(to, dtype=np.int64),
                np.array(rid, dtype=np.int64),
                np.array(pos, dtype=np.int64),
                loads,
                durs,
            )
        return self._edges

    def best_insertion(self, c: int) -> tuple[float, int, int]:
        """``(cost, route, position)`` of the cheapest feasible insertion of client ``c``.

        ``route == len(routes)`` opens a new route; cost ``inf`` when none fits.
        """
        pb = self.pb
        loc = pb.loc[c]
        demand = pb.demand[c]
        best: tuple[float, int, int] = (math.inf, -1, -1)
        if self.routes:
            frm, to, rid, pos, loads, durs = self._build()
            delta = pb.dist_np[frm, loc] + pb.dist_np[loc, to] - pb.dist_np[frm, to]
            ddur = pb.dur_np[frm, loc] + pb.dur_np[loc, to] - pb.dur_np[frm, to] + pb.service[c]
            ok_route = np.all(loads + demand <= self.cap, axis=1)
            ok = ok_route[rid] & (durs[rid] + ddur <= self.max_dur)
            if ok.any():
                masked = np.where(ok, delta, np.iinfo(np.int64).max)
                k = int(np.argmin(masked))
                best = (float(delta[k]), int(rid[k]), int(pos[k]))
        if len(self.routes) < self.vehicles and np.all(demand <= self.cap):
            new = pb.dist[0][loc] + pb.dist[loc][0] + self.route_cost
            new_dur = pb.dur[0][loc] + pb.dur[loc][0] + pb.service[c]
            if new_dur <= self.max_dur and new < best[0]:
                best = (float(new), len(self.routes), 0)
        return best

    def insert(self, c: int, route: int, position: int) -> None:
        if route == len(self.routes):
            self.routes.append([c])
        else:
            self.routes[route].insert(position, c)
        self._edges = None

    def remove(self, c: int) -> None:
        for r, route in enumerate(self.routes):
            if c in route:
                route.remove(c)
                if not route:
                    del self.routes[r]
                self._edges = None
                return

    def two_opt(self) -> None:
        """Improve every route by 2-opt (first improvement) within its duration limit."""
        dist = self.pb.dist
        loc = self.pb.loc
        changed = False
        for route in self.routes:
            if len(route) < 3:
                continue
            path = [0, *(loc[c] for c in route), 0]
            improved = True
            while improved:
                improved = False
                n = len(path)
                for i in range(n - 3):
                    a, b = path[i], path[i + 1]
                    for j in range(i + 2, n - 1):
                        c_, d_ = path[j], path[j + 1]
                        gain = dist[a][b] + dist[c_][d_] - dist[a][c_] - dist[b][d_]
                        if gain > 0:
                            route[i:j] = route[i:j][::-1]
                            path[i + 1 : j + 1] = path[i + 1 : j + 1][::-1]
                            if self.route_figures(route)[1] > self.max_dur:  # undo
                                route[i:j] = route[i:j][::-1]
                                path[i + 1 : j + 1] = path[i + 1 : j + 1][::-1]
                                continue
                            improved = changed = True
                            a, b = path[i], path[i + 1]
        if changed:
            self._edges = None


class _Data:
    """Plain-Python views of a problem for the search's inner loops."""

    def __init__(self, problem: PeriodicProblem) -> None:
        self.problem = problem
        self.dist_np = problem.distance
        self.dur_np = problem.duration
        self.dist = problem.distance.tolist()
        self.dur = problem.duration.tolist()
        self.loc = [c.location for c in problem.clients]
        self.service = [c.service for c in problem.clients]
        ndim = len(problem.fleets[0].capacity)
        self.demand = np.array(
            [c.demand for c in problem.clients] or np.zeros((0, ndim)), dtype=np.int64
        ).reshape(len(problem.clients), ndim)


# --------------------------------------------------------------------------- week state


@dataclass
class _Week:
    days: list[_DayRoutes]
    pattern: list[int | None]  # index into the client's patterns

    def cost(self) -> int:
        return sum(d.cost() for d in self.days)


def _unplaceable_reason(problem: PeriodicProblem, c: int) -> str:
    client = problem.clients[c]
    name = client.label or f"client {c}"
    reasons = []
    for p in client.patterns:
        for d in p:
            fleet = problem.fleets[d]
            loc = client.location
            round_trip = int(problem.duration[0, loc] + problem.duration[loc, 0]) + client.service
            if fleet.vehicles == 0:
                reasons.append(f"day {d} has no vehicle")
            elif any(q > cap for q, cap in zip(client.demand, fleet.capacity, strict=True)):
                reasons.append(f"its demand exceeds a vehicle's capacity on day {d}")
            elif fleet.max_duration is not None and round_trip > fleet.max_duration:
                reasons.append(f"a round trip to it is longer than day {d}'s longest route")
    if reasons:
        return f"{name}: no allowed pattern can be run ({'; '.join(sorted(set(reasons)))})"
    return f"{name}: no vehicle has room left on the days of any allowed pattern"


def _pattern_costs(
    week: _Week, pb: _Data, c: int, cache: dict[int, float] | None = None
) -> list[tuple[float, int]]:
    """``(estimated cost, pattern index)`` per allowed pattern, cheapest first.

    ``cache`` holds the client's cheapest insertion cost per day (kept by the caller
    while those days do not change).
    """
    if cache is None:
        cache = {}
    out = []
    for k, p in enumerate(pb.problem.clients[c].patterns):
        total = 0.0
        for d in p:
            if d not in cache:
                cache[d] = week.days[d].best_insertion(c)[0]
            total += cache[d]
            if total == math.inf:
                break
        out.append((total, k))
    out.sort()
    return out


def _place(week: _Week, pb: _Data, c: int, k: int) -> bool:
    """Insert client ``c`` on every day of its pattern ``k``; ``False`` (undone) if one fails."""
    done: list[int] = []
    for d in pb.problem.clients[c].patterns[k]:
        cost, r, pos = week.days[d].best_insertion(c)
        if cost == math.inf:
            for e in done:
                week.days[e].remove(c)
            return False
        week.days[d].insert(c, r, pos)
        done.append(d)
    week.pattern[c] = k
    return True


def _unplace(week: _Week, pb: _Data, c: int) -> set[int]:
    k = week.pattern[c]
    if k is None:
        return set()
    days = set(pb.problem.clients[c].patterns[k])
    for d in days:
        week.days[d].remove(c)
    week.pattern[c] = None
    return days


def _flexibility_order(problem: PeriodicProblem) -> list[int]:
    return sorted(
        range(len(problem.clients)),
        key=lambda c: (
            len(problem.clients[c].patterns),
            -max(problem.clients[c].demand, default=0),
            c,
        ),
    )


def _construct(pb: _Data) -> _Week:
    week = _Week([_DayRoutes(pb, d) for d in range(pb.problem.num_days)], [None] * len(pb.loc))
    far = pb.dist_np[0]
    order = sorted(range(len(pb.loc)), key=lambda c: (-int(far[pb.loc[c]]), c))
    for c in order:
        for cost, k in _pattern_costs(week, pb, c):
            if cost == math.inf or _place(week, pb, c, k):
                break
    return week


def _repair(week: _Week, pb: _Data, clients: list[int], rng: random.Random) -> set[int]:
    """Regret-2 insertion of ``clients``; returns the days changed."""
    changed: set[int] = set()
    todo = list(clients)
    rng.shuffle(todo)
    caches: dict[int, dict[int, float]] = {c: {} for c in todo}
    while todo:
        best_score: tuple[float, float] | None = None
        pick = -1
        options: list[tuple[float, int]] = []
        for c in todo:
            costs = _pattern_costs(week, pb, c, caches[c])
            first = costs[0][0]
            second = costs[1][0] if len(costs) > 1 else math.inf
            regret = (second - first) if first < math.inf else -math.inf
            if second == math.inf and first < math.inf:
                regret = math.inf
            score = (regret, -first)
            if best_score is None or score > best_score:
                best_score, pick, options = score, c, costs
        todo.remove(pick)
        # equal estimates (empty days, symmetric instances): a random one, not the first
        options = sorted(options, key=lambda option: (option[0], rng.random()))
        for cost, k in options:
            if cost == math.inf:
                break
            if _place(week, pb, pick, k):
                days = pb.problem.clients[pick].patterns[k]
                changed.update(days)
                for cache in caches.values():
                    for d in days:
                        cache.pop(d, None)
                break
    return changed


def _remove_group(
    week: _Week, pb: _Data, rng: random.Random, size: int
) -> tuple[list[int], set[int]]:
    placed = [c for c, k in enumerate(week.pattern) if k is not None]
    if not placed:
        return [], set()
    size = min(size, len(placed))
    how = rng.random()
    if how < 0.6:  # Shaw: nearest to a seed client
        seed = rng.choice(placed)
        row = pb.dist_np[pb.loc[seed]]
        group = sorted(placed, key=lambda c: (row[pb.loc[c]], rng.random()))[:size]
    elif how < 0.85:  # one or more routes of a day
        day = rng.choice([d for d in week.days if d.routes] or week.days)
        routes = list(day.routes)
        rng.shuffle(routes)
        group = []
        for route in routes:
            group.extend(route)
            if len(group) >= size:
                break
        group = group[: max(size, 1)]
    else:
        group = rng.sample(placed, size)
    changed: set[int] = set()
    for c in group:
        changed |= _unplace(week, pb, c)
    return group, changed


def _copy_days(week: _Week, days: set[int]) -> dict[int, _DayRoutes]:
    return {d: week.days[d].copy() for d in days}


def _search(
    pb: _Data,
    week: _Week,
    rng: random.Random,
    *,
    deadline: float | None,
    max_iterations: int | None,
) -> tuple[_Week, int]:
    """The LNS loop; returns the best week found and the number of iterations."""
    n = len(pb.loc)
    if n < 2:
        return week, 0
    day_cost = [d.cost() for d in week.days]
    current = sum(day_cost)
    best = (current, [d.copy() for d in week.days], list(week.pattern))
    t0 = 0.003 * current / max(1.0, math.sqrt(n))
    start = time.monotonic()
    it = 0
    while True:
        if max_iterations is not None:
            if it >= max_iterations:
                break
            progress = it / max(1, max_iterations)
        else:
            assert deadline is not None
            now = time.monotonic()
            if now >= deadline:
                break
            progress = (now - start) / max(1e-9, deadline - start)
        it += 1
        size = rng.randint(max(1, min(3, n // 10)), max(2, min(30, n // 4)))
        saved_pattern = list(week.pattern)
        snapshot = {d: (week.days[d].copy(), day_cost[d]) for d in range(len(week.days))}
        missing_before = sum(k is None for k in week.pattern)
        group, changed = _remove_group(week, pb, rng, size)
        group += [c for c, k in enumerate(week.pattern) if k is None and c not in group]
        changed |= _repair(week, pb, group, rng)
        for d in changed:
            week.days[d].two_opt()
            day_cost[d] = week.days[d].cost()
        new = sum(day_cost)
        missing = sum(k is None for k in week.pattern)
        temperature = t0 * (1.0 - progress)
        accept = missing < missing_before or (
            missing == missing_before
            and (
                new <= current
                or (temperature > 0 and rng.random() < math.exp(-(new - current) / temperature))
            )
        )
        if accept:
            current = new
            best_missing = sum(k is None for k in best[2])
            if missing < best_missing or (missing == best_missing and new < best[0]):
                best = (new, [d.copy() for d in week.days], list(week.pattern))
        else:
            for d, (day, cost) in snapshot.items():
                week.days[d] = day
                day_cost[d] = cost
            week.pattern = saved_pattern
    return _Week(best[1], best[2]), it


# --------------------------------------------------------------------------- routing


def _day_problem(problem: PeriodicProblem, day: int, clients: Sequence[int]) -> RoutingProblem:
    fleet = problem.fleets[day]
    locs = [0, *(problem.clients[c].location for c in clients)]
    idx = np.array(locs, dtype=np.int64)
    dist = problem.distance[np.ix_(idx, idx)]
    dur = problem.duration[np.ix_(idx, idx)]
    stops = tuple(
        Stop(
            location=k + 1,
            delivery=problem.clients[c].demand,
            service_s=problem.clients[c].service,
            label=problem.clients[c].label or str(c),
        )
        for k, c in enumerate(clients)
    )
    vehicles = VehicleType(
        count=max(1, fleet.vehicles),
        capacity=fleet.capacity,
        profile="periodic",
        max_duration_s=fleet.max_duration,
        fixed_cost=fleet.route_cost,
        cost_per_m=1,
        label="vehicle",
    )
    dims = tuple(f"load{i}" for i in range(len(fleet.capacity)))
    return RoutingProblem(
        dimensions=dims,
        profiles={"periodic": Profile(duration_s=dur, distance_m=dist)},
        stops=stops,
        vehicle_types=(vehicles,),
        name=f"{problem.name} day {day}",
    )


def _own_result(
    rp: RoutingProblem, routes: list[list[int]], clients: Sequence[int]
) -> RoutingResult:
    index = {c: k for k, c in enumerate(clients)}
    raw = [RawRoute(0, v, tuple(index[c] for c in r)) for v, r in enumerate(routes) if r]
    return assemble_result(rp, raw, engine="periodic-lns", runtime_s=0.0, iterations=0, seed=0)


def _route_day(
    problem: PeriodicProblem,
    day: int,
    clients: list[int],
    own: list[list[int]] | None,
    *,
    time_s: float,
    seed: int,
    max_iterations: int | None,
) -> RoutingResult:
    """Route one day with PyVRP; the search's own routes when they are better or PyVRP fails."""
    rp = _day_problem(problem, day, clients)
    result = solve(
        rp,
        engine="pyvrp",
        time_limit_s=max(_MIN_DAY_TIME_S, time_s),
        seed=seed + day,
        max_iterations=max_iterations,
    )
    good = result.feasible and not result.unserved and not verify_day(rp, result)
    if own is not None:
        mine = _own_result(rp, own, clients)
        if mine.feasible and not mine.unserved and (not good or mine.cost < result.cost):
            result, good = mine, True
    if not good:
        _log.warning("%s day %d: no verified routing (%s)", problem.name, day, result.violations)
    return result


def _route_days(
    problem: PeriodicProblem,
    day_clients: list[list[int]],
    own: list[list[list[int]]] | None,
    *,
    days: Sequence[int] | None = None,
    budget_s: float,
    seed: int,
    max_iterations: int | None,
) -> dict[int, RoutingResult]:
    """Route ``days`` (default all), sharing ``budget_s`` in proportion to their clients."""
    todo = [d for d in (range(len(day_clients)) if days is None else days) if day_clients[d]]
    remaining = sum(len(day_clients[d]) for d in todo)
    start = time.monotonic()
    out: dict[int, RoutingResult] = {}
    for d in todo:
        left = budget_s - (time.monotonic() - start)
        share = left * len(day_clients[d]) / max(1, remaining)
        remaining -= len(day_clients[d])
        out[d] = _route_day(
            problem, d, day_clients[d], None if own is None else own[d],
            time_s=share, seed=seed, max_iterations=max_iterations,
        )  # fmt: skip
    return out


def _joint(
    problem: PeriodicProblem,
    *,
    start: float,
    time_limit_s: float,
    seed: int,
    max_iterations: int | None,
) -> tuple[list[int | None], list[list[int]], list[RoutingResult | None], int]:
    """Construction, then rounds of LNS followed by PyVRP on the days that changed.

    PyVRP's routes replace the search's own on a day when cheaper, so the next round's
    insertion estimates start from them.
    """
    pb = _Data(problem)
    rng = random.Random(seed)
    week = _construct(pb)
    routed: dict[int, tuple[tuple[int, ...], RoutingResult]] = {}
    iterations = 0
    rounds = _ROUNDS
    for r in range(rounds):
        last = r == rounds - 1
        elapsed = time.monotonic() - start
        round_s = (time_limit_s - elapsed) / (rounds - r)
        its = None if max_iterations is None else max(1, max_iterations // rounds)
        deadline = time.monotonic() + round_s * (1.0 - _ROUTING_SHARE)
        week, done = _search(pb, week, rng, deadline=deadline, max_iterations=its)
        iterations += done
        day_clients = [sorted(c for route in d.routes for c in route) for d in week.days]
        changed = [
            d for d in range(problem.num_days)
            if day_clients[d] and (d not in routed or routed[d][0] != tuple(day_clients[d]))
        ]  # fmt: skip
        for d in range(problem.num_days):
            if not day_clients[d]:
                routed.pop(d, None)
        left = round_s - (time.monotonic() - (deadline - round_s * (1.0 - _ROUTING_SHARE)))
        if last:
            left = time_limit_s - (time.monotonic() - start)
        results = _route_days(
            problem, day_clients, [d.routes for d in week.days], days=changed,
            budget_s=max(left, _MIN_DAY_TIME_S), seed=seed + 1000 * r,
            max_iterations=max_iterations,
        )  # fmt: skip
        for d, result in results.items():
            routed[d] = (tuple(day_clients[d]), result)
            if result.feasible and not result.unserved:
                week.days[d].routes = [[day_clients[d][i] for i in x.stops] for x in result.routes]
                week.days[d]._edges = None
    day_clients = [sorted(c for route in d.routes for c in route) for d in week.days]
    final: list[RoutingResult | None] = [
        routed[d][1] if d in routed else None for d in range(problem.num_days)
    ]
    return week.pattern, day_clients, final, iterations


def choose_patterns(
    problem: PeriodicProblem,
    *,
    time_limit_s: float,
    seed: int = 0,
    max_iterations: int | None = None,
) -> list[int | None]:
    """Visit patterns from the joint method's construction and LNS, without a routing engine.

    For callers that route each day themselves with richer constraints (the week
    planner, :mod:`logistics.plan.day_choice`): the search's own insertion estimates and
    2-opt routes stand in for the day routes.

    Parameters
    ----------
    time_limit_s
        Wall time of the search, seconds (ignored when ``max_iterations`` is given).
    seed, max_iterations
        As for :func:`solve_periodic`; with ``max_iterations`` the result is reproducible.

    Returns
    -------
    list
        Index into each client's ``patterns``; ``None`` for a client no pattern could take.
    """
    if max_iterations is None and time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s}")
    pb = _Data(problem)
    rng = random.Random(seed)
    week = _construct(pb)
    deadline = None if max_iterations is not None else time.monotonic() + time_limit_s
    week, _ = _search(pb, week, rng, deadline=deadline, max_iterations=max_iterations)
    return list(week.pattern)


def _fits_alone(problem: PeriodicProblem, c: int, day: int) -> bool:
    """Whether client ``c`` alone on a route of ``day`` fits the day's fleet."""
    client = problem.clients[c]
    fleet = problem.fleets[day]
    if fleet.vehicles == 0:
        return False
    if any(q > cap for q, cap in zip(client.demand, fleet.capacity, strict=True)):
        return False
    loc = client.location
    trip = int(problem.duration[0, loc] + problem.duration[loc, 0]) + client.service
    return fleet.max_duration is None or trip <= fleet.max_duration


def balance_patterns(problem: PeriodicProblem) -> list[int | None]:
    """Today's day choice: pattern per client balancing each day's fill rate.

    Clients are taken least flexible first (fewest patterns, then largest demand); each
    takes the pattern whose busiest day would be least full (load over the day's total
    fleet capacity, largest over dimensions), the first such pattern on ties.  Patterns
    with a day on which the client cannot be served even alone are skipped.

    Returns
    -------
    list
        Index into each client's ``patterns`` (``None`` when no pattern has vehicles).
    """
    ndim = len(problem.fleets[0].capacity)
    placed = [[0] * ndim for _ in problem.fleets]
    total = [[f.vehicles * q for q in f.capacity] for f in problem.fleets]

    def fill(day: int, demand: tuple[int, ...]) -> float:
        ratios = [
            (p + q) / t if t > 0 else math.inf
            for p, q, t in zip(placed[day], demand, total[day], strict=True)
        ]
        return max(ratios, default=0.0)

    chosen: list[int | None] = [None] * len(problem.clients)
    for c in _flexibility_order(problem):
        client = problem.clients[c]
        scores = [
            (max(fill(d, client.demand) for d in p), k)
            for k, p in enumerate(client.patterns)
            if all(_fits_alone(problem, c, d) for d in p)
        ]
        if not scores:
            continue
        score, k = min(scores)
        if score == math.inf:
            continue
        chosen[c] = k
        for d in client.patterns[k]:
            placed[d] = [p + q for p, q in zip(placed[d], client.demand, strict=True)]
    return chosen


def solve_periodic(
    problem: PeriodicProblem,
    *,
    method: str = "joint",
    time_limit_s: float = 10.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> PeriodicSolution:
    """Choose each client's visit pattern and route every day.

    Parameters
    ----------
    problem
        The periodic problem.
    method
        ``joint`` (patterns chosen with the routes, see the module docstring) or
        ``balance`` (today's load-balancing day choice, then PyVRP per day).
    time_limit_s
        Wall time for the whole period, seconds (ignored when ``max_iterations`` is given).
    seed
        Random seed of the search and of PyVRP.
    max_iterations
        LNS iterations (joint) and PyVRP iterations per day; makes the run reproducible.

    Returns
    -------
    PeriodicSolution
        Every day's routes verified by :func:`logistics.routing.verify`; clients that
        could not be placed are listed in ``unserved`` with a reason.

    Raises
    ------
    ValueError
        For an unknown ``method`` or a non-positive ``time_limit_s``.
    """
    if method not in PERIODIC_METHODS:
        raise ValueError(f"method must be one of {PERIODIC_METHODS}, got {method!r}")
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s}")
    start = time.monotonic()
    if method == "balance":
        pattern = balance_patterns(problem)
        day_clients: list[list[int]] = [[] for _ in problem.fleets]
        for c, k in enumerate(pattern):
            if k is not None:
                for d in problem.clients[c].patterns[k]:
                    day_clients[d].append(c)
        routed = _route_days(
            problem, day_clients, None, budget_s=time_limit_s, seed=seed,
            max_iterations=max_iterations,
        )  # fmt: skip
        results = [routed.get(d) for d in range(problem.num_days)]
        iterations = 0
    else:
        pattern, day_clients, results, iterations = _joint(
            problem, start=start, time_limit_s=time_limit_s, seed=seed,
            max_iterations=max_iterations,
        )  # fmt: skip
    pattern, day_clients, results, dropped = _drop_unrouted(problem, pattern, day_clients, results)
    return _solution(problem, pattern, day_clients, results, dropped, method, iterations, start)


def _drop_unrouted(
    problem: PeriodicProblem,
    pattern: list[int | None],
    day_clients: list[list[int]],
    results: list[RoutingResult | None],
) -> tuple[list[int | None], list[list[int]], list[RoutingResult | None], set[int]]:
    """Take a client the routing left out of *one* day out of all its days.

    A client is either on every day of its pattern or unserved; the days that lose
    clients are re-timed and re-verified from their remaining routes.
    """
    missed: set[int] = set()
    for d, result in enumerate(results):
        if result is None:
            continue
        served = {day_clients[d][i] for r in result.routes for i in r.stops}
        missed.update(c for c in day_clients[d] if c not in served)
        if not result.feasible:
            missed.update(day_clients[d])  # no trust in a rejected day
    if not missed:
        return pattern, day_clients, results, missed
    new_pattern = [None if c in missed else k for c, k in enumerate(pattern)]
    new_clients: list[list[int]] = []
    new_results: list[RoutingResult | None] = []
    for d, result in enumerate(results):
        kept = [c for c in day_clients[d] if c not in missed]
        new_clients.append(kept)
        if result is None or not kept:
            new_results.append(None)
            continue
        if len(kept) == len(day_clients[d]) and result.feasible:
            new_results.append(result)
            continue
        routes = [[day_clients[d][i] for i in r.stops] for r in result.routes]
        routes = [[c for c in r if c not in missed] for r in routes]
        rp = _day_problem(problem, d, kept)
        index = {c: k for k, c in enumerate(kept)}
        raw = [RawRoute(0, v, tuple(index[c] for c in r)) for v, r in enumerate(routes) if r]
        fixed = assemble_result(
            rp, raw, engine=result.engine, runtime_s=result.runtime_s,
            iterations=result.iterations, seed=result.seed, repair=True,
        )  # fmt: skip
        new_results.append(fixed)
    if any(r is not None and (r.unserved or not r.feasible) for r in new_results):
        return _drop_unrouted(problem, new_pattern, new_clients, new_results)
    return new_pattern, new_clients, new_results, missed


def _solution(
    problem: PeriodicProblem,
    pattern: list[int | None],
    day_clients: list[list[int]],
    results: list[RoutingResult | None],
    missed: set[int],
    method: str,
    iterations: int,
    start: float,
) -> PeriodicSolution:
    routes: list[tuple[tuple[int, ...], ...]] = []
    for d, result in enumerate(results):
        if result is None:
            routes.append(())
            continue
        clients = day_clients[d]
        routes.append(tuple(tuple(clients[i] for i in r.stops) for r in result.routes))
    unserved = []
    chosen: list[tuple[int, ...] | None] = []
    for c, k in enumerate(pattern):
        if c in missed:
            name = problem.clients[c].label or f"client {c}"
            unserved.append(
                UnservedClient(c, f"{name}: the routing of its days could not serve it")
            )
            chosen.append(None)
        elif k is None:
            unserved.append(UnservedClient(c, _unplaceable_reason(problem, c)))
            chosen.append(None)
        else:
            chosen.append(problem.clients[c].patterns[k])
    cost = sum(r.cost for r in results if r is not None)
    return PeriodicSolution(
        patterns=tuple(chosen),
        routes=tuple(routes),
        cost=cost,
        unserved=tuple(unserved),
        day_results=tuple(results),
        day_clients=tuple(tuple(c) for c in day_clients),
        method=method,
        iterations=iterations,
        runtime_s=time.monotonic() - start,
    )
