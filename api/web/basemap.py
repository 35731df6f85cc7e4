"""The basemap: the territory's drive network as a light GeoJSON (one MultiLineString).

Built from :func:`geo.network.load_network` (the same cached network the planner
uses), each road drawn once whatever its directions, simplified (about 5 m) and
rounded to 5 decimals (about 1 m).  Cached on disk next to the network cache and
in memory.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import LineString

__all__ = ["basemap_geojson"]

_TOLERANCE_DEG = 0.00005
_lock = threading.Lock()
_memory: dict[str, bytes] = {}


def _network_path(hub_network: dict[str, str]) -> str | None:
    return hub_network.get("drive") or next(iter(hub_network.values()), None)


def _edges(net: Any) -> list[list[list[float]]]:
    duration = net.duration_s
    indptr, indices = duration.indptr, duration.indices
    seen: set[tuple[int, int]] = set()
    lines: list[list[list[float]]] = []
    for row in range(len(indptr) - 1):
        for k in range(int(indptr[row]), int(indptr[row + 1])):
            col = int(indices[k])
            key = (min(row, col), max(row, col))
            if key in seen:
                continue
            seen.add(key)
            first, last = int(net.shape_first[k]), int(net.shape_last[k])
            low, high = min(first, last), max(first, last)
            coords = net.shape_lonlat[low : high + 1]
            if len(coords) < 2:
                coords = np.array([[net.lon[row], net.lat[row]], [net.lon[col], net.lat[col]]])
            line = LineString(coords).simplify(_TOLERANCE_DEG, preserve_topology=False)
            lines.append([[round(x, 5), round(y, 5)] for x, y in line.coords])
    return lines


def basemap_geojson(hub_network: dict[str, str], cache_dir: Path) -> bytes:
    """The road network of ``hub_network`` (profile -> OSM file) as GeoJSON bytes.

    An empty FeatureCollection when the territory has no network file.

    Raises
    ------
    InputError
        When the network file cannot be read as a road network.
    """
    path = _network_path(hub_network)
    if path is None:
        return b'{"type": "FeatureCollection", "features": []}'
    key = hashlib.sha256(f"{path}|{cache_dir}".encode()).hexdigest()[:16]
    with _lock:
        cached = _memory.get(key)
        if cached is not None:
            return cached
        from geo.network import load_network

        net = load_network(path, "drive", cache_dir=cache_dir)
        file = cache_dir / f"basemap-{net.content_hash[:16]}.geojson"
        if file.exists():
            data = file.read_bytes()
        else:
            collection = {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"feature": "roads"},
                        "geometry": {"type": "MultiLineString", "coordinates": _edges(net)},
                    }
                ],
            }
            data = json.dumps(collection, separators=(",", ":")).encode()
            cache_dir.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
        _memory[key] = data
        return data
