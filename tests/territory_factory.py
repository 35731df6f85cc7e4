"""Write small territory folders for tests.

The valid base territory (hand-checkable) has, in file order (spreadsheet rows)::

    organisations.csv  O1 (row 2), O2 (3), O3 (4)
    venues.csv         V01 mon;thu any (2), V02 tue bike_only (3), V03 wed;fri no_truck x2 (4)
    opening_hours.csv  V01 mon 08-12 (2), V01 mon 14-18 (3), V01 thu 09-12 (4),
                       V02 tue 10-16 (5), V03 wed 08-12 (6), V03 fri 08-12 (7), P01 tue 07-09 (8)
    producers.csv      P01 (2)
    products.csv       A1 ambient (2), C1 chilled (3), F1 frozen (4), T1 ambient (5)
    vehicles.csv       VAN1 drive (2), BIKE1 bike zone centre (3), FRIDGE1 drive (4)
    orders.csv         2026-W49: V01 A1 (2), V01 C1 (3), V02 A1 (4), V03 F1 (5), V03 T1 (6)
    orders_history.csv 2026-W48: V01 A1 (2)
    stock.csv          A1 L1 (2), C1 L2 (3)
    offers.csv         P01 T1 tue (2)
    zones.geojson      centre (feature 1)

Usage::

    files = territory_files()          # fresh, mutable copy of the base
    files["venues"][0]["lat"] = "91.2"  # row 2 of venues.csv
    write_territory(tmp_path, **files)

Each keyword is a file stem (``hub``, ``venues``, ``opening_hours``, ``zones`` ...):
a list of row dicts (CSV; the header is the base file's columns plus any new
keys), a dict (``hub`` as TOML, ``zones`` as GeoJSON), ``str``/``bytes`` written
verbatim, or ``None`` to leave the file out.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

__all__ = [
    "FILE_NAMES",
    "territory_files",
    "to_toml",
    "without_column",
    "write_territory",
]

FILE_NAMES: dict[str, str] = {
    "hub": "hub.toml",
    "organisations": "organisations.csv",
    "venues": "venues.csv",
    "opening_hours": "opening_hours.csv",
    "producers": "producers.csv",
    "products": "products.csv",
    "vehicles": "vehicles.csv",
    "orders": "orders.csv",
    "orders_history": "orders_history.csv",
    "stock": "stock.csv",
    "offers": "offers.csv",
    "zones": "zones.geojson",
}

_WEEKDAYS_OPEN = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "05:00-14:00")


def _rows(header: str, *lines: str) -> list[dict[str, str]]:
    columns = header.split(",")
    return [dict(zip(columns, line.split(","), strict=True)) for line in lines]


_BASE: dict[str, Any] = {
    "hub": {
        "name": "Test hub",
        "id": "hub",
        "address": "1 rue du Test, Montpellier",
        "lon": 3.876,
        "lat": 43.611,
        "timezone": "Europe/Paris",
        "week": "2026-W49",
        "opening_hours": dict(_WEEKDAYS_OPEN),
        "service": {"default_service_min": 10, "handling_s_per_unit": 2, "loading_min": 15},
        "driver": {"max_shift_h": 8, "break_after_h": 4.5, "break_min": 30},
        "co2": {"diesel_kg_per_l": 2.68, "electric_g_per_kwh": 52},
    },
    "organisations": _rows(
        "id,name,kind,contact",
        "O1,Epicerie solidaire,grocery,o1@example.org",
        "O2,Restos partage,distribution,",
        "O3,Hub association,hub,",
    ),
    "venues": _rows(
        "id,name,kind,organisation_id,lon,lat,households,delivery_days,access,service_min,"
        "deliveries_per_week,accepts_substitutes,address",
        "V01,Epicerie Figuerolles,grocery,O1,3.866,43.607,120,mon;thu,any,15,1,yes,",
        "V02,Point Ecusson,distribution,O2,3.878,43.610,60,tue,bike_only,,,no,",
        "V03,Cuisine Mosson,kitchen,O1,3.820,43.620,200,wed;fri,no_truck,20,2,,",
    ),
    "opening_hours": _rows(
        "site_id,weekday,start,end",
        "V01,mon,08:00,12:00",
        "V01,mon,14:00,18:00",
        "V01,thu,09:00,12:00",
        "V02,tue,10:00,16:00",
        "V03,wed,08:00,12:00",
        "V03,fri,08:00,12:00",
        "P01,tue,07:00,09:00",
    ),
    "producers": _rows(
        "id,name,organisation_id,lon,lat,field_m2,greenhouse_m2",
        "P01,Ferme du Lez,O3,3.900,43.650,5000,400",
    ),
    "products": _rows(
        "id,name,category,temperature,unit,unit_kg,unit_l,shelf_life_days,price_eur",
        "A1,Pasta,dry,ambient,kg,1,1.2,365,1.5",
        "C1,Yoghurt 4x125g,dairy,chilled,pack,0.5,0.6,20,2.2",
        "F1,Frozen vegetables,vegetables,frozen,bag,1,1.5,180,3",
        "T1,Tomatoes,vegetables,ambient,crate,5,12,6,10",
    ),
    "vehicles": _rows(
        "id,name,organisation_id,kind,profile,capacity_kg,capacity_l,chilled_l,frozen_l,"
        "fixed_cost_eur,cost_per_km_eur,cost_per_h_eur,co2_g_per_km,shift_start,shift_end,"
        "days,max_trips,zone",
        "VAN1,Van,O3,van,drive,800,6000,0,0,30,0.25,22,180,07:00,15:00,mon;tue;wed;thu;fri,2,",
        "BIKE1,Cargo bike,O1,cargo_bike,bike,150,600,0,0,5,0,18,0,08:00,13:00,"
        "mon;tue;wed;thu;fri,3,centre",
        "FRIDGE1,Refrigerated van,O3,refrigerated_van,drive,600,2000,3000,1000,45,0.3,22,220,"
        "06:00,14:00,mon;wed;fri,1,",
    ),
    "orders": _rows(
        "week,venue_id,product_id,quantity",
        "2026-W49,V01,A1,10",
        "2026-W49,V01,C1,5",
        "2026-W49,V02,A1,3",
        "2026-W49,V03,F1,2",
        "2026-W49,V03,T1,4",
    ),
    "orders_history": _rows("week,venue_id,product_id,quantity", "2026-W48,V01,A1,8"),
    "stock": _rows(
        "product_id,lot,quantity,expiry",
        "A1,L1,100,2027-01-31",
        "C1,L2,20,2026-12-10",
    ),
    "offers": _rows("producer_id,product_id,quantity,day", "P01,T1,30,tue"),
    "zones": {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "centre"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[3.86, 43.60], [3.89, 43.60], [3.89, 43.62], [3.86, 43.62], [3.86, 43.60]]
                    ],
                },
            }
        ],
    },
}

_COLUMNS: dict[str, list[str]] = {
    stem: list(value[0]) for stem, value in _BASE.items() if isinstance(value, list)
}


def territory_files() -> dict[str, Any]:
    """A fresh, freely mutable copy of the valid base territory (see module docstring)."""
    return copy.deepcopy(_BASE)


def without_column(rows: list[dict[str, str]], column: str) -> list[dict[str, str]]:
    """The rows with one column removed (to test a missing column)."""
    return [{k: v for k, v in row.items() if k != column} for row in rows]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {value!r} as TOML")


def to_toml(data: dict[str, Any]) -> str:
    """Render a dict of scalars and one level of tables as TOML."""
    lines = [
        f"{key} = {_toml_value(value)}"
        for key, value in data.items()
        if not isinstance(value, dict)
    ]
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"\n[{key}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in value.items())
    return "\n".join(lines) + "\n"


def _to_csv(stem: str, rows: list[dict[str, str]]) -> str:
    columns = [c for c in _COLUMNS.get(stem, []) if any(c in row for row in rows) or not rows]
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_territory(path: Path, **overrides: Any) -> Path:
    """Write the base territory, with overrides, into ``path`` (created if needed).

    Parameters
    ----------
    path
        Target folder.
    **overrides
        File stem -> content (rows, dict, ``str``, ``bytes``, or ``None`` to omit).

    Returns
    -------
    Path
        ``path``.
    """
    unknown = set(overrides) - set(FILE_NAMES)
    if unknown:
        raise TypeError(f"unknown territory files: {sorted(unknown)}")
    path.mkdir(parents=True, exist_ok=True)
    files = territory_files()
    files.update(overrides)
    for stem, content in files.items():
        target = path / FILE_NAMES[stem]
        if content is None:
            target.unlink(missing_ok=True)
            continue
        if isinstance(content, bytes):
            target.write_bytes(content)
            continue
        if isinstance(content, str):
            text = content
        elif stem == "hub":
            text = to_toml(content)
        elif stem == "zones":
            text = json.dumps(content, indent=1)
        else:
            text = _to_csv(stem, content)
        target.write_text(text, encoding="utf-8")
    return path
