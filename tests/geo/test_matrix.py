"""Travel matrices: agreement with networkx, one-way streets, off-network points, cache."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo.matrix
from geo.distance import great_circle_m
from geo.matrix import OffNetworkWarning, network_matrices, travel_matrices
from geo.network import DISTANCE_RESOLUTION_M, DURATION_RESOLUTION_S, RoadNetwork, load_network
from territory.errors import InputError
from tests.geo.conftest import GRID_NODES, node_of


def _to_networkx(net: RoadNetwork) -> nx.DiGraph:
    graph = nx.DiGraph()
    coo_t = net.duration_s.tocoo()
    coo_d = net.distance_m.tocoo()
    for u, v, t, d in zip(coo_t.row, coo_t.col, coo_t.data, coo_d.data, strict=True):
        # the routing rule: fastest, then shortest; integer units make the key exact
        key = round(t / DURATION_RESOLUTION_S) * 2**27 + round(d / DISTANCE_RESOLUTION_M)
        graph.add_edge(int(u), int(v), duration=float(t), distance=float(d), key=key)
    return graph


def _node_points(net: RoadNetwork, nodes: np.ndarray) -> np.ndarray:
    return np.column_stack([net.lon[nodes], net.lat[nodes]])


@pytest.mark.parametrize("which", ["villeurbanne", "montpellier"])
def test_matrices_match_networkx(which: str, request: pytest.FixtureRequest) -> None:
    net: RoadNetwork = request.getfixturevalue(which)
    graph = _to_networkx(net)
    rng = np.random.default_rng(7)
    nodes = rng.choice(net.n_nodes, size=12, replace=False)
    duration, distance = network_matrices(net, nodes)
    tm = travel_matrices(net, _node_points(net, nodes), use_cache=False)
    assert np.all(tm.snap_distance_m < 1e-6)
    for a in range(len(nodes)):
        s = int(nodes[a])
        lengths_t, fastest = nx.single_source_dijkstra(graph, s, weight="duration")
        _, by_key = nx.single_source_dijkstra(graph, s, weight="key")
        for b in range(len(nodes)):
            t = int(nodes[b])
            assert duration[a, b] == pytest.approx(lengths_t[t], abs=1e-6)
            path = by_key[t]
            along = sum(graph.edges[p, q]["distance"] for p, q in itertools.pairwise(path))
            assert distance[a, b] == pytest.approx(along, abs=1e-6)
            # the distance is measured along a fastest path, so no fastest path is shorter
            other = sum(graph.edges[p, q]["distance"] for p, q in itertools.pairwise(fastest[t]))
            assert distance[a, b] <= other + 1e-6
            assert abs(tm.duration_s[a, b] - lengths_t[t]) <= 0.5 + 1e-6
            assert abs(tm.distance_m[a, b] - along) <= 0.5 + 1e-6


def test_matrix_types_and_diagonal(villeurbanne: RoadNetwork) -> None:
    nodes = np.array([0, 5, 5, 17])
    tm = travel_matrices(villeurbanne, _node_points(villeurbanne, nodes), use_cache=False)
    for matrix in (tm.duration_s, tm.distance_m):
        assert matrix.dtype == np.int64 and matrix.shape == (4, 4)
        assert np.all(np.diag(matrix) == 0)
        assert matrix[1, 2] == matrix[2, 1] == 0  # same node
        different = ~np.eye(4, dtype=bool)
        different[1, 2] = different[2, 1] = False
        assert np.all(matrix[different] > 0)
    assert tm.approximated == ()


def test_one_way_street_makes_matrix_asymmetric(grid_osm: Path) -> None:
    net = load_network(grid_osm, "drive", use_cache=False)
    points = [GRID_NODES[4], GRID_NODES[6]]
    tm = travel_matrices(net, points, use_cache=False)
    # 4 -> 6 along the one-way top street; 6 -> 4 round by the bottom street
    assert tm.distance_m[0, 1] == pytest.approx(161, abs=2)
    assert tm.distance_m[1, 0] == pytest.approx(111 + 161 + 111, abs=3)
    assert tm.duration_s[1, 0] > tm.duration_s[0, 1]
    # on the two-way bottom street both directions are equal
    tm = travel_matrices(net, [GRID_NODES[1], GRID_NODES[3]], use_cache=False)
    assert tm.duration_s[0, 1] == tm.duration_s[1, 0]
    assert tm.distance_m[0, 1] == tm.distance_m[1, 0]


def test_snap_leg_is_added(grid_osm: Path) -> None:
    net = load_network(grid_osm, "drive", use_cache=False)
    lon, lat = GRID_NODES[1]
    near = (lon - 0.0005, lat)  # about 40 m west of node 1
    tm = travel_matrices(net, [near, GRID_NODES[1]], snap_speed_kmh=5.0, use_cache=False)
    leg = float(great_circle_m(near[0], near[1], lon, lat))
    assert tm.snap_distance_m[0] == pytest.approx(leg)
    assert tm.distance_m[0, 1] == round(leg)
    assert tm.duration_s[0, 1] == round(leg / (5 / 3.6))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=8))
def test_triangle_inequality(villeurbanne: RoadNetwork, seeds: list[int]) -> None:
    rng = np.random.default_rng(seeds)
    west, east = villeurbanne.lon.min(), villeurbanne.lon.max()
    south, north = villeurbanne.lat.min(), villeurbanne.lat.max()
    points = np.column_stack(
        [rng.uniform(west, east, len(seeds)), rng.uniform(south, north, len(seeds))]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OffNetworkWarning)
        tm = travel_matrices(villeurbanne, points, use_cache=False)
    on = np.setdiff1d(np.arange(len(seeds)), tm.approximated)
    d = tm.duration_s[np.ix_(on, on)]
    # d[i, k] <= d[i, j] + d[j, k], up to 1 s of rounding
    assert np.all(d[:, None, :] <= d[:, :, None] + d[None, :, :] + 1)


def test_off_network_points_are_approximated(villeurbanne: RoadNetwork) -> None:
    inside = (float(villeurbanne.lon[0]), float(villeurbanne.lat[0]))
    far = (inside[0] + 0.05, inside[1] + 0.03)  # about 5 km away, in the countryside
    labels = ["campus", "ferme-des-bruyeres", "campus-2"]
    other = (float(villeurbanne.lon[10]), float(villeurbanne.lat[10]))
    with pytest.warns(OffNetworkWarning, match=r"ferme-des-bruyeres \(\d+ m\)") as record:
        tm = travel_matrices(villeurbanne, [inside, far, other], labels=labels, use_cache=False)
    assert len(record) == 1 and "campus," not in str(record[0].message)
    assert tm.approximated == (1,)
    for j in (0, 2):
        straight = float(great_circle_m(far[0], far[1], *[inside, other][j // 2]))
        for dist in (tm.distance_m[1, j], tm.distance_m[j, 1]):
            assert straight <= dist <= 3 * straight
        hours = tm.duration_s[1, j] / 3600
        assert straight / 1000 / 130 <= hours <= 3 * straight / 1000 / 30
    # the on-network part is still exact
    exact = travel_matrices(villeurbanne, [inside, other], use_cache=False)
    assert exact.duration_s[0, 1] == tm.duration_s[0, 2]


def test_two_off_network_points(villeurbanne: RoadNetwork) -> None:
    a = (4.95, 45.80)
    b = (4.96, 45.80)
    with pytest.warns(OffNetworkWarning, match="2 point"):
        tm = travel_matrices(villeurbanne, [a, b], circuity=1.3, regional_speed_kmh=60.0)
    straight = float(great_circle_m(a[0], a[1], b[0], b[1]))
    assert tm.distance_m[0, 1] == round(straight * 1.3)
    assert tm.duration_s[0, 1] == round(straight * 1.3 / (60 / 3.6))


def test_too_far_points_raise(villeurbanne: RoadNetwork) -> None:
    paris = (2.3522, 48.8566)
    swapped = (45.78, 4.87)  # lat, lon by mistake
    inside = (float(villeurbanne.lon[0]), float(villeurbanne.lat[0]))
    with pytest.raises(InputError) as info:
        travel_matrices(
            villeurbanne, [inside, paris, swapped], labels=["hub", "paris", "oops"], use_cache=False
        )
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 2
    assert messages[0].startswith("point paris") and "km from the nearest road" in messages[0]
    assert messages[1].startswith("point oops")


@pytest.mark.parametrize(
    "points",
    [[(200.0, 45.0)], [(4.8, 95.0)], [(float("nan"), 45.0)], [(4.8, 45.0, 1.0)]],
)
def test_invalid_points_raise(villeurbanne: RoadNetwork, points: list[tuple[float, ...]]) -> None:
    with pytest.raises(InputError):
        travel_matrices(villeurbanne, points, use_cache=False)


def test_labels_must_match(villeurbanne: RoadNetwork) -> None:
    with pytest.raises(InputError, match="2 labels were given for 1 points"):
        travel_matrices(villeurbanne, [(4.87, 45.78)], labels=["a", "b"])


def test_empty_points(villeurbanne: RoadNetwork) -> None:
    tm = travel_matrices(villeurbanne, np.zeros((0, 2)))
    assert tm.duration_s.shape == (0, 0) and tm.distance_m.shape == (0, 0)


def test_matrix_cache_round_trip(
    villeurbanne: RoadNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(3)
    points = _node_points(villeurbanne, rng.choice(villeurbanne.n_nodes, 6, replace=False))
    points = np.vstack([points, [[4.95, 45.80]]])  # one off-network point
    with pytest.warns(OffNetworkWarning):
        first = travel_matrices(villeurbanne, points, cache_dir=tmp_path)
    assert len(list((tmp_path / "matrices").glob("*.npz"))) == 1

    def refuse(*_: object) -> None:
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(geo.matrix, "network_matrices", refuse)
    with pytest.warns(OffNetworkWarning):  # still warned from the cache
        second = travel_matrices(villeurbanne, points, cache_dir=tmp_path)
    assert np.array_equal(first.duration_s, second.duration_s)
    assert np.array_equal(first.distance_m, second.distance_m)
    assert np.array_equal(first.snap_distance_m, second.snap_distance_m)
    assert first.approximated == second.approximated == (6,)
    with pytest.raises(AssertionError, match="cache was not used"):
        travel_matrices(villeurbanne, points, cache_dir=tmp_path, circuity=1.5)


def test_profiles_differ(grid_osm: Path) -> None:
    drive = load_network(grid_osm, "drive", use_cache=False)
    bike = load_network(grid_osm, "bike", use_cache=False)
    points = [GRID_NODES[1], GRID_NODES[3]]
    slow = travel_matrices(bike, points, use_cache=False)
    fast = travel_matrices(drive, points, use_cache=False)
    assert slow.distance_m[0, 1] == fast.distance_m[0, 1]
    assert slow.duration_s[0, 1] == pytest.approx(fast.duration_s[0, 1] * 30 / 15, abs=1)
    assert node_of(drive, 1) >= 0


def test_bike_regional_speed_defaults_to_bike_speed(grid_osm: Path) -> None:
    bike = load_network(grid_osm, "bike", use_cache=False)
    a, b = (3.95, 43.65), (3.96, 43.65)
    with pytest.warns(OffNetworkWarning):
        tm = travel_matrices(bike, [a, b], use_cache=False)
    assert tm.duration_s[0, 1] == round(tm.distance_m[0, 1] / (15 / 3.6))
