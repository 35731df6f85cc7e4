"""Travel times behind one Protocol, so that planners do not care where they come from."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from numpy.typing import ArrayLike

from geo.matrix import TravelMatrices, straight_line_matrices, travel_matrices
from geo.network import RoadNetwork
from geo.paths import road_path

__all__ = ["OsmTravelTimes", "StraightLineTravelTimes", "TravelTimes"]


@runtime_checkable
class TravelTimes(Protocol):
    """Something that gives travel matrices and route geometries for one travel profile."""

    def matrices(self, points: ArrayLike, *, labels: Sequence[str] | None = None) -> TravelMatrices:
        """Duration (s) and distance (m) matrices between ``(n, 2)`` (lon, lat) points."""
        ...

    def path(self, a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
        """Route geometry from ``a`` to ``b`` as (lon, lat) vertices."""
        ...


class OsmTravelTimes:
    """Travel times on an OpenStreetMap road network.

    Parameters
    ----------
    net
        The network (its profile decides the speeds).
    cache_dir
        Matrix cache folder (default ``$FOODHUB_CACHE_DIR`` or ``~/.cache/foodhub``).
    use_cache
        ``False`` to disable the matrix cache.
    **options
        Passed on to :func:`geo.matrix.travel_matrices` (``off_network_m``, ``circuity`` ...).
    """

    def __init__(
        self,
        net: RoadNetwork,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        use_cache: bool = True,
        **options: float,
    ) -> None:
        self.net = net
        self._cache_dir = cache_dir
        self._use_cache = use_cache
        self._options = options

    def matrices(self, points: ArrayLike, *, labels: Sequence[str] | None = None) -> TravelMatrices:
        """See :func:`geo.matrix.travel_matrices`."""
        return travel_matrices(
            self.net,
            points,
            labels=labels,
            cache_dir=self._cache_dir,
            use_cache=self._use_cache,
            **self._options,
        )

    def path(self, a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
        """See :func:`geo.paths.road_path`."""
        off_network_m = self._options.get("off_network_m", 300.0)
        return road_path(self.net, a, b, off_network_m=off_network_m)


class StraightLineTravelTimes:
    """Great-circle distance × circuity at a constant speed (tests, rough estimates).

    Parameters
    ----------
    speed_kmh
        Constant speed, km/h.
    circuity
        Road distance / great-circle distance.
    """

    def __init__(self, speed_kmh: float = 30.0, circuity: float = 1.3) -> None:
        if not (speed_kmh > 0 and circuity > 0):
            raise ValueError("speed_kmh and circuity must be positive")
        self.speed_kmh = speed_kmh
        self.circuity = circuity

    def matrices(self, points: ArrayLike, *, labels: Sequence[str] | None = None) -> TravelMatrices:
        """See :func:`geo.matrix.straight_line_matrices`; ``labels`` is ignored."""
        return straight_line_matrices(points, speed_kmh=self.speed_kmh, circuity=self.circuity)

    def path(self, a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
        """The straight segment ``[a, b]``."""
        return [(float(a[0]), float(a[1])), (float(b[0]), float(b[1]))]
