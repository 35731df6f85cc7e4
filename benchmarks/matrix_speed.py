"""Travel-matrix speed on the Montpellier drive network (issue 2).

Run from the repository root::

    .venv/bin/python -m benchmarks.matrix_speed [--points 1000] [--seed 0]

Prints one JSON line: network load time cold (empty cache) and cached, time of the
1,000 x 1,000 duration and distance matrices, peak resident memory, and networkx against
``geo`` on a 50-point subset.  Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
import warnings
from pathlib import Path

import networkx as nx
import numpy as np

from geo.matrix import OffNetworkWarning, travel_matrices
from geo.network import RoadNetwork, load_network, network_info
from geo.snapping import snap_points

EXTRACT = (
    Path(__file__).resolve().parents[1] / "data" / "osm" / "montpellier_drive_2020-07-02.osm.bz2"
)


def _to_networkx(net: RoadNetwork) -> nx.DiGraph:
    """The same graph as networkx, weighted by the packed (duration, distance) key."""
    key = net.routing_key.tocoo()
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(
        zip(key.row.tolist(), key.col.tolist(), key.data.tolist(), strict=True), weight="key"
    )
    return graph


def run(n_points: int = 1000, seed: int = 0, subset: int = 50) -> dict[str, object]:
    """Measure and return the figures (see the module docstring)."""
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        load_network(EXTRACT, "drive", cache_dir=cache)
        cold_load_s = time.perf_counter() - started
        started = time.perf_counter()
        net = load_network(EXTRACT, "drive", cache_dir=cache)
        cached_load_s = time.perf_counter() - started
    info = network_info(net)
    west, south, east, north = info.bbox
    rng = np.random.default_rng(seed)
    points = np.column_stack(
        [rng.uniform(west, east, n_points), rng.uniform(south, north, n_points)]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OffNetworkWarning)
        started = time.perf_counter()
        tm = travel_matrices(net, points, use_cache=False)
        matrix_s = time.perf_counter() - started

        small = points[:subset]
        started = time.perf_counter()
        ours = travel_matrices(net, small, use_cache=False)
        ours_50_s = time.perf_counter() - started

    graph = _to_networkx(net)
    on = np.setdiff1d(np.arange(subset), ours.approximated)
    nodes = snap_points(net, small[on]).node.tolist()
    started = time.perf_counter()
    lengths = [nx.single_source_dijkstra_path_length(graph, s, weight="key") for s in nodes]
    networkx_50_s = time.perf_counter() - started
    # same fastest-path durations as geo (networkx gives the packed key; decode it)
    nx_duration = np.array(
        [[lengths[a][b] // 2**27 / 10 for b in nodes] for a in range(len(nodes))]
    )
    snap_s = ours.snap_distance_m[on] / (5 / 3.6)
    expected = np.rint(nx_duration + snap_s[:, None] + snap_s[None, :])
    np.fill_diagonal(expected, 0)
    agree = bool(np.all(np.abs(expected - ours.duration_s[np.ix_(on, on)]) <= 1))

    return {
        "benchmark": "matrix_speed",
        "extract": EXTRACT.name,
        "profile": "drive",
        "nodes": info.nodes,
        "edges": info.edges,
        "cold_load_s": round(cold_load_s, 3),
        "cached_load_s": round(cached_load_s, 4),
        "n_points": n_points,
        "n_approximated": len(tm.approximated),
        "matrix_s": round(matrix_s, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "subset": subset,
        "networkx_50_s": round(networkx_50_s, 3),
        "ours_50_s": round(ours_50_s, 4),
        "speed_ratio": round(networkx_50_s / ours_50_s, 1),
        "networkx_agrees": agree,
        "seed": seed,
    }


def main() -> None:
    """Command-line entry point: print the figures as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(run(n_points=args.points, seed=args.seed)))


if __name__ == "__main__":
    main()
