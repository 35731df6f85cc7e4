"""Routable road networks: load an OSM extract (or a place name) into a :class:`RoadNetwork`.

A :class:`RoadNetwork` holds only what travel matrices and path geometries need: node
coordinates, two CSR sparse matrices (edge ``duration_s`` and ``distance_m``) and the shape of
each edge.  It is the largest strongly connected component of the profile's roads, so every
node can reach every other one.

Edge values are quantised to :data:`DURATION_RESOLUTION_S` and :data:`DISTANCE_RESOLUTION_M`
so that duration and distance can be packed in one exact float64 key
(``duration * 2**27 + distance`` in those units): one Dijkstra run on that key gives the
fastest path and, among equally fast paths, the shortest one, together with both its
duration and its distance.  Between two nodes joined by parallel edges, the fastest (then
shortest) edge is kept.

Why not ``osmnx.graph_from_xml``: it takes about 4 s on the Montpellier extract before any
clean-up, and turns every way of a raw extract (buildings too) into edges.  Reading with
pyosmium takes about 0.3 s, applies the profile's own filter, and reads ``.osm.pbf`` directly.
OSMnx is still used by :func:`network_from_place` to download a network.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from geo.cache import cache_key, read_entry, resolve_cache_dir, write_entry
from geo.osm import Segments, check_osm_path, read_segments
from geo.profiles import PROFILES, edge_speeds_kmh
from territory.errors import InputError, Problem

__all__ = [
    "DISTANCE_RESOLUTION_M",
    "DURATION_RESOLUTION_S",
    "KEY_SHIFT",
    "NETWORK_CODE_VERSION",
    "NetworkInfo",
    "RoadNetwork",
    "load_network",
    "network_from_place",
    "network_info",
]

logger = logging.getLogger(__name__)

NETWORK_CODE_VERSION = "geo-network-1"
"""Changes whenever the way networks are built changes; part of every cache key."""

DURATION_RESOLUTION_S = 0.1
"""Edge durations are whole multiples of this, seconds."""

DISTANCE_RESOLUTION_M = 0.1
"""Edge distances are whole multiples of this, metres."""

KEY_SHIFT = float(2**27)
"""Packing factor of the routing key (distance below 13,421 km per path stays exact)."""


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A routable, strongly connected road network for one travel profile.

    Attributes
    ----------
    node_id
        OSM node ids, shape ``(n,)``, int64.
    lon, lat
        Node coordinates, degrees (EPSG:4326), shape ``(n,)``.
    duration_s
        CSR matrix ``(n, n)``: travel time of the edge from row to column, seconds.
    distance_m
        CSR matrix ``(n, n)`` with the same sparsity and order: edge length, metres.
    shape_first, shape_last
        For each stored edge (in CSR data order), inclusive indices into ``shape_lonlat``
        of its geometry; backwards when ``shape_first > shape_last``.
    shape_lonlat
        Edge geometry coordinates, shape ``(k, 2)``, degrees (lon, lat).
    profile
        ``"drive"`` or ``"bike"``.
    source
        Where the network came from (file path, or ``place:<name>``).
    content_hash
        sha256 (hex) of the source file's bytes, or of the downloaded edges.
    """

    node_id: NDArray[np.int64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    duration_s: sp.csr_matrix
    distance_m: sp.csr_matrix
    shape_first: NDArray[np.int64]
    shape_last: NDArray[np.int64]
    shape_lonlat: NDArray[np.float64]
    profile: str
    source: str
    content_hash: str

    def __post_init__(self) -> None:
        n = self.node_id.shape[0]
        problems = []
        if self.profile not in PROFILES:
            problems.append(f"profile {self.profile!r} is not one of {PROFILES}")
        if self.lon.shape != (n,) or self.lat.shape != (n,):
            problems.append("lon and lat must have one value per node")
        for name in ("duration_s", "distance_m"):
            matrix = getattr(self, name)
            if not sp.issparse(matrix) or matrix.format != "csr" or matrix.shape != (n, n):
                problems.append(f"{name} must be a CSR matrix of shape ({n}, {n})")
        if not problems and self.duration_s.nnz != self.distance_m.nnz:
            problems.append("duration_s and distance_m must share their sparsity")
        nnz = self.duration_s.nnz if not problems else -1
        if self.shape_first.shape != (nnz,) or self.shape_last.shape != (nnz,):
            problems.append("shape_first and shape_last must have one value per edge")
        if problems:
            raise ValueError("invalid RoadNetwork: " + "; ".join(problems))
        for array in (
            self.node_id,
            self.lon,
            self.lat,
            self.shape_first,
            self.shape_last,
            self.shape_lonlat,
            self.duration_s.data,
            self.distance_m.data,
            self.duration_s.indices,
            self.duration_s.indptr,
        ):
            array.flags.writeable = False

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_id.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of directed edges (parallel edges merged)."""
        return int(self.duration_s.nnz)

    @cached_property
    def routing_key(self) -> sp.csr_matrix:
        """CSR matrix of packed edge keys ``duration_ds * 2**27 + distance_dm`` (float64, exact)."""
        duration_ds = np.rint(self.duration_s.data / DURATION_RESOLUTION_S)
        distance_dm = np.rint(self.distance_m.data / DISTANCE_RESOLUTION_M)
        key = duration_ds * KEY_SHIFT + distance_dm
        return sp.csr_matrix(
            (key, self.duration_s.indices, self.duration_s.indptr), shape=self.duration_s.shape
        )

    def edge_index(self, u: int, v: int) -> int:
        """Position of edge ``u -> v`` (node indices) in CSR data order.

        Raises
        ------
        KeyError
            When there is no such edge.
        """
        start, stop = self.duration_s.indptr[u], self.duration_s.indptr[u + 1]
        row = self.duration_s.indices[start:stop]
        hits = np.flatnonzero(row == v)
        if hits.size == 0:
            raise KeyError((u, v))
        return int(start + hits[0])

    def edge_shape(self, k: int) -> NDArray[np.float64]:
        """Geometry of the ``k``-th edge (CSR data order), shape ``(m, 2)``, (lon, lat) degrees."""
        first, last = int(self.shape_first[k]), int(self.shape_last[k])
        if first <= last:
            return self.shape_lonlat[first : last + 1]
        return self.shape_lonlat[last : first + 1][::-1]


@dataclass(frozen=True)
class NetworkInfo:
    """Summary figures of a road network.

    Attributes
    ----------
    profile
        Travel profile.
    nodes
        Number of nodes.
    edges
        Number of directed edges.
    road_km
        Length of road, km, each two-way street counted once.
    bbox
        Bounding box of the nodes (west, south, east, north), degrees.
    """

    profile: str
    nodes: int
    edges: int
    road_km: float
    bbox: tuple[float, float, float, float]


def network_info(net: RoadNetwork) -> NetworkInfo:
    """Count nodes, edges and km of road of a network and give its bounding box.

    Parameters
    ----------
    net
        The network.

    Returns
    -------
    NetworkInfo
        The figures; ``road_km`` counts an edge ``v -> u`` only when ``u -> v`` does not exist.
    """
    coo = net.distance_m.tocoo()
    reverse_exists = np.asarray(net.distance_m[coo.col, coo.row]).ravel() > 0
    counted = (coo.row < coo.col) | ~reverse_exists
    road_km = float(coo.data[counted].sum()) / 1000.0
    bbox = (float(net.lon.min()), float(net.lat.min()), float(net.lon.max()), float(net.lat.max()))
    return NetworkInfo(
        profile=net.profile, nodes=net.n_nodes, edges=net.n_edges, road_km=road_km, bbox=bbox
    )


def load_network(
    path: str | os.PathLike[str],
    profile: str = "drive",
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
) -> RoadNetwork:
    """Load a road network from an OpenStreetMap file, offline.

    Parameters
    ----------
    path
        An ``.osm``, ``.osm.bz2``, ``.osm.gz`` or ``.osm.pbf`` file.  Raw extracts are fine:
        only the ways the profile may use are kept.
    profile
        ``"drive"`` (delivery van) or ``"bike"`` (cargo bike); see :mod:`geo.profiles`.
    cache_dir
        Folder of the on-disk cache; default ``$FOODHUB_CACHE_DIR`` or ``~/.cache/foodhub``.
        Entries are keyed by the file's sha256, the profile and :data:`NETWORK_CODE_VERSION`.
    use_cache
        ``False`` to neither read nor write the cache.

    Returns
    -------
    RoadNetwork
        The largest strongly connected component of the profile's roads.

    Raises
    ------
    InputError
        When the file is missing, empty, not an OSM file, corrupt, or holds no usable road;
        or when the profile is unknown.
    """
    started = time.perf_counter()
    _check_profile(profile)
    file = Path(path)
    check_osm_path(file)
    content_hash = _file_sha256(file)
    entry_path = (
        resolve_cache_dir(cache_dir)
        / "networks"
        / f"{cache_key(content_hash, profile, NETWORK_CODE_VERSION)}.npz"
    )
    if use_cache:
        arrays = read_entry(entry_path)
        if arrays is not None:
            net = _from_arrays(arrays, source=str(file))
            logger.info(
                "loaded %s network of %s from cache in %.2f s",
                profile,
                file.name,
                time.perf_counter() - started,
            )
            return net
    segments = read_segments(file, profile)
    net = _build(segments, profile=profile, source=str(file), content_hash=content_hash)
    logger.info(
        "built %s network of %s (%d nodes, %d edges) in %.2f s",
        profile,
        file.name,
        net.n_nodes,
        net.n_edges,
        time.perf_counter() - started,
    )
    if use_cache:
        write_entry(entry_path, _to_arrays(net))
    return net


def network_from_place(place: str, profile: str = "drive") -> RoadNetwork:
    """Download the road network of a named place through OSMnx (needs internet).

    Parameters
    ----------
    place
        A place name Nominatim knows, e.g. ``"Villeurbanne, France"``.
    profile
        ``"drive"`` or ``"bike"``.

    Returns
    -------
    RoadNetwork
        As :func:`load_network` builds it (speeds from the same tables).

    Raises
    ------
    InputError
        When the download fails (offline, unknown place) or the place has no usable road.
    """
    _check_profile(profile)
    import osmnx as ox  # heavy import, only needed here

    try:
        graph = ox.graph_from_place(place, network_type=profile, simplify=True, retain_all=False)
    except Exception as exc:
        raise InputError(
            [
                Problem(
                    file="",
                    message=(
                        f"could not download the road network of {place!r} from "
                        f"OpenStreetMap ({type(exc).__name__}: {exc}). Check the place name "
                        "and the internet connection, or load an extract file with load_network."
                    ),
                )
            ]
        ) from exc
    segments = _segments_from_osmnx(graph, profile)
    if segments.u.size == 0:
        raise InputError(
            [Problem(file="", message=f"{place!r} has no road usable by the {profile!r} profile.")]
        )
    digest = hashlib.sha256()
    for array in (segments.u, segments.v, segments.length_m, segments.speed_kmh):
        digest.update(array.tobytes())
    return _build(
        segments, profile=profile, source=f"place:{place}", content_hash=digest.hexdigest()
    )


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise InputError(
            [
                Problem(
                    file="",
                    message=(
                        f"unknown travel profile {profile!r}; use one of {', '.join(PROFILES)}."
                    ),
                    column="profile",
                )
            ]
        )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _segments_from_osmnx(graph: Any, profile: str) -> Segments:
    u: list[int] = []
    v: list[int] = []
    length: list[float] = []
    speed: list[float] = []
    first: list[int] = []
    last: list[int] = []
    coords: list[tuple[float, float]] = []
    nodes = graph.nodes
    for a, b, data in graph.edges(data=True):
        highway = data.get("highway", "")
        maxspeed = data.get("maxspeed")
        tags = {
            "highway": highway[0] if isinstance(highway, list) else str(highway),
        }
        if maxspeed is not None:
            tags["maxspeed"] = ";".join(maxspeed) if isinstance(maxspeed, list) else str(maxspeed)
        geometry = data.get("geometry")
        if geometry is not None:
            shape = [(float(x), float(y)) for x, y in geometry.coords]
        else:
            shape = [(nodes[a]["x"], nodes[a]["y"]), (nodes[b]["x"], nodes[b]["y"])]
        first.append(len(coords))
        coords.extend(shape)
        last.append(len(coords) - 1)
        u.append(int(a))
        v.append(int(b))
        length.append(float(data.get("length", 0.0)))
        speed.append(edge_speeds_kmh(tags, profile)[0])
    node_lonlat = {int(n): (float(d["x"]), float(d["y"])) for n, d in nodes(data=True)}
    return Segments(
        u=np.asarray(u, dtype=np.int64),
        v=np.asarray(v, dtype=np.int64),
        length_m=np.asarray(length, dtype=np.float64),
        speed_kmh=np.asarray(speed, dtype=np.float64),
        shape_first=np.asarray(first, dtype=np.int64),
        shape_last=np.asarray(last, dtype=np.int64),
        shape_lonlat=np.asarray(coords, dtype=np.float64).reshape(-1, 2),
        node_lonlat=node_lonlat,
    )


def _build(segments: Segments, *, profile: str, source: str, content_hash: str) -> RoadNetwork:
    """Quantise, merge parallel edges, keep the largest strongly connected component."""
    node_ids, inverse = np.unique(np.concatenate([segments.u, segments.v]), return_inverse=True)
    m = segments.u.shape[0]
    u, v = inverse[:m], inverse[m:]
    duration_ds = np.maximum(
        1.0, np.rint(segments.length_m / (segments.speed_kmh / 3.6) / DURATION_RESOLUTION_S)
    )
    distance_dm = np.maximum(1.0, np.rint(segments.length_m / DISTANCE_RESOLUTION_M))
    key = duration_ds * KEY_SHIFT + distance_dm
    # best parallel edge first, then keep the first of each (u, v)
    order = np.lexsort((key, v, u))
    u, v = u[order], v[order]
    keep = np.ones(m, dtype=bool)
    keep[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    picked = order[keep]
    u, v = u[keep], v[keep]

    n = node_ids.shape[0]
    adjacency = sp.csr_matrix((np.ones(u.shape[0]), (u, v)), shape=(n, n))
    n_comp, labels = connected_components(adjacency, directed=True, connection="strong")
    biggest = int(np.argmax(np.bincount(labels)))
    in_comp = labels == biggest
    edge_in = in_comp[u] & in_comp[v]
    new_index = np.cumsum(in_comp) - 1
    u, v, picked = new_index[u[edge_in]], new_index[v[edge_in]], picked[edge_in]
    kept_ids = node_ids[in_comp]
    n_kept = kept_ids.shape[0]
    logger.debug("%d strongly connected components; kept %d of %d nodes", n_comp, n_kept, n)
    if n_kept < 2:
        raise InputError(
            [Problem(file=source, message="the roads in the file do not form a connected network.")]
        )
    # u, v are already sorted by (u, v): CSR data order
    indptr = np.concatenate([[0], np.cumsum(np.bincount(u, minlength=n_kept))]).astype(np.int64)
    indices = v.astype(np.int32)
    duration = duration_ds[picked] * DURATION_RESOLUTION_S
    distance = distance_dm[picked] * DISTANCE_RESOLUTION_M
    lonlat = np.array([segments.node_lonlat[int(i)] for i in kept_ids], dtype=np.float64)
    return RoadNetwork(
        node_id=kept_ids,
        lon=lonlat[:, 0].copy(),
        lat=lonlat[:, 1].copy(),
        duration_s=sp.csr_matrix((duration, indices, indptr), shape=(n_kept, n_kept)),
        distance_m=sp.csr_matrix((distance, indices, indptr), shape=(n_kept, n_kept)),
        shape_first=segments.shape_first[picked],
        shape_last=segments.shape_last[picked],
        shape_lonlat=segments.shape_lonlat,
        profile=profile,
        source=source,
        content_hash=content_hash,
    )


def _to_arrays(net: RoadNetwork) -> dict[str, np.ndarray]:
    meta = {
        "profile": net.profile,
        "content_hash": net.content_hash,
        "version": NETWORK_CODE_VERSION,
    }
    return {
        "node_id": net.node_id,
        "lon": net.lon,
        "lat": net.lat,
        "indptr": net.duration_s.indptr,
        "indices": net.duration_s.indices,
        "duration_s": net.duration_s.data,
        "distance_m": net.distance_m.data,
        "shape_first": net.shape_first,
        "shape_last": net.shape_last,
        "shape_lonlat": net.shape_lonlat,
        "meta": np.array(json.dumps(meta)),
    }


def _from_arrays(arrays: dict[str, np.ndarray], *, source: str) -> RoadNetwork:
    meta = json.loads(str(arrays["meta"]))
    n = arrays["node_id"].shape[0]
    structure = (arrays["indices"], arrays["indptr"])
    return RoadNetwork(
        node_id=arrays["node_id"],
        lon=arrays["lon"],
        lat=arrays["lat"],
        duration_s=sp.csr_matrix((arrays["duration_s"], *structure), shape=(n, n)),
        distance_m=sp.csr_matrix((arrays["distance_m"], *structure), shape=(n, n)),
        shape_first=arrays["shape_first"],
        shape_last=arrays["shape_last"],
        shape_lonlat=arrays["shape_lonlat"],
        profile=str(meta["profile"]),
        source=source,
        content_hash=str(meta["content_hash"]),
    )
