"""Many-to-many travel matrices (durations and distances) on a road network.

How an entry ``(i, j)`` is made, for points snapped to their nearest network node:

* **On-network points** (snap distance at most ``off_network_m``): snap leg of ``i`` + fastest
  network path from ``i``'s node to ``j``'s node + snap leg of ``j``.  The network part is the
  *fastest* path (ties broken by the shorter distance); its duration and its distance are both
  measured along that same path (one Dijkstra run on the packed key of
  :attr:`geo.network.RoadNetwork.routing_key`).  A snap leg is the straight line between a
  point and its node, covered at ``snap_speed_kmh`` (default 5 km/h: the driver parks at the
  nearest road node and walks with a trolley; its distance counts in ``distance_m``).
* **Off-network points** (snap distance above ``off_network_m``, default 300 m): their rows and
  columns are approximated.  Between an off-network point and an on-network point ``j``: the
  great-circle distance from the off-network point to ``j``'s node × ``circuity`` (default 1.3),
  driven at ``regional_speed_kmh`` (default 60 km/h by van, 15 km/h by bike), plus ``j``'s
  snap leg.  Between two off-network points: great-circle distance × ``circuity`` at
  ``regional_speed_kmh``.  An :class:`OffNetworkWarning` names them and
  :attr:`TravelMatrices.approximated` lists them.
* Points farther than ``max_off_network_m`` (default 100 km) from every node are refused.

The diagonal is 0.  Results are rounded to whole seconds and metres (int64).
"""

from __future__ import annotations

import json
import logging
import os
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import dijkstra

from geo.cache import cache_key, read_entry, resolve_cache_dir, write_entry
from geo.distance import great_circle_m
from geo.network import (
    DISTANCE_RESOLUTION_M,
    DURATION_RESOLUTION_S,
    KEY_SHIFT,
    NETWORK_CODE_VERSION,
    RoadNetwork,
)
from geo.profiles import BIKE_SPEED_KMH
from geo.snapping import as_points, snap_points
from territory.errors import InputError, Problem

__all__ = [
    "MATRIX_CODE_VERSION",
    "REGIONAL_SPEED_KMH",
    "OffNetworkWarning",
    "TravelMatrices",
    "network_matrices",
    "straight_line_matrices",
    "travel_matrices",
]

logger = logging.getLogger(__name__)

MATRIX_CODE_VERSION = "geo-matrix-1"
"""Changes whenever the way matrices are computed changes; part of every matrix cache key."""


REGIONAL_SPEED_KMH: Mapping[str, float] = {"drive": 60.0, "bike": BIKE_SPEED_KMH}
"""Default speed on approximated (off-network) legs per profile, km/h."""


class OffNetworkWarning(UserWarning):
    """Some points are too far from the road network; their travel times are approximated."""


@dataclass(frozen=True, eq=False)
class TravelMatrices:
    """Travel durations and distances between points, row = from, column = to.

    Attributes
    ----------
    duration_s
        int64 array ``(n, n)``, seconds.
    distance_m
        int64 array ``(n, n)``, metres.
    snap_distance_m
        float64 array ``(n,)``: distance from each point to its network node, metres
        (0 for straight-line matrices).
    approximated
        Indices of the points whose rows and columns are approximated (off the network).
    """

    duration_s: NDArray[np.int64]
    distance_m: NDArray[np.int64]
    snap_distance_m: NDArray[np.float64]
    approximated: tuple[int, ...] = ()


def network_matrices(
    net: RoadNetwork, nodes: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Fastest-path durations and distances between network nodes.

    Parameters
    ----------
    net
        The network.
    nodes
        Node indices, shape ``(k,)``; duplicates allowed.

    Returns
    -------
    (duration_s, distance_m)
        float64 arrays ``(k, k)``: duration in seconds and distance in metres of the fastest
        path (ties broken by distance) from ``nodes[a]`` to ``nodes[b]``.
    """
    node_array = np.asarray(nodes, dtype=np.int64)
    unique, inverse = np.unique(node_array, return_inverse=True)
    if unique.size == 0:
        return np.zeros((0, 0)), np.zeros((0, 0))
    key = dijkstra(net.routing_key, directed=True, indices=unique)[:, unique]
    if not np.isfinite(key).all():  # cannot happen on a strongly connected network
        raise RuntimeError("network is not strongly connected")
    duration_units = np.floor(key / KEY_SHIFT)
    distance_units = key - duration_units * KEY_SHIFT
    take = np.ix_(inverse, inverse)
    return (
        duration_units[take] * DURATION_RESOLUTION_S,
        distance_units[take] * DISTANCE_RESOLUTION_M,
    )


def travel_matrices(
    net: RoadNetwork,
    points: ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    snap_speed_kmh: float = 5.0,
    off_network_m: float = 300.0,
    max_off_network_m: float = 100_000.0,
    circuity: float = 1.3,
    regional_speed_kmh: float | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
) -> TravelMatrices:
    """Duration and distance matrices between points on one profile's network.

    See the module docstring for how each entry is made.  A mixed-fleet caller calls this
    once per profile.

    Parameters
    ----------
    net
        The road network (its profile decides the speeds).
    points
        ``(n, 2)`` array-like of (lon, lat), degrees.
    labels
        Names of the points used in warnings and errors (default: their indices).
    snap_speed_kmh
        Speed on the snap legs, km/h.
    off_network_m
        Snap distance above which a point is off-network and approximated, metres.
    max_off_network_m
        Snap distance above which a point is refused, metres.
    circuity
        Road distance / great-circle distance used for approximated legs.
    regional_speed_kmh
        Speed on approximated legs, km/h; default :data:`REGIONAL_SPEED_KMH` of the
        network's profile (60 km/h by van, 15 km/h by cargo bike).
    cache_dir
        Folder of the on-disk matrix cache (default as :func:`geo.network.load_network`).
    use_cache
        ``False`` to neither read nor write the cache.

    Returns
    -------
    TravelMatrices
        int64 matrices in seconds and metres, snap distances, approximated point indices.

    Warns
    -----
    OffNetworkWarning
        When some points are off-network (naming them).

    Raises
    ------
    InputError
        When a point is not a valid (lon, lat) pair, is farther than ``max_off_network_m``
        from the network, or when ``labels`` does not match the points.
    """
    started = time.perf_counter()
    array = as_points(points)
    n = array.shape[0]
    if labels is not None and len(labels) != n:
        raise InputError(f"{len(labels)} labels were given for {n} points.")
    names = [str(i) for i in range(n)] if labels is None else [str(x) for x in labels]
    if regional_speed_kmh is None:
        regional_speed_kmh = REGIONAL_SPEED_KMH[net.profile]
    for name, value in (
        ("snap_speed_kmh", snap_speed_kmh),
        ("regional_speed_kmh", regional_speed_kmh),
        ("circuity", circuity),
    ):
        if not value > 0:
            raise InputError(f"{name} must be positive; got {value}.")
    params = {
        "snap_speed_kmh": snap_speed_kmh,
        "off_network_m": off_network_m,
        "max_off_network_m": max_off_network_m,
        "circuity": circuity,
        "regional_speed_kmh": regional_speed_kmh,
    }
    entry_path = (
        resolve_cache_dir(cache_dir)
        / "matrices"
        / (
            cache_key(
                net.content_hash,
                net.profile,
                NETWORK_CODE_VERSION,
                MATRIX_CODE_VERSION,
                json.dumps(params, sort_keys=True),
                array.tobytes(),
            )
            + ".npz"
        )
    )
    cached = read_entry(entry_path) if use_cache and n > 0 else None
    if cached is not None:
        result = TravelMatrices(
            duration_s=cached["duration_s"],
            distance_m=cached["distance_m"],
            snap_distance_m=cached["snap_distance_m"],
            approximated=tuple(int(i) for i in cached["approximated"]),
        )
        _warn_off_network(result, names, off_network_m)
        return result

    snapped = snap_points(net, array)
    too_far = np.flatnonzero(snapped.distance_m > max_off_network_m)
    if too_far.size:
        raise InputError(
            [
                Problem(
                    file="",
                    message=(
                        f"point {names[i]} ({array[i, 0]:.6f}, {array[i, 1]:.6f}) is "
                        f"{snapped.distance_m[i] / 1000:.1f} km from the nearest road of the "
                        f"{net.profile} network, more than the {max_off_network_m / 1000:g} km "
                        "limit; check its coordinates (lon, lat order?) or load a larger extract."
                    ),
                )
                for i in too_far
            ]
        )
    off = snapped.distance_m > off_network_m
    on = ~off
    snap_m = snapped.distance_m
    snap_s = snap_m / (snap_speed_kmh / 3.6)
    duration = np.zeros((n, n))
    distance = np.zeros((n, n))

    on_idx = np.flatnonzero(on)
    net_duration, net_distance = network_matrices(net, snapped.node[on_idx])
    take = np.ix_(on_idx, on_idx)
    duration[take] = net_duration + snap_s[on_idx, None] + snap_s[None, on_idx]
    distance[take] = net_distance + snap_m[on_idx, None] + snap_m[None, on_idx]

    off_idx = np.flatnonzero(off)
    if off_idx.size:
        regional_ms = regional_speed_kmh / 3.6
        node = snapped.node
        # off -> on: to j's node, then j's snap leg (and the reverse for on -> off)
        gc = great_circle_m(
            array[off_idx, 0, None],
            array[off_idx, 1, None],
            net.lon[node[on_idx]],
            net.lat[node[on_idx]],
        )
        leg_m = gc * circuity + snap_m[None, on_idx]
        leg_s = gc * circuity / regional_ms + snap_s[None, on_idx]
        distance[np.ix_(off_idx, on_idx)] = leg_m
        duration[np.ix_(off_idx, on_idx)] = leg_s
        distance[np.ix_(on_idx, off_idx)] = leg_m.T
        duration[np.ix_(on_idx, off_idx)] = leg_s.T
        gc_off = great_circle_m(
            array[off_idx, 0, None], array[off_idx, 1, None], array[off_idx, 0], array[off_idx, 1]
        )
        distance[np.ix_(off_idx, off_idx)] = gc_off * circuity
        duration[np.ix_(off_idx, off_idx)] = gc_off * circuity / regional_ms
    np.fill_diagonal(duration, 0.0)
    np.fill_diagonal(distance, 0.0)

    result = TravelMatrices(
        duration_s=np.rint(duration).astype(np.int64),
        distance_m=np.rint(distance).astype(np.int64),
        snap_distance_m=snap_m,
        approximated=tuple(int(i) for i in off_idx),
    )
    logger.info(
        "%s travel matrices for %d points (%d unique nodes, %d approximated) in %.2f s",
        net.profile,
        n,
        np.unique(snapped.node[on_idx]).size,
        off_idx.size,
        time.perf_counter() - started,
    )
    if use_cache and n > 0:
        write_entry(
            entry_path,
            {
                "duration_s": result.duration_s,
                "distance_m": result.distance_m,
                "snap_distance_m": result.snap_distance_m,
                "approximated": np.asarray(result.approximated, dtype=np.int64),
            },
        )
    _warn_off_network(result, names, off_network_m)
    return result


def straight_line_matrices(
    points: ArrayLike, *, speed_kmh: float = 30.0, circuity: float = 1.3
) -> TravelMatrices:
    """Great-circle distance × ``circuity`` at a constant speed, for tests and rough estimates.

    Parameters
    ----------
    points
        ``(n, 2)`` array-like of (lon, lat), degrees.
    speed_kmh
        Constant speed, km/h.
    circuity
        Road distance / great-circle distance.

    Returns
    -------
    TravelMatrices
        Symmetric int64 matrices (seconds, metres); no point is approximated.
    """
    array = as_points(points)
    gc = great_circle_m(array[:, 0, None], array[:, 1, None], array[:, 0], array[:, 1])
    distance = gc * circuity
    return TravelMatrices(
        duration_s=np.rint(distance / (speed_kmh / 3.6)).astype(np.int64),
        distance_m=np.rint(distance).astype(np.int64),
        snap_distance_m=np.zeros(array.shape[0]),
    )


def _warn_off_network(result: TravelMatrices, names: list[str], off_network_m: float) -> None:
    if not result.approximated:
        return
    listed = ", ".join(
        f"{names[i]} ({result.snap_distance_m[i]:.0f} m)" for i in result.approximated[:20]
    )
    more = len(result.approximated) - 20
    if more > 0:
        listed += f" and {more} more"
    warnings.warn(
        f"{len(result.approximated)} point(s) lie more than {off_network_m:g} m from the road "
        f"network; their travel times are straight-line estimates: {listed}.",
        OffNetworkWarning,
        stacklevel=3,
    )
