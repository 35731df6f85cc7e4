"""``routes.geojson``: the rounds of a plan as road-following lines and stop points.

The FeatureCollection holds, in this order,

* one ``LineString`` per trip (day × vehicle × trip), the concatenated road paths of
  its legs from the hub back to the hub, ``properties.feature = "trip"``;
* one ``Point`` per routes row (``feature = "stop"``) with the site, action, times and
  load on board after the stop;
* one ``Point`` for the hub (``feature = "hub"``) and one per producer
  (``feature = "producer"``).

Coordinates are ``[lon, lat]`` (EPSG:4326, RFC 7946).  Times are ISO 8601 datetimes
with the territory's UTC offset; ``eta`` is the local ``HH:MM`` of the arrival.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from logistics.outputs import _rounds
from logistics.tables.files import PlanTables, RouteStop
from territory.model import Site, Territory

__all__ = ["PathFunction", "PathSource", "routes_geojson", "write_routes_geojson"]

Point = tuple[float, float]

PathFunction = Callable[[str, Point, Point], list[Point]]
"""``path(profile, a, b)``: road geometry from ``a`` to ``b`` as (lon, lat) vertices."""


class _HasPath(Protocol):
    def path(self, a: Point, b: Point) -> list[Point]: ...


PathSource = PathFunction | Mapping[str, _HasPath] | None
"""Where leg geometries come from: a function of the profile, one
:class:`geo.travel.TravelTimes` per profile, or ``None`` for straight lines."""


def _path_function(paths: PathSource) -> PathFunction:
    if paths is None:
        return lambda _profile, a, b: [a, b]
    if isinstance(paths, Mapping):
        sources = paths

        def by_profile(profile: str, a: Point, b: Point) -> list[Point]:
            source = sources.get(profile)
            if source is None:
                source = sources.get("drive")
            if source is None:
                return [a, b]
            return source.path(a, b)

        return by_profile
    return paths


def _round(value: float) -> float:
    return round(float(value), 6)


def _site_point(site: Site) -> Point:
    return (site.lon, site.lat)


def _line(
    territory: Territory,
    stops: tuple[RouteStop, ...],
    profile: str,
    path: PathFunction,
    cache: dict[tuple[str, Point, Point], list[Point]],
) -> list[list[float]]:
    points = [_site_point(_rounds.site(territory, s.site_id, s.site_kind)) for s in stops]
    coordinates: list[Point] = [points[0]]
    for a, b in itertools.pairwise(points):
        if a == b:
            continue
        leg = cache.get((profile, a, b))
        if leg is None:
            leg = [(float(x), float(y)) for x, y in path(profile, a, b)] or [a, b]
            cache[profile, a, b] = leg
        for vertex in leg:
            if vertex != coordinates[-1]:
                coordinates.append(vertex)
    if len(coordinates) < 2:
        coordinates.append(coordinates[0])
    return [[_round(x), _round(y)] for x, y in coordinates]


def routes_geojson(
    territory: Territory,
    tables: PlanTables,
    paths: PathSource = None,
) -> dict[str, Any]:
    """The plan's rounds as a GeoJSON FeatureCollection (a JSON-ready dict).

    Parameters
    ----------
    territory
        The territory the plan was made for (sites, vehicles, products).
    tables
        The plan tables.
    paths
        Leg geometries: ``path(profile, a, b) -> [(lon, lat), ...]``, or a mapping
        profile -> :class:`geo.travel.TravelTimes` (``drive`` is used for a profile
        it lacks), or ``None`` for straight segments.  Each distinct leg is asked once.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``; see the module docstring.

    Raises
    ------
    InputError
        When a routes row names a site the territory does not have.
    """
    _rounds.check_sites(territory, tables.routes)
    path = _path_function(paths)
    zone = territory.tzinfo
    colours = _rounds.vehicle_colours(territory, tables)
    cache: dict[tuple[str, Point, Point], list[Point]] = {}
    lines: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for round_ in _rounds.rounds(territory, tables):
        vehicle = territory.vehicles_by_id.get(round_.vehicle_id)
        profile = vehicle.profile if vehicle is not None else "drive"
        name = _rounds.vehicle_name(territory, round_.vehicle_id)
        colour = colours[round_.vehicle_id]
        for trip in round_.trips:
            first, last = trip.stops[0], trip.stops[-1]
            lines.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": _line(territory, trip.stops, profile, path, cache),
                    },
                    "properties": {
                        "feature": "trip",
                        "day": round_.day.isoformat(),
                        "vehicle_id": round_.vehicle_id,
                        "vehicle": name,
                        "profile": profile,
                        "trip": trip.number,
                        "trip_ordinal": trip.ordinal,
                        "colour": colour,
                        "distance_km": round(trip.distance_m / 1000, 3),
                        "duration_min": round(trip.duration.total_seconds() / 60, 1),
                        "duration": _rounds.duration_text(trip.duration),
                        "start": first.departure.isoformat(timespec="seconds"),
                        "end": last.arrival.isoformat(timespec="seconds"),
                        "n_stops": len(trip.work_stops),
                    },
                }
            )
        for stop in round_.rows:
            site = _rounds.site(territory, stop.site_id, stop.site_kind)
            points.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [_round(site.lon), _round(site.lat)],
                    },
                    "properties": {
                        "feature": "stop",
                        "day": stop.day.isoformat(),
                        "vehicle_id": stop.vehicle_id,
                        "vehicle": name,
                        "trip": stop.trip,
                        "seq": stop.seq,
                        "colour": colour,
                        "site_id": site.id,
                        "site_kind": site.kind,
                        "site_name": site.name,
                        "action": stop.action,
                        "arrival": stop.arrival.isoformat(timespec="seconds"),
                        "service_start": stop.service_start.isoformat(timespec="seconds"),
                        "departure": stop.departure.isoformat(timespec="seconds"),
                        "eta": _rounds.hhmm(stop.arrival, zone),
                        "load_kg": stop.load_kg,
                        "load_l": stop.load_l,
                        "chilled_l": stop.chilled_l,
                        "frozen_l": stop.frozen_l,
                    },
                }
            )
    hub = territory.hub
    places: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [_round(hub.lon), _round(hub.lat)]},
            "properties": {"feature": "hub", "site_id": hub.id, "name": hub.name},
        }
    ]
    for producer in territory.producers:
        places.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [_round(producer.lon), _round(producer.lat)],
                },
                "properties": {
                    "feature": "producer",
                    "site_id": producer.id,
                    "name": producer.name,
                },
            }
        )
    return {"type": "FeatureCollection", "features": lines + points + places}


def write_routes_geojson(
    path: Path,
    territory: Territory,
    tables: PlanTables,
    paths: PathSource = None,
) -> dict[str, Any]:
    """Write :func:`routes_geojson` to ``path`` (UTF-8) and return the collection.

    The parent folder is created if missing.  Raises as :func:`routes_geojson`.
    """
    collection = routes_geojson(territory, tables, paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")
    return collection
