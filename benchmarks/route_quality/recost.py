"""Re-cost and check a set of routes from the instance data alone.

Independent of every solver and of :mod:`logistics.routing`: it only takes the
instance (coordinates or matrix, demands, windows, service times, capacity) and
routes as lists of customer location indices, and recomputes under the set's
distance convention:

- every customer visited exactly once, no unknown location;
- the load of each route within capacity;
- with windows: service starts no later than the due time (waiting allowed when
  early), travel time = arc distance, back at the depot by its due time;
- a route-length limit (travel + service) when the instance has one;
- the number of routes within the declared fleet.

It is the check used on every benchmark run and on the best-known ``.sol``
files (whose re-cost must equal ``bks.csv``).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.route_quality.conventions import arc_matrix
from benchmarks.route_quality.instance import Instance

__all__ = ["Recost", "recost"]

_EPS = 1e-6


@dataclass(frozen=True)
class Recost:
    """Distance in set units, number of routes, and broken rules (empty when feasible)."""

    distance: float
    vehicles: int
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        """Whether no rule is broken."""
        return not self.violations


def recost(
    instance: Instance,
    routes: Sequence[Sequence[int]],
    convention: str,
    *,
    max_vehicles: int | None = None,
) -> Recost:
    """Recompute distance and check feasibility of ``routes`` under ``convention``.

    Parameters
    ----------
    instance
        The instance as read from its file.
    routes
        One sequence of customer location indices (1..n-1) per used vehicle.
    convention
        ``dimacs``, ``nint``, ``explicit`` or ``exact``.
    max_vehicles
        Fleet size to check against; default the instance's declared fleet.
    """
    arcs = arc_matrix(instance, convention)
    n = instance.size
    bad: list[str] = []
    seen: Counter[int] = Counter()
    total = 0.0
    routes = [list(r) for r in routes if len(r)]
    for k, route in enumerate(routes, start=1):
        if any(not 1 <= c < n for c in route):
            bad.append(f"route {k} visits unknown locations")
            continue
        seen.update(route)
        load = sum(instance.demand[c] for c in route)
        if load > instance.capacity:
            bad.append(f"route {k} carries {load} > capacity {instance.capacity}")
        path = [0, *route, 0]
        length = sum(float(arcs[a, b]) for a, b in itertools.pairwise(path))
        total += length
        service = instance.service
        if instance.max_route_length is not None:
            spent = length + (sum(service[c] for c in route) if service else 0.0)
            if spent > instance.max_route_length + _EPS:
                bad.append(f"route {k} lasts {spent:.2f} > limit {instance.max_route_length}")
        if instance.ready is not None and instance.due is not None:
            assert service is not None
            t = instance.ready[0]
            prev = 0
            for c in route:
                t = max(t + float(arcs[prev, c]), instance.ready[c])
                if t > instance.due[c] + _EPS:
                    bad.append(f"route {k} starts serving {c} at {t:.2f} > due {instance.due[c]}")
                t += service[c]
                prev = c
            t += float(arcs[prev, 0])
            if t > instance.due[0] + _EPS:
                bad.append(f"route {k} returns at {t:.2f} > depot due {instance.due[0]}")
    twice = sorted(c for c, m in seen.items() if m > 1)
    missing = sorted(set(range(1, n)) - set(seen))
    if twice:
        bad.append(f"{len(twice)} customers visited more than once, e.g. {twice[:5]}")
    if missing:
        bad.append(f"{len(missing)} customers not visited, e.g. {missing[:5]}")
    fleet = max_vehicles if max_vehicles is not None else instance.num_vehicles
    if fleet is not None and len(routes) > fleet:
        bad.append(f"{len(routes)} routes > fleet of {fleet}")
    return Recost(distance=total, vehicles=len(routes), violations=tuple(bad))
