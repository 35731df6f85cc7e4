"""Loading OSM files into road networks: structure, profiles, errors, cache."""

from __future__ import annotations

import bz2
import dataclasses
import logging
from pathlib import Path

import numpy as np
import osmium
import pytest

import geo.network
from geo.network import RoadNetwork, load_network, network_from_place, network_info
from geo.osm import read_segments
from territory.errors import InputError
from tests.geo.conftest import GRID_NODES, GRID_WAYS, MONTPELLIER, node_of, osm_xml


def _has_edge(net: RoadNetwork, a: int, b: int) -> bool:
    ids = net.node_id.tolist()
    if a not in ids or b not in ids:
        return False
    try:
        net.edge_index(node_of(net, a), node_of(net, b))
    except KeyError:
        return False
    return True


def test_grid_drive_structure(grid_osm: Path) -> None:
    net = load_network(grid_osm, "drive", use_cache=False)
    assert sorted(net.node_id.tolist()) == [1, 2, 3, 4, 5, 6, 8]  # 7 is inside the spur
    assert _has_edge(net, 4, 5) and not _has_edge(net, 5, 4)  # one way
    assert _has_edge(net, 1, 2) and _has_edge(net, 2, 1)
    assert _has_edge(net, 2, 5) and _has_edge(net, 3, 8)  # trunk and motorway kept
    assert not _has_edge(net, 1, 6)  # footway dropped, building ignored
    # trunk 2-5: 111 m at maxspeed 50 km/h; residential 1-2: 80 m at 30 km/h
    k = net.edge_index(node_of(net, 2), node_of(net, 5))
    assert net.distance_m.data[k] == pytest.approx(111.2, abs=0.2)
    assert net.duration_s.data[k] == pytest.approx(111.2 / (50 / 3.6), abs=0.1)
    k = net.edge_index(node_of(net, 1), node_of(net, 2))
    assert net.duration_s.data[k] == pytest.approx(80.5 / (30 / 3.6), abs=0.2)
    # the motorway spur keeps its middle node as shape
    k = net.edge_index(node_of(net, 3), node_of(net, 8))
    assert net.edge_shape(k).tolist() == [list(GRID_NODES[i]) for i in (3, 7, 8)]
    k = net.edge_index(node_of(net, 8), node_of(net, 3))
    assert net.edge_shape(k).tolist() == [list(GRID_NODES[i]) for i in (8, 7, 3)]


def test_bike_excludes_motorway_and_trunk(grid_osm: Path) -> None:
    net = load_network(grid_osm, "bike", use_cache=False)
    assert 8 not in net.node_id.tolist()
    assert not _has_edge(net, 2, 5) and not _has_edge(net, 5, 2)
    assert _has_edge(net, 1, 3) and _has_edge(net, 3, 1)  # node 2 is no longer a junction
    assert np.allclose(net.distance_m.data / net.duration_s.data * 3.6, 15.0, rtol=0.01)


def test_bike_excludes_motorway_nodes_in_montpellier() -> None:
    only_fast: set[int] = set()
    others: set[int] = set()
    for way in osmium.FileProcessor(str(MONTPELLIER), osmium.osm.WAY):
        assert isinstance(way, osmium.osm.Way)
        refs = {n.ref for n in way.nodes}
        fast = way.tags.get("highway", "") in {"motorway", "motorway_link", "trunk", "trunk_link"}
        (only_fast if fast else others).update(refs)
    only_fast -= others
    assert only_fast, "the extract has motorway-only nodes"
    # Montpellier's motorway pieces are cut at the city limits and never join the strongly
    # connected component, so compare the segments read before that clean-up.
    drive = read_segments(MONTPELLIER, "drive")
    bike = read_segments(MONTPELLIER, "bike")
    assert only_fast & set(drive.u.tolist())
    assert not only_fast & (set(bike.u.tolist()) | set(bike.v.tolist()))


def test_network_info(grid_osm: Path) -> None:
    info = network_info(load_network(grid_osm, "drive", use_cache=False))
    assert info.nodes == 7
    assert info.edges == 2 * 5 + 2 + 2  # 5 two-way segments, 2 one-way ones, the spur
    assert info.bbox == pytest.approx((3.88, 43.61, 3.884, 43.611))
    assert info.road_km == pytest.approx((3 * 2 * 80.5 + 3 * 111.2) / 1000, rel=0.01)


def test_villeurbanne(villeurbanne: RoadNetwork) -> None:
    info = network_info(villeurbanne)
    assert 80 < info.nodes < 120
    west, south, east, north = info.bbox
    assert 4.86 < west < east < 4.89 and 45.77 < south < north < 45.79


def test_pbf_gives_the_same_network(grid_osm: Path, tmp_path: Path) -> None:
    pbf = tmp_path / "grid.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(grid_osm)):
            writer.add(obj)
    from_xml = load_network(grid_osm, "drive", use_cache=False)
    from_pbf = load_network(pbf, "drive", use_cache=False)
    assert np.array_equal(from_xml.node_id, from_pbf.node_id)
    assert np.allclose(from_xml.lon, from_pbf.lon) and np.allclose(from_xml.lat, from_pbf.lat)
    assert (from_xml.duration_s != from_pbf.duration_s).nnz == 0


def test_bz2_gives_the_same_network(grid_osm: Path, tmp_path: Path) -> None:
    packed = tmp_path / "grid.osm.bz2"
    packed.write_bytes(bz2.compress(grid_osm.read_bytes()))
    a = load_network(grid_osm, "drive", use_cache=False)
    b = load_network(packed, "drive", use_cache=False)
    assert (a.distance_m != b.distance_m).nnz == 0


def _write(tmp_path: Path, name: str, content: bytes | None) -> Path:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.osm", None, "does not exist"),
        ("empty.osm", b"", "is empty"),
        ("garbage.osm", b"this is not xml at all <<<", "not a readable OpenStreetMap file"),
        (
            "truncated.osm",
            b'<?xml version="1.0"?>\n<osm version="0.6">\n <node id="1" lat',
            "not a",
        ),
        ("broken.osm.bz2", b"BZh91AY&SY garbage", "not a readable OpenStreetMap file"),
        ("broken.osm.pbf", b"\x00\x00\x00\x0dnot a pbf", "not a readable OpenStreetMap file"),
        ("roads.geojson", b"{}", "not an OpenStreetMap file"),
        ("roads.txt", b"hello", "not an OpenStreetMap file"),
        (
            "buildings.osm",
            osm_xml(GRID_NODES, [([2, 9, 5, 2], {"building": "yes"})]).encode(),
            "holds no road",
        ),
        (
            "footways.osm",
            osm_xml(GRID_NODES, [([1, 9, 6], {"highway": "footway"})]).encode(),
            "holds no road",
        ),
    ],
)
def test_bad_files_give_input_error(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(InputError) as info:
        load_network(path, "drive", use_cache=False)
    problem = info.value.problems[0]
    assert problem.file == str(path)
    assert message in problem.message
    assert "Traceback" not in str(info.value)


def test_folder_and_unknown_profile(tmp_path: Path, grid_osm: Path) -> None:
    folder = tmp_path / "folder.osm"
    folder.mkdir()
    with pytest.raises(InputError, match="folder"):
        load_network(folder)
    with pytest.raises(InputError, match="unknown travel profile 'truck'"):
        load_network(grid_osm, "truck")


def test_cache_round_trip(grid_osm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first = load_network(grid_osm, "drive", cache_dir=cache)
    assert len(list((cache / "networks").glob("*.npz"))) == 1

    def refuse(*_: object) -> None:
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(geo.network, "read_segments", refuse)
    second = load_network(grid_osm, "drive", cache_dir=cache)
    for field in ("node_id", "lon", "lat", "shape_first", "shape_last", "shape_lonlat"):
        assert np.array_equal(getattr(first, field), getattr(second, field)), field
    for field in ("duration_s", "distance_m"):
        a, b = getattr(first, field), getattr(second, field)
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
        assert np.array_equal(a.data, b.data)
    assert (first.profile, first.content_hash) == (second.profile, second.content_hash)
    # another profile is another entry
    with pytest.raises(AssertionError, match="cache was not used"):
        load_network(grid_osm, "bike", cache_dir=cache)


def test_cache_is_keyed_by_content(grid_osm: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = load_network(grid_osm, "drive", cache_dir=cache)
    grid_osm.write_text(osm_xml(GRID_NODES, GRID_WAYS[:4]), encoding="utf-8")
    after = load_network(grid_osm, "drive", cache_dir=cache)
    assert after.content_hash != before.content_hash
    assert after.n_nodes < before.n_nodes


def test_default_cache_dir_from_environment(
    grid_osm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOODHUB_CACHE_DIR", str(tmp_path / "envcache"))
    load_network(grid_osm, "drive")
    assert list((tmp_path / "envcache" / "networks").glob("*.npz"))


def test_cache_write_failure_is_a_warning(
    grid_osm: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="geo.cache"):
        net = load_network(grid_osm, "drive", cache_dir=blocker)
    assert net.n_nodes == 7
    assert "could not write cache entry" in caplog.text


def test_damaged_cache_entry_is_rebuilt(grid_osm: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_network(grid_osm, "drive", cache_dir=cache)
    (entry,) = (cache / "networks").glob("*.npz")
    entry.write_bytes(b"damaged")
    assert load_network(grid_osm, "drive", cache_dir=cache).n_nodes == 7


def test_network_from_place_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import osmnx

    def offline(*_: object, **__: object) -> None:
        raise ConnectionError("Failed to resolve 'nominatim.openstreetmap.org'")

    monkeypatch.setattr(osmnx, "graph_from_place", offline)
    with pytest.raises(InputError, match="could not download the road network of 'Villeurbanne"):
        network_from_place("Villeurbanne, France", "drive")


def test_network_from_place_converts_the_osmnx_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import osmnx

    roads = tmp_path / "roads.osm"  # graph_from_xml keeps every way: give it roads only
    roads.write_text(osm_xml(GRID_NODES, GRID_WAYS[:5]), encoding="utf-8")
    downloaded = osmnx.graph_from_xml(roads)
    monkeypatch.setattr(osmnx, "graph_from_place", lambda *_, **__: downloaded)
    net = network_from_place("Somewhere, France", "drive")
    assert net.source == "place:Somewhere, France"
    from_file = load_network(roads, "drive", use_cache=False)
    assert network_info(net).road_km == pytest.approx(network_info(from_file).road_km, rel=1e-3)
    assert _has_edge(net, 4, 5) and not _has_edge(net, 5, 4)
    a, b = node_of(net, 2), node_of(net, 5)
    k = net.edge_index(a, b)
    assert net.duration_s.data[k] == pytest.approx(111.2 / (50 / 3.6), abs=0.1)  # maxspeed


def test_road_network_validates_and_is_read_only(grid_osm: Path) -> None:
    net = load_network(grid_osm, "drive", use_cache=False)
    with pytest.raises(ValueError, match="read-only"):
        net.lon[0] = 0.0
    with pytest.raises(ValueError, match="one value per node"):
        dataclasses.replace(net, lon=net.lon[:-1])
    with pytest.raises(ValueError, match="profile 'truck'"):
        dataclasses.replace(net, profile="truck")
