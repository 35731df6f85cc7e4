"""Read road segments out of an OpenStreetMap file (``.osm``, ``.osm.bz2``, ``.osm.pbf`` ...).

The file is read with pyosmium in one pass, fully offline.  Ways are kept when the travel
profile may use them (:func:`geo.profiles.is_usable`) and cut into *segments* at every node
shared by two ways or ending a way (the same topological simplification as OSMnx, except
that a node joining exactly two ways end to end is kept).  The intermediate nodes of a
segment become its shape.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
from numpy.typing import NDArray

from geo.distance import great_circle_m
from geo.profiles import edge_speeds_kmh, is_usable, travel_directions
from territory.errors import InputError, Problem

__all__ = ["SUPPORTED_SUFFIXES", "Segments", "check_osm_path", "read_segments"]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: tuple[str, ...] = (".osm", ".osm.bz2", ".osm.gz", ".osm.pbf", ".pbf")
"""File name endings :func:`read_segments` accepts."""


@dataclass(frozen=True, eq=False)
class Segments:
    """Directed road edges between OSM vertex nodes, before any clean-up.

    Attributes
    ----------
    u, v
        OSM node ids of each edge's tail and head (int64).
    length_m
        Edge length along its shape, metres.
    speed_kmh
        Travel speed on the edge, km/h.
    shape_first, shape_last
        Inclusive indices into ``shape_lonlat``: the edge's shape runs from ``shape_first`` to
        ``shape_last``, backwards when ``shape_first > shape_last``.
    shape_lonlat
        Shape coordinates, shape ``(k, 2)``, degrees (lon, lat).
    node_lonlat
        Coordinates of every vertex node, keyed by OSM id.
    """

    u: NDArray[np.int64]
    v: NDArray[np.int64]
    length_m: NDArray[np.float64]
    speed_kmh: NDArray[np.float64]
    shape_first: NDArray[np.int64]
    shape_last: NDArray[np.int64]
    shape_lonlat: NDArray[np.float64]
    node_lonlat: dict[int, tuple[float, float]]


def check_osm_path(path: Path) -> None:
    """Raise :class:`~territory.errors.InputError` unless ``path`` is an existing OSM file.

    Parameters
    ----------
    path
        The file.

    Raises
    ------
    InputError
        When the file does not exist, is a directory, is empty, or its name does not end
        with one of :data:`SUPPORTED_SUFFIXES`.
    """
    name = path.name
    if not name.lower().endswith(SUPPORTED_SUFFIXES):
        raise InputError(
            [
                Problem(
                    file=str(path),
                    message=(
                        f"{name!r} is not an OpenStreetMap file this program can read; "
                        f"use a file ending in {', '.join(SUPPORTED_SUFFIXES)}."
                    ),
                )
            ]
        )
    if not path.exists():
        raise InputError([Problem(file=str(path), message="the file does not exist.")])
    if not path.is_file():
        raise InputError([Problem(file=str(path), message="this is a folder, not a file.")])
    if path.stat().st_size == 0:
        raise InputError([Problem(file=str(path), message="the file is empty.")])


def read_segments(path: Path, profile: str) -> Segments:
    """Read the road segments a profile may use from an OSM file.

    Parameters
    ----------
    path
        An ``.osm``, ``.osm.bz2``, ``.osm.gz`` or ``.osm.pbf`` file.
    profile
        ``"drive"`` or ``"bike"``.

    Returns
    -------
    Segments
        Directed edges (one-way streets give one edge, other streets two).

    Raises
    ------
    InputError
        When the file is missing, empty, of an unsupported type, cannot be parsed, or holds
        no road the profile may use.
    """
    check_osm_path(path)
    ways: list[tuple[list[int], list[tuple[float, float]], bool, bool, float, float]] = []
    try:
        processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        for obj in processor.with_locations():
            if not isinstance(obj, osmium.osm.Way):
                continue
            tags = {tag.k: tag.v for tag in obj.tags}
            if not is_usable(tags, profile):
                continue
            forward, backward = travel_directions(tags, profile)
            speed_f, speed_b = edge_speeds_kmh(tags, profile)
            refs: list[int] = []
            coords: list[tuple[float, float]] = []
            for nd in obj.nodes:
                if nd.location.valid():
                    refs.append(nd.ref)
                    coords.append((nd.location.lon, nd.location.lat))
                else:  # node outside the extract: cut the way there
                    if len(refs) >= 2:
                        ways.append((refs, coords, forward, backward, speed_f, speed_b))
                    refs, coords = [], []
            if len(refs) >= 2:
                ways.append((refs, coords, forward, backward, speed_f, speed_b))
    except (RuntimeError, ValueError, OSError) as exc:
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        raise InputError(
            [
                Problem(
                    file=str(path),
                    message=f"the file is not a readable OpenStreetMap file ({reason}).",
                )
            ]
        ) from exc
    if not ways:
        raise InputError(
            [
                Problem(
                    file=str(path),
                    message=f"the file holds no road usable by the {profile!r} profile.",
                )
            ]
        )
    return _split_ways(ways)


def _split_ways(
    ways: list[tuple[list[int], list[tuple[float, float]], bool, bool, float, float]],
) -> Segments:
    uses: Counter[int] = Counter()
    for refs, *_ in ways:
        uses.update(refs)
        uses[refs[0]] += 1  # way ends are always vertices
        uses[refs[-1]] += 1
    u: list[int] = []
    v: list[int] = []
    speed: list[float] = []
    first: list[int] = []
    last: list[int] = []
    all_coords: list[tuple[float, float]] = []
    way_start: list[int] = []
    node_lonlat: dict[int, tuple[float, float]] = {}
    for refs, coords, forward, backward, speed_f, speed_b in ways:
        base = len(all_coords)
        way_start.append(base)
        all_coords.extend(coords)
        start = 0
        for i in range(1, len(refs)):
            if uses[refs[i]] < 2 and i < len(refs) - 1:
                continue
            a, b = refs[start], refs[i]
            if a != b:
                node_lonlat[a] = coords[start]
                node_lonlat[b] = coords[i]
                if forward:
                    u.append(a)
                    v.append(b)
                    speed.append(speed_f)
                    first.append(base + start)
                    last.append(base + i)
                if backward:
                    u.append(b)
                    v.append(a)
                    speed.append(speed_b)
                    first.append(base + i)
                    last.append(base + start)
            start = i
    lonlat = np.asarray(all_coords, dtype=np.float64).reshape(-1, 2)
    steps = great_circle_m(lonlat[:-1, 0], lonlat[:-1, 1], lonlat[1:, 0], lonlat[1:, 1])
    cumulative = np.concatenate([[0.0], np.cumsum(steps)])
    first_a = np.asarray(first, dtype=np.int64)
    last_a = np.asarray(last, dtype=np.int64)
    length = np.abs(cumulative[last_a] - cumulative[first_a])
    logger.debug("read %d ways, %d directed segments", len(ways), len(u))
    return Segments(
        u=np.asarray(u, dtype=np.int64),
        v=np.asarray(v, dtype=np.int64),
        length_m=length,
        speed_kmh=np.asarray(speed, dtype=np.float64),
        shape_first=first_a,
        shape_last=last_a,
        shape_lonlat=lonlat,
        node_lonlat=node_lonlat,
    )
