"""Distance conventions of the benchmark sets, and their integer solver units.

A best-known value is only comparable under the convention it was computed with:

========  ==========================================  ================  ==========
name      arc distance (and travel time) in set units  sets              solver unit
========  ==========================================  ================  ==========
dimacs    ``floor(10 * euclid) / 10`` (truncate to     Solomon, G&H      1/10
          one decimal, DIMACS 2021 challenge)          1000
nint      ``floor(euclid + 0.5)`` (TSPLIB ``nint``)    CVRPLIB X,        1
                                                       A/B/E/F/M/P
explicit  the file's matrix, as given                  E-n13-k4,         1
                                                       E-n31-k7
exact     ``euclid`` in double precision               G&H 200 (SINTEF), 1/10000
                                                       CMT
========  ==========================================  ================  ==========

The solvers work in integers (:class:`logistics.routing.RoutingProblem`).  For
``dimacs``, ``nint`` and ``explicit`` the integer matrix *is* the convention, so
solver costs are exact.  For ``exact`` the solver's distance is
``round(10000 * euclid)`` and its travel time ``ceil(10000 * euclid)`` (never
shorter than the truth, so a plan the solver finds on time is on time in double
precision); the re-costing in :mod:`benchmarks.route_quality.recost` uses the
double-precision values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from benchmarks.route_quality.instance import Instance

__all__ = ["CONVENTIONS", "Convention", "arc_matrix", "solver_matrices"]


@dataclass(frozen=True)
class Convention:
    """A distance convention: its name and solver units per set unit."""

    name: str
    scale: int


CONVENTIONS: dict[str, Convention] = {
    "dimacs": Convention("dimacs", 10),
    "nint": Convention("nint", 1),
    "explicit": Convention("explicit", 1),
    "exact": Convention("exact", 10_000),
}


def _integral(coords: np.ndarray) -> bool:
    return bool(np.all(coords == np.round(coords)))


def _dimacs_tenths(coords: np.ndarray) -> np.ndarray:
    """``floor(10 * euclid)`` exactly (integer square root when coordinates are integers)."""
    n = len(coords)
    if _integral(coords):
        xy = coords.astype(np.int64)
        sq = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
        out = np.empty((n, n), dtype=np.int64)
        for i in range(n):
            out[i] = [math.isqrt(100 * int(s)) for s in sq[i]]
        return out
    d = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2))
    return np.floor(10 * d + 1e-9).astype(np.int64)


def _euclid(coords: np.ndarray) -> np.ndarray:
    return np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2))


def arc_matrix(instance: Instance, convention: str) -> np.ndarray:
    """Arc distances (= travel times) in set units under ``convention``, as floats.

    Raises
    ------
    ValueError
        For an unknown convention, or ``explicit`` without a matrix.
    """
    if convention == "explicit" or instance.explicit is not None:
        if instance.explicit is None:
            raise ValueError(f"{instance.name}: no explicit matrix")
        return np.array(instance.explicit, dtype=np.float64)
    assert instance.coords is not None
    if convention == "dimacs":
        return _dimacs_tenths(instance.coords) / 10.0
    if convention == "nint":
        return np.floor(_euclid(instance.coords) + 0.5)
    if convention == "exact":
        return _euclid(instance.coords)
    raise ValueError(f"unknown distance convention {convention!r}")


def solver_matrices(instance: Instance, convention: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer ``(distance, duration, scale)`` matrices for the solvers.

    ``scale`` is the number of solver units per set unit (multiply windows,
    service times and route-length limits by it).
    """
    conv = CONVENTIONS[convention]
    if convention == "dimacs" and instance.explicit is None:
        assert instance.coords is not None
        tenths = _dimacs_tenths(instance.coords)
        return tenths, tenths, conv.scale
    arcs = arc_matrix(instance, convention)
    if convention == "exact":
        dist = np.rint(arcs * conv.scale).astype(np.int64)
        dur = np.ceil(arcs * conv.scale - 1e-6).astype(np.int64)
        return dist, dur, conv.scale
    ints = np.rint(arcs * conv.scale).astype(np.int64)
    return ints, ints, conv.scale
