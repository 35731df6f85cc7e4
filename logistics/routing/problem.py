"""Solver-neutral routing problem: frozen records in integer units.

Everything an engine needs is here and nothing else: load dimensions, travel
matrices per profile, client stops, vehicle types.  Location 0 of every matrix
is the depot (the hub).  All quantities are integers: seconds, metres (or the
caller's distance unit, e.g. tenths for Solomon), grams or millilitres, and a
cost unit chosen by the caller (the food layer uses millicents).

Objective (see :func:`logistics.routing.schedule.route_cost`)::

    sum over used vehicles of  fixed_cost + cost_per_m * distance + cost_per_s * duration
    + sum of penalties of unserved stops

where a route's duration runs from leaving the depot to coming back, waiting
included.

Driver breaks
-------------
A :class:`Break` is required on every *used* vehicle of a type that has one
(whatever the route's length).  It is taken at the location of the previous
visit, after leaving it, and must *start* in ``[earliest_start_s,
latest_start_s]``; it lasts ``duration_s`` and counts in the route duration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from territory.errors import InputError, Problem

__all__ = ["Break", "Profile", "RoutingProblem", "Stop", "VehicleType"]

_FILE = "RoutingProblem"
#: Largest time or quantity accepted; keeps every engine clear of int64 overflow.
MAX_VALUE = 2**40


def _bad(column: str, message: str) -> InputError:
    return InputError([Problem(file=_FILE, column=column, message=message)])


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_int(column: str, value: Any, *, low: int = 0, high: int = MAX_VALUE) -> int:
    if not _is_int(value):
        raise _bad(column, f"must be an integer, got {value!r}")
    if not low <= int(value) <= high:
        raise _bad(column, f"must be in [{low}, {high}], got {value}")
    return int(value)


def _int_tuple(column: str, values: Any) -> tuple[int, ...]:
    try:
        items = tuple(values)
    except TypeError:
        raise _bad(column, f"must be a sequence of integers, got {values!r}") from None
    return tuple(_check_int(f"{column}[{i}]", v) for i, v in enumerate(items))


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True, eq=False)
class Profile:
    """Travel matrices of one routing profile (``drive``, ``bike``, ...).

    Parameters
    ----------
    duration_s
        Square int64 matrix of travel times in seconds; row = from, column = to.
    distance_m
        Square int64 matrix of travel distances (metres, or the caller's unit).

    Raises
    ------
    InputError
        When a matrix is not square, not integer, negative, or the shapes differ.
    """

    duration_s: np.ndarray
    distance_m: np.ndarray

    def __post_init__(self) -> None:
        for name in ("duration_s", "distance_m"):
            raw = np.asarray(getattr(self, name))
            if raw.ndim != 2 or raw.shape[0] != raw.shape[1] or raw.shape[0] < 1:
                raise _bad(name, f"must be a square matrix, got shape {raw.shape}")
            if not np.issubdtype(raw.dtype, np.integer):
                raise _bad(name, f"must hold integers, got dtype {raw.dtype}")
            if raw.size and (raw.min() < 0 or raw.max() > MAX_VALUE):
                raise _bad(name, f"entries must be in [0, {MAX_VALUE}]")
            arr = np.array(raw, dtype=np.int64)
            arr.flags.writeable = False
            _set(self, name, arr)
        if self.duration_s.shape != self.distance_m.shape:
            raise _bad("distance_m", "must have the same shape as duration_s")

    @property
    def size(self) -> int:
        """Number of locations."""
        return int(self.duration_s.shape[0])


@dataclass(frozen=True)
class Break:
    """A driver break that must start in ``[earliest_start_s, latest_start_s]``."""

    earliest_start_s: int
    latest_start_s: int
    duration_s: int

    def __post_init__(self) -> None:
        _check_int("break_.earliest_start_s", self.earliest_start_s)
        _check_int("break_.latest_start_s", self.latest_start_s, low=self.earliest_start_s)
        _check_int("break_.duration_s", self.duration_s)


@dataclass(frozen=True)
class Stop:
    """One client visit (a venue delivery or a farm pickup).

    Parameters
    ----------
    location
        Row/column of the travel matrices (>= 1; 0 is the depot).
    delivery, pickup
        Loads per dimension: deliveries are loaded at the depot at the start of
        the trip, pickups stay on board until the vehicle is back at the depot.
    service_s
        Time spent at the stop, in seconds.
    windows
        One or several ``(start_s, end_s)`` windows; service must *start* in one
        of them (it may end after the window closes).  Sorted, non-overlapping.
    required, penalty
        A stop that is not required may be left unserved at cost ``penalty``.
    allowed_vehicle_types
        Indices of the vehicle types that may serve the stop; ``None`` means all.
    label
        Free text for reports.
    """

    location: int
    delivery: tuple[int, ...] = ()
    pickup: tuple[int, ...] = ()
    service_s: int = 0
    windows: tuple[tuple[int, int], ...] = ((0, MAX_VALUE),)
    required: bool = True
    penalty: int = 0
    allowed_vehicle_types: frozenset[int] | None = None
    label: str = ""

    def __post_init__(self) -> None:
        _check_int("location", self.location, low=1)
        _set(self, "delivery", _int_tuple("delivery", self.delivery))
        _set(self, "pickup", _int_tuple("pickup", self.pickup))
        _check_int("service_s", self.service_s)
        _check_int("penalty", self.penalty)
        if not isinstance(self.required, bool):
            raise _bad("required", f"must be a bool, got {self.required!r}")
        windows = tuple(tuple(w) for w in self.windows)
        if not windows:
            raise _bad("windows", "at least one time window is needed")
        previous_end = -1
        for i, w in enumerate(windows):
            if len(w) != 2:
                raise _bad(f"windows[{i}]", f"must be a (start_s, end_s) pair, got {w!r}")
            start = _check_int(f"windows[{i}]", w[0])
            _check_int(f"windows[{i}]", w[1], low=start)
            if start <= previous_end:
                raise _bad(f"windows[{i}]", "windows must be sorted and must not overlap")
            previous_end = int(w[1])
        _set(self, "windows", tuple((int(a), int(b)) for a, b in windows))
        if self.allowed_vehicle_types is not None:
            allowed = frozenset(self.allowed_vehicle_types)
            for t in allowed:
                _check_int("allowed_vehicle_types", t)
            if not allowed:
                raise _bad("allowed_vehicle_types", "empty set: no vehicle may serve the stop")
            _set(self, "allowed_vehicle_types", allowed)

    def allows(self, vehicle_type: int) -> bool:
        """Whether vehicles of type ``vehicle_type`` may serve this stop."""
        return self.allowed_vehicle_types is None or vehicle_type in self.allowed_vehicle_types


@dataclass(frozen=True)
class VehicleType:
    """A group of identical vehicles.

    Parameters
    ----------
    count
        Number of vehicles available (>= 1).
    capacity
        Capacity per load dimension.
    profile
        Name of the travel profile in :attr:`RoutingProblem.profiles`.
    shift
        ``(start_s, end_s)``: leave the depot at or after start, be back by end.
    max_duration_s
        Longest route (leave depot to return, waiting included), or ``None``.
    fixed_cost, cost_per_m, cost_per_s
        Cost of using a vehicle, per distance unit and per second of route duration.
    max_trips, reload_s
        Trips per shift (>= 1); each return to the depot to reload takes ``reload_s``.
    break_
        Driver break required on every used vehicle, or ``None``.
    label
        Free text for reports.
    """

    count: int
    capacity: tuple[int, ...]
    profile: str
    shift: tuple[int, int] = (0, MAX_VALUE)
    max_duration_s: int | None = None
    fixed_cost: int = 0
    cost_per_m: int = 1
    cost_per_s: int = 0
    max_trips: int = 1
    reload_s: int = 0
    break_: Break | None = None
    label: str = ""

    def __post_init__(self) -> None:
        _check_int("count", self.count, low=1)
        _set(self, "capacity", _int_tuple("capacity", self.capacity))
        if not isinstance(self.profile, str):
            raise _bad("profile", f"must be a profile name, got {self.profile!r}")
        shift = tuple(self.shift)
        if len(shift) != 2:
            raise _bad("shift", f"must be a (start_s, end_s) pair, got {self.shift!r}")
        start = _check_int("shift", shift[0])
        _check_int("shift", shift[1], low=start)
        _set(self, "shift", (int(shift[0]), int(shift[1])))
        if self.max_duration_s is not None:
            _check_int("max_duration_s", self.max_duration_s)
        _check_int("fixed_cost", self.fixed_cost)
        _check_int("cost_per_m", self.cost_per_m, high=2**20)
        _check_int("cost_per_s", self.cost_per_s, high=2**20)
        _check_int("max_trips", self.max_trips, low=1, high=1000)
        _check_int("reload_s", self.reload_s)
        if self.break_ is not None and not isinstance(self.break_, Break):
            raise _bad("break_", f"must be a Break or None, got {self.break_!r}")


@dataclass(frozen=True, eq=False)
class RoutingProblem:
    """A day's routing problem, solver-neutral and in integer units.

    Parameters
    ----------
    dimensions
        Names of the load dimensions, e.g. ``("mass_g", "ambient_ml")``.
    profiles
        Travel matrices per profile name; all of the same size; location 0 is the depot.
    stops
        The client visits; results refer to them by index in this tuple.
    vehicle_types
        The fleet.
    coordinates
        Optional ``(x, y)`` per location (e.g. lon/lat); some engines use them
        as a search hint, never as distances.
    name
        Free text.

    Raises
    ------
    InputError
        Naming the bad field, e.g. ``stops[3].delivery`` of the wrong length.
    """

    dimensions: tuple[str, ...]
    profiles: Mapping[str, Profile]
    stops: tuple[Stop, ...]
    vehicle_types: tuple[VehicleType, ...]
    coordinates: tuple[tuple[float, float], ...] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        dims = tuple(self.dimensions)
        if len(set(dims)) != len(dims) or not all(isinstance(d, str) for d in dims):
            raise _bad("dimensions", "must be distinct names")
        _set(self, "dimensions", dims)
        if not self.profiles:
            raise _bad("profiles", "at least one profile is needed")
        profiles = dict(self.profiles)
        sizes = set()
        for name, prof in profiles.items():
            if not isinstance(prof, Profile):
                raise _bad(f"profiles[{name!r}]", "must be a Profile")
            sizes.add(prof.size)
        if len(sizes) != 1:
            raise _bad("profiles", f"all matrices must have the same size, got {sorted(sizes)}")
        _set(self, "profiles", MappingProxyType(profiles))
        n = sizes.pop()
        stops = tuple(self.stops)
        for i, s in enumerate(stops):
            if not isinstance(s, Stop):
                raise _bad(f"stops[{i}]", "must be a Stop")
            if s.location >= n:
                raise _bad(f"stops[{i}].location", f"{s.location} is not below {n} locations")
            for fld in ("delivery", "pickup"):
                vec = getattr(s, fld)
                if vec == () and dims:
                    _set(s, fld, (0,) * len(dims))
                elif len(vec) != len(dims):
                    raise _bad(f"stops[{i}].{fld}", f"needs {len(dims)} values, got {len(vec)}")
            if s.allowed_vehicle_types is not None:
                bad = [t for t in s.allowed_vehicle_types if t >= len(self.vehicle_types)]
                if bad:
                    raise _bad(f"stops[{i}].allowed_vehicle_types", f"unknown types {bad}")
        _set(self, "stops", stops)
        vts = tuple(self.vehicle_types)
        if not vts:
            raise _bad("vehicle_types", "at least one vehicle type is needed")
        for k, vt in enumerate(vts):
            if not isinstance(vt, VehicleType):
                raise _bad(f"vehicle_types[{k}]", "must be a VehicleType")
            if len(vt.capacity) != len(dims):
                raise _bad(
                    f"vehicle_types[{k}].capacity",
                    f"needs {len(dims)} values, got {len(vt.capacity)}",
                )
            if vt.profile not in profiles:
                raise _bad(f"vehicle_types[{k}].profile", f"unknown profile {vt.profile!r}")
        _set(self, "vehicle_types", vts)
        if self.coordinates is not None:
            coords = tuple((float(x), float(y)) for x, y in self.coordinates)
            if len(coords) != n:
                raise _bad("coordinates", f"needs {n} pairs, got {len(coords)}")
            _set(self, "coordinates", coords)

    @property
    def num_locations(self) -> int:
        """Number of locations, depot included."""
        return next(iter(self.profiles.values())).size

    @property
    def num_vehicles(self) -> int:
        """Total number of vehicles over all types."""
        return sum(vt.count for vt in self.vehicle_types)

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle; rebuild from plain values.
        return (
            RoutingProblem,
            (
                self.dimensions,
                dict(self.profiles),
                self.stops,
                self.vehicle_types,
                self.coordinates,
                self.name,
            ),
        )
