import json
import re
from pathlib import Path

from logistics.outputs._rounds import vehicle_colours
from logistics.outputs.geojson import routes_geojson
from logistics.outputs.map import write_map
from logistics.tables.files import PlanTables
from territory.model import Territory


def _js(text: str) -> str:
    """How folium writes a string into the page's JavaScript."""
    return json.dumps(text)[1:-1]


def _write(tmp_path: Path, territory: Territory, tables: PlanTables, lang: str = "fr") -> str:
    path = write_map(
        tmp_path / "map.html", territory, tables, routes_geojson(territory, tables), lang=lang
    )
    return path.read_text(encoding="utf-8")


def test_one_layer_per_day_and_only_the_first_shown(
    tmp_path: Path, territory: Territory, tables: PlanTables
) -> None:
    html = _write(tmp_path, territory, tables)
    overlays = re.search(r"overlays\s*:\s*\{(.*?)\}", html, re.S)
    assert overlays is not None
    entries = dict(re.findall(r'"([^"]+)"\s*:\s*(feature_group_\w+)', overlays.group(1)))
    tuesday = _js("Tournées du mardi 1er décembre 2026")
    thursday = _js("Tournées du jeudi 3 décembre 2026")
    assert tuesday in entries and thursday in entries
    assert re.search(rf"{entries[tuesday]}\.addTo\(map_\w+\)", html)
    assert not re.search(rf"{entries[thursday]}\.addTo\(map_\w+\)", html)


def test_every_vehicle_colour_stop_and_legend(
    tmp_path: Path, territory: Territory, tables: PlanTables
) -> None:
    html = _write(tmp_path, territory, tables)
    for colour in vehicle_colours(territory, tables).values():
        assert colour in html
    assert 'id="foodhub-legend"' in html
    assert _js("Épicerie sociale Celleneuve") in html or "Épicerie sociale Celleneuve" in html
    assert "08:20" in html  # ETA in a popup
    assert "10:00-16:00" in html  # opening window in a popup
    # names are escaped, never injected as markup
    assert "<Figuerolles>" not in html
    assert "&lt;Figuerolles&gt;" in html


def test_english_map(tmp_path: Path, territory: Territory, tables: PlanTables) -> None:
    html = _write(tmp_path, territory, tables, lang="en")
    assert _js("Rounds of Tuesday 1 December 2026") in html
    assert "Legend" in html
