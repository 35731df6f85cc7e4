"""Travel times of a territory: one road network per travel profile named in ``hub.toml``.

``[network]`` in ``hub.toml`` maps a profile (``drive``, ``bike``) to an OpenStreetMap
extract.  A profile without its own file uses another profile's extract, read with its
own rules (a cargo bike on the drive extract avoids motorways and rides at bike speed).
A territory without any extract gets straight-line estimates (great-circle distance
× circuity at an urban speed), with a warning: good enough to try the tool, not to
drive by.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from geo.network import load_network
from geo.travel import OsmTravelTimes, StraightLineTravelTimes, TravelTimes
from territory.model import Territory

__all__ = ["STRAIGHT_LINE_SPEED_KMH", "territory_travel_times", "travel_source"]

logger = logging.getLogger(__name__)

STRAIGHT_LINE_SPEED_KMH = {"drive": 25.0, "bike": 13.0}
"""Door-to-door speeds (km/h) used when a territory has no road network at all."""


def travel_source(territory: Territory) -> str:
    """``road network`` or ``straight-line estimates``: what travel times will rest on."""
    return "road network" if territory.hub.network else "straight-line estimates"


def territory_travel_times(
    territory: Territory, *, cache_dir: str | os.PathLike[str] | None = None
) -> Mapping[str, TravelTimes]:
    """Travel times for every profile the fleet uses (``drive`` always).

    Parameters
    ----------
    territory
        The territory; ``hub.network`` maps profile to an OSM file (may be empty).
    cache_dir
        Network and matrix cache folder (default ``$FOODHUB_CACHE_DIR`` or ``~/.cache/foodhub``).

    Raises
    ------
    InputError
        When a network file cannot be read as a road network.
    """
    networks = {str(profile): path for profile, path in territory.hub.network.items()}
    needed = sorted({"drive"} | {vehicle.profile for vehicle in territory.vehicles})
    if not networks:
        logger.warning(
            "hub.toml has no [network]: travel times are straight-line estimates"
            ' (add drive = "extract.osm.pbf" under [network] for road travel times)'
        )
        return {p: StraightLineTravelTimes(STRAIGHT_LINE_SPEED_KMH.get(p, 20.0)) for p in needed}
    travel: dict[str, TravelTimes] = {}
    for profile in needed:
        path = networks.get(profile) or networks.get("drive") or next(iter(networks.values()))
        if profile not in networks:
            logger.info(
                "no %s network in hub.toml: reading %s with %s rules", profile, path, profile
            )
        travel[profile] = OsmTravelTimes(load_network(path, profile, cache_dir=cache_dir))
    return travel
