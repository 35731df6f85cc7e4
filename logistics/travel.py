"""Travel times of a territory: one road network per travel profile named in ``hub.toml``."""

from __future__ import annotations

import os
from collections.abc import Mapping

from geo.errors import InputError, Problem
from geo.network import load_network
from geo.travel import OsmTravelTimes, TravelTimes
from logistics.model import Territory

__all__ = ["territory_travel_times"]


def territory_travel_times(
    territory: Territory, *, cache_dir: str | os.PathLike[str] | None = None
) -> Mapping[str, TravelTimes]:
    """Load the road network of every profile the fleet uses.

    Parameters
    ----------
    territory
        The territory; ``hub.network`` maps profile (``drive``/``bike``) to an OSM file.
    cache_dir
        Network and matrix cache folder (default ``$FOODHUB_CACHE_DIR`` or ``~/.cache/foodhub``).

    Returns
    -------
    Mapping
        ``profile -> TravelTimes`` for each profile used by a vehicle (``drive`` always).

    Raises
    ------
    InputError
        When a profile used by a vehicle has no network file in ``hub.toml``, or a file
        cannot be read as a road network.
    """
    networks = {str(profile): path for profile, path in territory.hub.network.items()}
    needed = {"drive"} | {vehicle.profile for vehicle in territory.vehicles}
    missing = sorted(p for p in needed if p not in networks)
    if missing:
        raise InputError(
            [
                Problem("hub.toml", f"no road network for the {p} profile", column=f"network.{p}")
                for p in missing
            ]
        )
    return {
        profile: OsmTravelTimes(load_network(networks[profile], profile, cache_dir=cache_dir))
        for profile in sorted(needed)
    }
