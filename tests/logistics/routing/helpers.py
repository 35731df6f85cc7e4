"""Tiny hand-checkable routing problems: points on a plane, integer Euclidean matrices."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from logistics.routing import Profile, RoutingProblem, Stop, VehicleType

ENGINES = ("pyvrp", "ortools")
#: Small, reproducible search budgets (no wall-clock limits in tests).
ITERATIONS = {"pyvrp": 300, "ortools": 200}


def euclid(points: Sequence[tuple[int, int]], speed: int = 1) -> Profile:
    """Distances floor(Euclidean) and durations distance * speed."""
    n = len(points)
    dist = np.zeros((n, n), dtype=np.int64)
    for i, (ax, ay) in enumerate(points):
        for j, (bx, by) in enumerate(points):
            dist[i, j] = math.isqrt((ax - bx) ** 2 + (ay - by) ** 2)
    return Profile(duration_s=dist * speed, distance_m=dist)


def problem(
    points: Sequence[tuple[int, int]],
    stops: Sequence[Stop],
    vehicle_types: Sequence[VehicleType],
    *,
    dimensions: tuple[str, ...] = ("q",),
    profiles: dict[str, Profile] | None = None,
) -> RoutingProblem:
    """A problem on ``points`` (point 0 is the depot) with a ``drive`` profile by default."""
    return RoutingProblem(
        dimensions=dimensions,
        profiles=profiles or {"drive": euclid(points)},
        stops=tuple(stops),
        vehicle_types=tuple(vehicle_types),
    )


def van(count: int = 1, capacity: int = 100, **kwargs: object) -> VehicleType:
    """A vehicle type on the ``drive`` profile (distance objective by default)."""
    kwargs.setdefault("profile", "drive")
    return VehicleType(count=count, capacity=(capacity,), **kwargs)  # type: ignore[arg-type]
