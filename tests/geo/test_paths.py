"""Snapping, road-following geometries and the TravelTimes implementations."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from geo.distance import great_circle_m
from geo.matrix import OffNetworkWarning, TravelMatrices
from geo.network import RoadNetwork, load_network
from geo.paths import node_path, road_path
from geo.snapping import snap_points
from geo.travel import OsmTravelTimes, StraightLineTravelTimes, TravelTimes
from tests.geo.conftest import GRID_NODES, node_of


def _length_m(line: list[tuple[float, float]]) -> float:
    return float(sum(great_circle_m(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(line)))


def test_snap_to_nodes(villeurbanne: RoadNetwork) -> None:
    nodes = np.array([3, 40, 77])
    points = np.column_stack([villeurbanne.lon[nodes], villeurbanne.lat[nodes]])
    snapped = snap_points(villeurbanne, points)
    assert snapped.node.tolist() == nodes.tolist()
    assert np.allclose(snapped.distance_m, 0.0)
    shifted = snap_points(villeurbanne, points + np.array([0.0, 0.0001]))  # 11 m north
    assert np.all(shifted.distance_m <= 11.2)


def test_snap_matches_brute_force(villeurbanne: RoadNetwork) -> None:
    rng = np.random.default_rng(11)
    points = np.column_stack([rng.uniform(4.86, 4.89, 50), rng.uniform(45.775, 45.787, 50)])
    snapped = snap_points(villeurbanne, points)
    brute = great_circle_m(
        points[:, 0, None], points[:, 1, None], villeurbanne.lon, villeurbanne.lat
    ).min(axis=1)
    assert np.allclose(snapped.distance_m, brute, rtol=1e-3, atol=0.5)


def test_path_follows_the_one_way_street(grid_osm: Path) -> None:
    net = load_network(grid_osm, "drive", use_cache=False)
    assert node_path(net, node_of(net, 4), node_of(net, 6)) == [node_of(net, i) for i in (4, 5, 6)]
    back = road_path(net, GRID_NODES[6], GRID_NODES[4])
    assert back == [GRID_NODES[i] for i in (6, 3, 2, 1, 4)]
    assert node_path(net, 0, 0) == [0]


def test_path_uses_edge_shapes(grid_osm: Path) -> None:
    net = load_network(grid_osm, "drive", use_cache=False)
    line = road_path(net, GRID_NODES[1], GRID_NODES[8])
    assert line == [GRID_NODES[i] for i in (1, 2, 3, 7, 8)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_path_length_matches_matrix(villeurbanne: RoadNetwork, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.choice(villeurbanne.n_nodes, 2, replace=False)
    pa = (float(villeurbanne.lon[a]) + 0.0002, float(villeurbanne.lat[a]))
    pb = (float(villeurbanne.lon[b]), float(villeurbanne.lat[b]) - 0.0002)
    line = road_path(villeurbanne, pa, pb)
    assert line[0] == pa and line[-1] == pb
    tm = OsmTravelTimes(villeurbanne, use_cache=False).matrices([pa, pb])
    assert _length_m(line) == pytest.approx(tm.distance_m[0, 1], abs=1.0 + 1e-3 * len(line))


def test_off_network_path_is_straight(villeurbanne: RoadNetwork) -> None:
    a = (float(villeurbanne.lon[0]), float(villeurbanne.lat[0]))
    b = (4.95, 45.80)
    assert road_path(villeurbanne, a, b) == [a, b]


def test_travel_times_protocol(villeurbanne: RoadNetwork) -> None:
    osm = OsmTravelTimes(villeurbanne, use_cache=False, off_network_m=50.0)
    straight = StraightLineTravelTimes(speed_kmh=36.0, circuity=1.0)
    assert isinstance(osm, TravelTimes) and isinstance(straight, TravelTimes)
    points = [(4.870, 45.780), (4.880, 45.780)]
    tm = straight.matrices(points)
    assert isinstance(tm, TravelMatrices)
    gap = float(great_circle_m(4.870, 45.780, 4.880, 45.780))
    assert tm.distance_m[0, 1] == tm.distance_m[1, 0] == round(gap)
    assert tm.duration_s[0, 1] == round(gap / 10.0)
    assert straight.path(*points) == points
    far = (4.95, 45.80)
    with pytest.warns(OffNetworkWarning, match="farm"):
        osm_tm = osm.matrices([points[0], far], labels=["depot", "farm"])
    assert 1 in osm_tm.approximated
    assert osm.path(points[0], far) == [points[0], far]
    with pytest.raises(ValueError, match="positive"):
        StraightLineTravelTimes(speed_kmh=0.0)
