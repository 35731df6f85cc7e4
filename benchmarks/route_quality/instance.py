"""Benchmark instances as read from their files, in the set's own (float) units.

Two formats are read, without any third-party reader:

- Solomon text (Solomon 100 and Gehring-Homberger 200): ``VEHICLE`` / ``NUMBER
  CAPACITY`` then one row per node ``id x y demand ready due service``; node 0 is
  the depot.
- VRPLIB ``.vrp`` (CVRPLIB X, Augerat, Christofides-Eilon, Fisher, CMT): header
  ``KEY : value`` lines, ``NODE_COORD_SECTION`` (EUC_2D) or
  ``EDGE_WEIGHT_SECTION`` (EXPLICIT, ``LOWER_ROW`` / ``LOWER_DIAG_ROW`` /
  ``FULL_MATRIX``), ``DEMAND_SECTION``, ``DEPOT_SECTION`` (depot must be node 1),
  optional ``DISTANCE`` (route-length limit) and ``SERVICE_TIME``.

Solutions (``.sol``): CVRPLIB ``Route #k: c1 c2 ...`` with a ``Cost`` line, or
SINTEF ``Route  k : c1 c2 ...`` without one.  Customers are location indices
(depot 0).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "Instance",
    "Solution",
    "minimum_vehicles",
    "read_solomon",
    "read_solution",
    "read_vrplib",
]


@dataclass(frozen=True, eq=False)
class Instance:
    """A capacitated routing instance; location 0 is the depot.

    Parameters
    ----------
    name
        Instance name (file stem).
    demand
        Demand per location (depot 0 first).
    capacity
        Vehicle capacity.
    num_vehicles
        Fleet size declared by the file, or ``None`` (unlimited in principle).
    coords
        ``(n, 2)`` float coordinates, or ``None`` when ``explicit`` is given.
    explicit
        ``(n, n)`` float distance matrix (EXPLICIT instances), or ``None``.
    ready, due, service
        Time windows and service times per location, or ``None`` (plain CVRP;
        ``service`` may still be set, e.g. CMT's ``SERVICE_TIME``).
    max_route_length
        Route-length limit (travel + service, CMT's ``DISTANCE``), or ``None``.
    """

    name: str
    demand: tuple[int, ...]
    capacity: int
    num_vehicles: int | None = None
    coords: np.ndarray | None = None
    explicit: np.ndarray | None = None
    ready: tuple[float, ...] | None = None
    due: tuple[float, ...] | None = None
    service: tuple[float, ...] | None = None
    max_route_length: float | None = None

    @property
    def size(self) -> int:
        """Number of locations, depot included."""
        return len(self.demand)

    @property
    def num_customers(self) -> int:
        """Number of customers (locations minus the depot)."""
        return len(self.demand) - 1

    @property
    def has_windows(self) -> bool:
        """Whether the instance has time windows (VRPTW)."""
        return self.ready is not None


@dataclass(frozen=True)
class Solution:
    """Routes of customer location indices, and the file's ``Cost`` if any."""

    routes: tuple[tuple[int, ...], ...]
    cost: float | None = None


def _number(text: str) -> float:
    return float(text)


def read_solomon(path: Path) -> Instance:
    """Read a Solomon-format text file (Solomon 100, Gehring-Homberger).

    Raises
    ------
    ValueError
        When the file has no fleet line or no node rows.
    """
    lines = [ln.split() for ln in path.read_text().splitlines()]
    num_vehicles = capacity = None
    rows: list[list[float]] = []
    for i, parts in enumerate(lines):
        if parts[:2] == ["NUMBER", "CAPACITY"]:
            num_vehicles, capacity = (int(x) for x in lines[i + 1][:2])
        if len(parts) == 7:
            try:
                rows.append([_number(p) for p in parts])
            except ValueError:
                continue
    if num_vehicles is None or capacity is None or not rows:
        raise ValueError(f"{path}: not a Solomon instance")
    rows.sort(key=lambda r: r[0])
    if [int(r[0]) for r in rows] != list(range(len(rows))):
        raise ValueError(f"{path}: node ids must be 0..n-1")
    return Instance(
        name=path.stem,
        demand=tuple(int(r[3]) for r in rows),
        capacity=capacity,
        num_vehicles=num_vehicles,
        coords=np.array([[r[1], r[2]] for r in rows], dtype=np.float64),
        ready=tuple(r[4] for r in rows),
        due=tuple(r[5] for r in rows),
        service=tuple(r[6] for r in rows),
    )


def _explicit(fmt: str, values: list[float], n: int) -> np.ndarray:
    mat = np.zeros((n, n), dtype=np.float64)
    it = iter(values)
    if fmt == "FULL_MATRIX":
        for i in range(n):
            for j in range(n):
                mat[i, j] = next(it)
        return mat
    diag = fmt == "LOWER_DIAG_ROW"
    if fmt not in ("LOWER_ROW", "LOWER_DIAG_ROW"):
        raise ValueError(f"EDGE_WEIGHT_FORMAT {fmt} is not supported")
    for i in range(n):
        for j in range(i + 1 if diag else i):
            mat[i, j] = mat[j, i] = next(it)
    return mat


def read_vrplib(path: Path) -> Instance:
    """Read a VRPLIB ``.vrp`` CVRP file (EUC_2D or EXPLICIT).

    Raises
    ------
    ValueError
        For a missing section, an unsupported edge-weight format, or a depot
        other than node 1.
    """
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        key = line.split()[0]
        if key.endswith("_SECTION"):
            current = key
            sections[current] = []
        elif ":" in line and not line[0].isdigit() and line[0] != "-":
            name, value = line.split(":", 1)
            header[name.strip().upper()] = value.strip().strip('"')
            current = None
        elif current is not None:
            sections[current].append(line.split())
    n = int(header["DIMENSION"])
    if "DEMAND_SECTION" not in sections:
        raise ValueError(f"{path}: no DEMAND_SECTION")
    demand = [0] * n
    for parts in sections["DEMAND_SECTION"]:
        demand[int(parts[0]) - 1] = int(parts[1])
    depots = [int(p[0]) for p in sections.get("DEPOT_SECTION", [["1"]]) if int(p[0]) > 0]
    if depots != [1]:
        raise ValueError(f"{path}: the depot must be node 1, got {depots}")
    coords = explicit = None
    if header.get("EDGE_WEIGHT_TYPE") == "EXPLICIT":
        values = [float(x) for parts in sections["EDGE_WEIGHT_SECTION"] for x in parts]
        explicit = _explicit(header.get("EDGE_WEIGHT_FORMAT", "").upper(), values, n)
    else:
        coords = np.zeros((n, 2), dtype=np.float64)
        for parts in sections["NODE_COORD_SECTION"]:
            coords[int(parts[0]) - 1] = (float(parts[1]), float(parts[2]))
    service = None
    if "SERVICE_TIME" in header:
        s = float(header["SERVICE_TIME"])
        service = (0.0,) + (s,) * (n - 1)
    vehicles = int(header["VEHICLES"]) if "VEHICLES" in header else None
    return Instance(
        name=path.stem,
        demand=tuple(demand),
        capacity=int(header["CAPACITY"]),
        num_vehicles=vehicles,
        coords=coords,
        explicit=explicit,
        service=service,
        max_route_length=float(header["DISTANCE"]) if "DISTANCE" in header else None,
    )


_ROUTE = re.compile(r"^Route\s*#?\s*\d+\s*:(.*)$", re.IGNORECASE)


def read_solution(path: Path) -> Solution:
    """Read a CVRPLIB or SINTEF ``.sol`` file."""
    routes: list[tuple[int, ...]] = []
    cost = None
    for line in path.read_text().splitlines():
        m = _ROUTE.match(line.strip())
        if m:
            stops = tuple(int(x) for x in m.group(1).split())
            if stops:
                routes.append(stops)
        elif line.strip().lower().startswith("cost"):
            cost = float(line.split()[1])
    return Solution(routes=tuple(routes), cost=cost)


def minimum_vehicles(instance: Instance) -> int:
    """``ceil(total demand / capacity)``: a lower bound on the number of routes."""
    return max(1, math.ceil(sum(instance.demand) / instance.capacity))
