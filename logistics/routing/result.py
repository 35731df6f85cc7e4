"""Engine-neutral routing results: visits, routes, the result and violations."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VISIT_KINDS", "Route", "RouteViolation", "RoutingResult", "Visit"]

VISIT_KINDS = frozenset({"start", "stop", "reload", "break", "end"})


@dataclass(frozen=True)
class Visit:
    """One event of a route, timed by :func:`logistics.routing.schedule.build_route`.

    Parameters
    ----------
    kind
        ``start``, ``stop``, ``reload``, ``break`` or ``end``.
    index
        The stop index for ``stop``; the location index otherwise (0, the depot,
        for start/reload/end; the location where the break is taken for ``break``).
    location
        Matrix row of the place of the event.
    arrival_s, start_service_s, departure_s
        Arrival, start of service (after waiting) and departure, seconds.
    load_after
        Load on board per dimension after the event.
    distance_m_from_prev, duration_s_from_prev
        Travel from the previous event (0 for start and break).
    trip
        Trip number, from 0; a reload starts the next trip.
    window
        Index of the stop window used (``stop`` only), ``None`` when late.
    """

    kind: str
    index: int
    location: int
    arrival_s: int
    start_service_s: int
    departure_s: int
    load_after: tuple[int, ...]
    distance_m_from_prev: int
    duration_s_from_prev: int
    trip: int
    window: int | None = None


@dataclass(frozen=True)
class Route:
    """The route of one vehicle: ``visits`` from ``start`` to ``end``.

    ``distance_m``, ``duration_s`` (leave depot to return, waiting and breaks
    included) and ``cost`` are computed from the visits.
    """

    vehicle_type: int
    vehicle_index: int
    visits: tuple[Visit, ...]
    distance_m: int
    duration_s: int
    cost: int

    @property
    def stops(self) -> tuple[int, ...]:
        """Stop indices in visiting order."""
        return tuple(v.index for v in self.visits if v.kind == "stop")

    @property
    def num_trips(self) -> int:
        """Number of trips (1 + number of reloads)."""
        return 1 + sum(v.kind == "reload" for v in self.visits)


@dataclass(frozen=True)
class RouteViolation:
    """One broken rule, as a sentence a coordinator can read."""

    message: str
    route: int | None = None
    stop: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RoutingResult:
    """What an engine (or :func:`logistics.routing.solve`) returns.

    Parameters
    ----------
    routes
        Used vehicles only.
    unserved
        Indices of stops no route visits, sorted.
    cost
        Objective recomputed from the routes and the unserved penalties.
    engine
        ``pyvrp`` or ``ortools``.
    feasible
        ``True`` when :func:`logistics.routing.verify.verify` found no violation.
    runtime_s
        Wall time of the engine, seconds.
    iterations
        PyVRP iterations, or OR-Tools solutions found.
    violations
        Sentences from :func:`verify` (empty when feasible).
    seed
        The seed used.
    notes
        Free remarks (e.g. the other engine's outcome under ``auto``).
    """

    routes: tuple[Route, ...]
    unserved: tuple[int, ...]
    cost: int
    engine: str
    feasible: bool
    runtime_s: float
    iterations: int
    violations: tuple[str, ...] = ()
    seed: int = 0
    notes: tuple[str, ...] = ()

    @property
    def distance(self) -> int:
        """Total distance of all routes."""
        return sum(r.distance_m for r in self.routes)

    @property
    def num_vehicles(self) -> int:
        """Number of vehicles used."""
        return len(self.routes)
