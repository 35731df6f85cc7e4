"""Travel profiles: which OSM ways a vehicle may use, in which direction, at what speed.

Two profiles exist:

``drive``
    A delivery van.  Ways of the OSMnx "drive" filter (no footway, cycleway, path, track,
    service road, private access).  Speed is the way's ``maxspeed`` tag when it can be read
    (see :func:`parse_maxspeed_kmh`), otherwise the legal speed usually posted on that road
    class in a French town (:data:`DRIVE_SPEED_KMH`).
``bike``
    A loaded cargo bike at :data:`BIKE_SPEED_KMH` on every usable way.  Motorways, trunks and
    their links are excluded, and so are ways tagged ``bicycle=no``.  Cycleways, and paths or
    footways where bicycles are allowed, are included.  One-way streets are respected unless
    cycling is allowed against the flow (``oneway:bicycle=no`` or a ``cycleway=opposite*`` tag).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "BIKE_SPEED_KMH",
    "DEFAULT_SPEED_KMH",
    "DRIVE_SPEED_KMH",
    "MAXSPEED_ZONES_KMH",
    "PROFILES",
    "edge_speeds_kmh",
    "is_usable",
    "parse_maxspeed_kmh",
    "travel_directions",
]

PROFILES: tuple[str, ...] = ("bike", "drive")
"""Names of the supported travel profiles."""

BIKE_SPEED_KMH = 15.0
"""Average speed of a loaded cargo bike in town, km/h (stops and junctions included)."""

DEFAULT_SPEED_KMH = 30.0
"""Drive speed for a road class missing from :data:`DRIVE_SPEED_KMH`, km/h."""

DRIVE_SPEED_KMH: Mapping[str, float] = {
    # highway class: km/h when the way has no readable maxspeed tag
    "motorway": 110.0,
    "motorway_link": 50.0,
    "trunk": 90.0,
    "trunk_link": 50.0,
    "primary": 50.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 40.0,
    "tertiary": 50.0,
    "tertiary_link": 40.0,
    "unclassified": 40.0,
    "road": 40.0,
    "busway": 30.0,
    "residential": 30.0,
    "living_street": 20.0,
    "service": 20.0,
}
"""Default drive speed per OSM ``highway`` class, km/h.

French urban legal limits: 50 km/h on main streets, 30 km/h in residential zones (most of
Montpellier's streets), 20 km/h in living streets (*zone de rencontre*); urban motorway and
trunk sections at 110 and 90 km/h.  Used only when ``maxspeed`` is missing or unreadable.
"""

MAXSPEED_ZONES_KMH: Mapping[str, float] = {
    "fr:urban": 50.0,
    "fr:rural": 80.0,
    "fr:trunk": 110.0,
    "fr:motorway": 130.0,
    "fr:zone30": 30.0,
    "fr:zone20": 20.0,
    "fr:living_street": 20.0,
    "fr:walk": 6.0,
    "de:urban": 50.0,
    "de:rural": 100.0,
    "de:living_street": 7.0,
    "be:urban": 50.0,
    "be:rural": 70.0,
    "be:zone30": 30.0,
    "ch:urban": 50.0,
    "ch:rural": 80.0,
    "it:urban": 50.0,
    "it:rural": 90.0,
    "es:urban": 50.0,
    "es:rural": 90.0,
    "gb:nsl_single": 96.56,
    "gb:nsl_dual": 112.65,
    "uk:nsl_single": 96.56,
    "uk:nsl_dual": 112.65,
    "walk": 6.0,
    "living_street": 20.0,
    "urban": 50.0,
    "rural": 80.0,
}
"""Implicit ``maxspeed`` values (``FR:urban`` …) and their speed, km/h (keys lower-case)."""

_UNIT_FACTOR = {"": 1.0, "km/h": 1.0, "kmh": 1.0, "kph": 1.0, "mph": 1.609344, "knots": 1.852}
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"[;|]")

_DRIVE_EXCLUDED = frozenset(
    [
        "abandoned",
        "bridleway",
        "bus_guideway",
        "construction",
        "corridor",
        "cycleway",
        "elevator",
        "escalator",
        "footway",
        "no",
        "path",
        "pedestrian",
        "planned",
        "platform",
        "proposed",
        "raceway",
        "razed",
        "service",
        "steps",
        "track",
    ]
)
_BIKE_EXCLUDED = frozenset(
    [
        "abandoned",
        "bus_guideway",
        "construction",
        "corridor",
        "elevator",
        "escalator",
        "motorway",
        "motorway_link",
        "no",
        "planned",
        "platform",
        "proposed",
        "raceway",
        "razed",
        "steps",
        "trunk",
        "trunk_link",
        "bus_stop",
    ]
)
_BIKE_NEEDS_PERMISSION = frozenset({"footway", "pedestrian", "path", "bridleway", "track"})
_YES = frozenset({"yes", "true", "1"})
_REVERSE = frozenset({"-1", "reverse"})
_NO = frozenset({"no", "false", "0"})


def parse_maxspeed_kmh(value: str | None) -> float | None:
    """Read an OSM ``maxspeed`` value.

    Parameters
    ----------
    value
        The tag value: ``"30"``, ``"50 mph"``, ``"FR:urban"``, ``"none"``, lists such as
        ``"50;30"`` or ``"30|50"``.

    Returns
    -------
    float or None
        The speed in km/h; for a list, the lowest readable value (the speed that can be held
        everywhere on the way).  ``None`` when the value is missing or cannot be read
        (``"signals"``, ``"variable"``, ``"none"``, garbage), so that the caller falls back to
        the road-class default.
    """
    if value is None:
        return None
    speeds = []
    for part in _LIST_SEPARATORS.split(value):
        text = part.strip()
        if not text:
            continue
        match = _NUMBER.match(text)
        if match:
            number = float(match.group(1).replace(",", "."))
            unit = (match.group(2) or "").lower()
            speed = number * _UNIT_FACTOR[unit]
        else:
            zone = MAXSPEED_ZONES_KMH.get(text.lower())
            if zone is None:
                continue
            speed = zone
        if speed > 0:
            speeds.append(speed)
    return min(speeds) if speeds else None


def is_usable(tags: Mapping[str, str], profile: str) -> bool:
    """Tell whether a way with these tags belongs to the profile's network.

    Parameters
    ----------
    tags
        The way's OSM tags.
    profile
        ``"drive"`` or ``"bike"``.

    Returns
    -------
    bool
        ``True`` when the way is a road (``highway`` tag) the profile may use.
    """
    highway = tags.get("highway")
    if highway is None or tags.get("area") == "yes":
        return False
    if tags.get("access") in ("private", "no") and profile == "drive":
        return False
    if profile == "drive":
        return (
            highway not in _DRIVE_EXCLUDED
            and tags.get("motor_vehicle") != "no"
            and tags.get("motorcar") != "no"
        )
    if profile == "bike":
        bicycle = tags.get("bicycle")
        if highway in _BIKE_EXCLUDED or bicycle == "no":
            return False
        if tags.get("access") in ("private", "no") and bicycle not in ("yes", "designated"):
            return False
        if highway in _BIKE_NEEDS_PERMISSION:
            return bicycle in ("yes", "designated", "permissive") or (
                highway in ("path", "track") and bicycle is None
            )
        return True
    raise ValueError(f"unknown profile {profile!r}")


def travel_directions(tags: Mapping[str, str], profile: str) -> tuple[bool, bool]:
    """Directions in which a way may be travelled.

    Parameters
    ----------
    tags
        The way's OSM tags.
    profile
        ``"drive"`` or ``"bike"``.

    Returns
    -------
    (forward, backward)
        ``forward`` is the order of the way's nodes.  ``oneway=yes``, roundabouts and motorways
        are forward only, ``oneway=-1`` backward only, ``oneway=no`` both.  For ``bike``,
        ``oneway:bicycle`` and ``cycleway=opposite*`` override the general tag.
    """
    oneway = tags.get("oneway", "").lower()
    if profile == "bike":
        bike_oneway = tags.get("oneway:bicycle", "").lower()
        cycleway = tags.get("cycleway", "") + tags.get("cycleway:left", "")
        if bike_oneway in _NO or "opposite" in cycleway:
            return True, True
        if bike_oneway:
            oneway = bike_oneway
    if oneway in _YES:
        return True, False
    if oneway in _REVERSE:
        return False, True
    if oneway in _NO:
        return True, True
    implied = (
        tags.get("junction") in ("roundabout", "circular") or tags.get("highway") == "motorway"
    )
    return (True, not implied)


def edge_speeds_kmh(tags: Mapping[str, str], profile: str) -> tuple[float, float]:
    """Speeds of a way in its forward and backward directions.

    Parameters
    ----------
    tags
        The way's OSM tags.
    profile
        ``"drive"`` or ``"bike"``.

    Returns
    -------
    (forward, backward)
        Speeds in km/h.  ``drive`` reads ``maxspeed:forward`` / ``maxspeed:backward`` then
        ``maxspeed``, then falls back to :data:`DRIVE_SPEED_KMH`; ``bike`` is
        :data:`BIKE_SPEED_KMH`, or the drive limit where that is lower (living streets).
    """
    highway = tags.get("highway", "")
    default = DRIVE_SPEED_KMH.get(highway, DEFAULT_SPEED_KMH)
    general = parse_maxspeed_kmh(tags.get("maxspeed"))
    forward = parse_maxspeed_kmh(tags.get("maxspeed:forward")) or general or default
    backward = parse_maxspeed_kmh(tags.get("maxspeed:backward")) or general or default
    if profile == "bike":
        return min(BIKE_SPEED_KMH, forward), min(BIKE_SPEED_KMH, backward)
    return forward, backward
