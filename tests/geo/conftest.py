"""Fixtures of the geo tests: bundled extracts and tiny hand-written OSM files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from geo.network import RoadNetwork, load_network

DATA = Path(__file__).resolve().parents[2] / "data" / "osm"
VILLEURBANNE = DATA / "villeurbanne_ladoua_campus_drive.osm"
MONTPELLIER = DATA / "montpellier_drive_2020-07-02.osm.bz2"

# A 3 x 2 grid, about 80 m between columns and 111 m between rows (near Montpellier):
#
#   4 ---> 5 ---> 6      top street: one way, west to east
#   |      |      |
#   1 ---- 2 ---- 3      bottom street: two ways; 2-5 is a trunk,
#                                            3-7-8 a dead-end two-way motorway spur
GRID_NODES = {
    1: (3.8800, 43.6100),
    2: (3.8810, 43.6100),
    3: (3.8820, 43.6100),
    4: (3.8800, 43.6110),
    5: (3.8810, 43.6110),
    6: (3.8820, 43.6110),
    7: (3.8830, 43.6100),
    8: (3.8840, 43.6100),
    9: (3.8805, 43.6105),
}
GRID_WAYS: list[tuple[list[int], dict[str, str]]] = [
    ([1, 2, 3], {"highway": "residential", "name": "Rue du Bas"}),
    ([4, 5, 6], {"highway": "residential", "oneway": "yes", "name": "Rue du Haut"}),
    ([1, 4], {"highway": "residential"}),
    ([3, 6], {"highway": "residential"}),
    ([2, 5], {"highway": "trunk", "maxspeed": "50"}),
    ([3, 7, 8], {"highway": "motorway", "oneway": "no"}),
    ([1, 9, 6], {"highway": "footway"}),
    ([2, 9, 5, 2], {"building": "yes"}),
]


def osm_xml(
    nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict[str, str]]]
) -> str:
    """An OSM XML document with these nodes (id -> lon, lat) and ways (node ids, tags)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for node_id, (lon, lat) in nodes.items():
        lines.append(f'  <node id="{node_id}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for way_id, (refs, tags) in enumerate(ways, start=100):
        lines.append(f'  <way id="{way_id}" version="1">')
        lines.extend(f'    <nd ref="{ref}"/>' for ref in refs)
        lines.extend(f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's ~/.cache in tests."""
    monkeypatch.setenv("FOODHUB_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "foodhub-cache"))


@pytest.fixture
def grid_osm(tmp_path: Path) -> Path:
    """The hand-made grid as an .osm file."""
    path = tmp_path / "grid.osm"
    path.write_text(osm_xml(GRID_NODES, GRID_WAYS), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def villeurbanne(tmp_path_factory: pytest.TempPathFactory) -> RoadNetwork:
    """Drive network of the La Doua campus (about 100 nodes)."""
    return load_network(VILLEURBANNE, "drive", cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def montpellier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoadNetwork]:
    """Drive network of the city of Montpellier (about 5,700 nodes)."""
    yield load_network(MONTPELLIER, "drive", cache_dir=tmp_path_factory.mktemp("cache"))


def node_of(net: RoadNetwork, osm_id: int) -> int:
    """Index of the node with this OSM id."""
    hits = (net.node_id == osm_id).nonzero()[0]
    assert hits.size == 1, f"node {osm_id} not in network"
    return int(hits[0])
