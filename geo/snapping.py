"""Snap (lon, lat) points to the nearest node of a road network."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from geo.distance import great_circle_m, local_xy_m
from geo.network import RoadNetwork
from territory.errors import InputError, Problem

__all__ = ["Snapped", "as_points", "snap_points"]

_TREES: weakref.WeakKeyDictionary[RoadNetwork, tuple[float, cKDTree]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, eq=False)
class Snapped:
    """Points snapped to network nodes.

    Attributes
    ----------
    node
        Index (not OSM id) of the nearest network node of each point, int64, shape ``(n,)``.
    distance_m
        Great-circle distance from each point to its node, metres, shape ``(n,)``.
    """

    node: NDArray[np.int64]
    distance_m: NDArray[np.float64]


def as_points(points: ArrayLike | Sequence[tuple[float, float]]) -> NDArray[np.float64]:
    """Check and convert points to a float64 array of shape ``(n, 2)`` holding (lon, lat).

    Raises
    ------
    InputError
        When the shape is wrong, a value is not finite, or a coordinate is out of range
        (the message names the point by its index).
    """
    array = np.asarray(points, dtype=np.float64)
    if array.size == 0:
        return np.zeros((0, 2))
    if array.ndim != 2 or array.shape[1] != 2:
        raise InputError(f"points must be (lon, lat) pairs; got an array of shape {array.shape}.")
    problems = []
    for i in np.flatnonzero(
        ~np.isfinite(array).all(axis=1)
        | (np.abs(array[:, 0]) > 180.0)
        | (np.abs(array[:, 1]) > 90.0)
    ):
        lon, lat = array[i]
        problems.append(
            Problem(file="", message=f"point {i} ({lon}, {lat}) is not a valid (lon, lat) pair.")
        )
    if problems:
        raise InputError(problems)
    return array


def snap_points(net: RoadNetwork, points: ArrayLike) -> Snapped:
    """Find the nearest network node of each point.

    The search runs on a k-d tree of node coordinates projected to metres around the network's
    mean latitude (:func:`geo.distance.local_xy_m`); the reported distance is the exact
    great-circle distance to the node found.

    Parameters
    ----------
    net
        The road network.
    points
        Array-like of shape ``(n, 2)``: (lon, lat) in degrees.

    Returns
    -------
    Snapped
        Node indices and snap distances in metres.

    Raises
    ------
    InputError
        When a point is not a valid (lon, lat) pair.
    """
    array = as_points(points)
    if array.shape[0] == 0:
        return Snapped(node=np.zeros(0, dtype=np.int64), distance_m=np.zeros(0))
    lat0, tree = _tree(net)
    _, node = tree.query(local_xy_m(array[:, 0], array[:, 1], lat0))
    node = np.asarray(node, dtype=np.int64)
    distance = great_circle_m(array[:, 0], array[:, 1], net.lon[node], net.lat[node])
    return Snapped(node=node, distance_m=distance)


def _tree(net: RoadNetwork) -> tuple[float, cKDTree]:
    cached = _TREES.get(net)
    if cached is None:
        lat0 = float(np.mean(net.lat))
        cached = (lat0, cKDTree(local_xy_m(net.lon, net.lat, lat0)))
        _TREES[net] = cached
    return cached
