"""Distances on the Earth's surface and a local metric projection."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["EARTH_RADIUS_M", "great_circle_m", "local_xy_m"]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius, metres (IUGG)."""


def great_circle_m(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle (haversine) distance between points, broadcasting like numpy.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Coordinates in degrees, EPSG:4326.

    Returns
    -------
    numpy.ndarray
        Distances in metres (float64), shaped as the broadcast of the inputs.
    """
    lam1, phi1, lam2, phi2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2)
    )
    h = (
        np.sin((phi2 - phi1) / 2.0) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    )
    return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def local_xy_m(lon: ArrayLike, lat: ArrayLike, lat0: float) -> NDArray[np.float64]:
    """Project coordinates onto a plane tangent-like around latitude ``lat0``.

    An equirectangular projection: accurate to about 0.1 % over a city or a département,
    which is all that nearest-neighbour search needs (exact distances are then taken with
    :func:`great_circle_m`).

    Parameters
    ----------
    lon, lat
        Coordinates in degrees, EPSG:4326.
    lat0
        Reference latitude in degrees (e.g. the middle of the network).

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n, 2)``: x (east) and y (north) in metres.
    """
    lam = np.radians(np.asarray(lon, dtype=np.float64).ravel())
    phi = np.radians(np.asarray(lat, dtype=np.float64).ravel())
    x = EARTH_RADIUS_M * lam * np.cos(np.radians(lat0))
    y = EARTH_RADIUS_M * phi
    return np.column_stack([x, y])
