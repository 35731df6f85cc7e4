"""The benchmark sets: where their files are, how to read them, their convention and objective.

Every set ships under ``benchmarks/instances/<folder>/`` with a ``README.md``
(source, licence, BKS provenance) and ``bks.csv``.

=============  ======  =====================  ==========  =============================
set            count   folder                 convention  objective of ``bks_distance``
=============  ======  =====================  ==========  =============================
solomon        56      solomon                dimacs      distance only
gh200          60      gehring_homberger_200  exact       hierarchical: vehicles, then
                                                          distance (SINTEF)
x              100     cvrp_x                 nint        distance
cvrp-classic   109     cvrp_classic           per file    distance (all proven optimal)
=============  ======  =====================  ==========  =============================

For a hierarchical set the solver is given a fixed cost per vehicle larger than
any possible route distance, so it minimises vehicles first, and the gap is only
"like with like" when the run uses as many vehicles as the best-known solution.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.route_quality.conventions import solver_matrices
from benchmarks.route_quality.instance import Instance, minimum_vehicles, read_solomon, read_vrplib
from logistics.routing import Profile, RoutingProblem, Stop, VehicleType

__all__ = [
    "INSTANCES_DIR",
    "SETS",
    "BenchmarkSet",
    "Bks",
    "build_problem",
    "fleet_size",
]

INSTANCES_DIR = Path(__file__).resolve().parents[1] / "instances"

_CLASSIC_CONVENTIONS = {
    "nint_euclidean": "nint",
    "explicit_matrix": "explicit",
    "unrounded_euclidean": "exact",
}


@dataclass(frozen=True)
class Bks:
    """Best-known solution figures of one instance, in set units."""

    distance: float
    vehicles: int | None
    convention: str


def _solomon_class(name: str) -> str:
    """``C1``, ``C2``, ``R1``, ``R2``, ``RC1``, ``RC2`` from ``C101`` or ``c1_2_1``."""
    m = re.match(r"([A-Za-z]+)(\d)", name)
    assert m, name
    return (m.group(1) + m.group(2)).upper()


def _x_class(name: str) -> str:
    n = int(re.search(r"-n(\d+)-", name).group(1)) - 1  # type: ignore[union-attr]
    for hi in (200, 300, 500):
        if n <= hi:
            return f"n<={hi}"
    return "n>500"


def _classic_class(name: str) -> str:
    return "CMT" if name.startswith("CMT") else name.split("-")[0]


@dataclass(frozen=True)
class BenchmarkSet:
    """One standard set: folder, reader, convention(s), objective and class names."""

    name: str
    folder: str
    extension: str
    reader: Callable[[Path], Instance]
    objective: str  # "distance" or "hierarchical"
    class_of: Callable[[str], str]
    convention: str | None  # None: per instance, from bks.csv
    quick: tuple[str, ...]
    description: str

    @property
    def path(self) -> Path:
        """Folder of the instance files."""
        return INSTANCES_DIR / self.folder

    def bks(self) -> dict[str, Bks]:
        """``{instance: Bks}`` from the set's ``bks.csv``."""
        out: dict[str, Bks] = {}
        with (self.path / "bks.csv").open() as f:
            for row in csv.DictReader(f):
                conv = self.convention or _CLASSIC_CONVENTIONS[row["distance_convention"]]
                veh = row.get("bks_vehicles") or ""
                if (
                    not veh
                    and self.name == "cvrp-classic"
                    and not row["instance"].startswith("CMT")
                ):
                    veh = row["instance"].rsplit("-k", 1)[1]  # the fleet of the optimum: k
                out[row["instance"]] = Bks(
                    float(row["bks_distance"]), int(veh) if veh else None, conv
                )
        return out

    def file(self, name: str) -> Path:
        """Path of an instance file (searched in sub-folders too)."""
        direct = self.path / f"{name}.{self.extension}"
        if direct.exists():
            return direct
        found = sorted(self.path.glob(f"**/{name}.{self.extension}"))
        if not found:
            raise FileNotFoundError(f"{name} is not an instance of {self.name}")
        return found[0]

    def read(self, name: str) -> Instance:
        """Read instance ``name``."""
        return self.reader(self.file(name))

    def solution_file(self, name: str) -> Path | None:
        """The best-known ``.sol`` of ``name`` when shipped."""
        sol = self.file(name).with_suffix(".sol")
        return sol if sol.exists() else None


SETS: dict[str, BenchmarkSet] = {
    "solomon": BenchmarkSet(
        "solomon",
        "solomon",
        "txt",
        read_solomon,
        "distance",
        _solomon_class,
        "dimacs",
        ("C101", "R101"),
        "Solomon VRPTW, 56 x 100 customers, DIMACS, distance only (CVRPLIB BKS)",
    ),
    "gh200": BenchmarkSet(
        "gh200",
        "gehring_homberger_200",
        "txt",
        read_solomon,
        "hierarchical",
        _solomon_class,
        "exact",
        ("c1_2_1", "r1_2_1"),
        "Gehring-Homberger VRPTW, 60 x 200 customers, double precision, "
        "vehicles then distance (SINTEF BKS)",
    ),
    "x": BenchmarkSet(
        "x",
        "cvrp_x",
        "vrp",
        read_vrplib,
        "distance",
        _x_class,
        "nint",
        ("X-n101-k25", "X-n106-k14"),
        "CVRPLIB X (Uchoa et al. 2017), 100 instances n = 100-1000, nint, distance",
    ),
    "cvrp-classic": BenchmarkSet(
        "cvrp-classic",
        "cvrp_classic",
        "vrp",
        read_vrplib,
        "distance",
        _classic_class,
        None,
        ("E-n13-k4", "P-n16-k8"),
        "Classic CVRP: Augerat A/B/P, Christofides-Eilon E, Fisher F, CMT M and CMT1-14 "
        "(109, all optimal; nint, explicit or unrounded)",
    ),
}


def fleet_size(instance: Instance) -> int:
    """Vehicles offered to the solver.

    The declared fleet; for the classic A/B/E/F/M/P sets the ``k`` of the name (their optimal
    values use k vehicles; fewer routes than k can be cheaper and are then not comparable);
    else (CVRPLIB X, CMT) generous: ``2 * ceil(demand / capacity) + 2``.
    """
    if instance.num_vehicles is not None:
        return instance.num_vehicles
    m = re.fullmatch(r"[ABEFMP]-n\d+-k(\d+)", instance.name)
    if m:  # classic Augerat/Eilon/Fisher/CMT-M sets: optimal values are for k vehicles
        return int(m.group(1))
    k = minimum_vehicles(instance)
    return min(instance.num_customers, 2 * k + 2)


def build_problem(instance: Instance, convention: str, objective: str) -> RoutingProblem:
    """The solver-neutral :class:`RoutingProblem` of a benchmark instance.

    ``objective`` ``distance``: 1 per distance unit, vehicles free;
    ``hierarchical``: also a fixed cost per vehicle above any total distance.
    """
    dist, dur, scale = solver_matrices(instance, convention)
    windows = instance.ready is not None and instance.due is not None
    service = instance.service or (0.0,) * instance.size
    stops = []
    for k in range(1, instance.size):
        win = (
            ((round(instance.ready[k] * scale), round(instance.due[k] * scale)),)  # type: ignore[index]
            if windows
            else ((0, 2**40),)
        )
        stops.append(
            Stop(
                location=k,
                delivery=(instance.demand[k],),
                service_s=round(service[k] * scale),
                windows=win,
                label=str(k),
            )
        )
    shift = (
        (round(instance.ready[0] * scale), round(instance.due[0] * scale))  # type: ignore[index]
        if windows
        else (0, 2**40)
    )
    fixed = 0
    if objective == "hierarchical":
        fixed = int(dist.max()) * (instance.size + 1)
    elif objective != "distance":
        raise ValueError(f"unknown objective {objective!r}")
    max_duration = (
        int(instance.max_route_length * scale) if instance.max_route_length is not None else None
    )
    fleet = VehicleType(
        count=fleet_size(instance),
        capacity=(instance.capacity,),
        profile="bench",
        shift=shift,
        max_duration_s=max_duration,
        fixed_cost=fixed,
        cost_per_m=1,
        label="vehicle",
    )
    coords = (
        tuple((float(x), float(y)) for x, y in instance.coords)
        if instance.coords is not None
        else None
    )
    return RoutingProblem(
        dimensions=("demand",),
        profiles={"bench": Profile(duration_s=dur, distance_m=dist)},
        stops=tuple(stops),
        vehicle_types=(fleet,),
        coordinates=coords,
        name=instance.name,
    )
