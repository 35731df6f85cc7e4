"""Can every site be reached by road?  Sites too far from every network cannot be planned."""

from __future__ import annotations

import os

from geo.network import load_network
from geo.snapping import snap_points
from territory.errors import Problem
from territory.model import Producer, Territory, Venue

__all__ = ["MAX_OFF_NETWORK_M", "unreachable_sites"]

MAX_OFF_NETWORK_M = 100_000.0
"""Beyond this distance from every road network a site's travel times cannot be approximated."""


def unreachable_sites(
    territory: Territory,
    *,
    max_off_network_m: float = MAX_OFF_NETWORK_M,
    cache_dir: str | os.PathLike[str] | None = None,
) -> list[Problem]:
    """Venues and producers farther than ``max_off_network_m`` from every road network.

    Rows are spreadsheet rows of ``venues.csv`` / ``producers.csv`` (file order).
    Network files that cannot be read raise :class:`territory.errors.InputError`.
    """
    networks = [
        load_network(path, str(profile), cache_dir=cache_dir)
        for profile, path in territory.hub.network.items()
    ]
    if not networks:
        return []
    problems = []
    groups: tuple[tuple[str, tuple[Venue | Producer, ...]], ...] = (
        ("venues.csv", territory.venues),
        ("producers.csv", territory.producers),
    )
    for file, sites in groups:
        if not sites:
            continue
        points = [(s.lon, s.lat) for s in sites]
        nearest = [
            min(d)
            for d in zip(*(snap_points(net, points).distance_m for net in networks), strict=True)
        ]
        for row, (site, distance) in enumerate(zip(sites, nearest, strict=True), start=2):
            if distance > max_off_network_m:
                problems.append(
                    Problem(
                        file,
                        f"{site.id} is {distance / 1000:.0f} km from the nearest road of"
                        f" every network (more than {max_off_network_m / 1000:.0f} km):"
                        " too far to approximate; check lon/lat or bring a larger OSM extract",
                        row,
                        "lon",
                    )
                )
    return problems
