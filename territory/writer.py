"""Write a :class:`~territory.model.Territory` as a territory folder the reader reads back equal.

:func:`write_territory` is the inverse of :func:`territory.reader.load_territory`:
every CSV-backed record is written from its declaration in :mod:`territory.fields`
(same columns, same cell formats), the hub as ``hub.toml``, every site's opening
hours as ``opening_hours.csv`` and the zones as ``zones.geojson``.  Loading the
folder gives a territory equal to the written one, record by record and in order
(only :attr:`~territory.model.Territory.folder` differs).  Files are UTF-8,
comma-separated, ``\\n`` line ends.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from shapely.geometry import mapping

from territory.fields import (
    OFFER,
    ORDER_LINE,
    ORGANISATION,
    PRODUCER,
    PRODUCT,
    STOCK,
    VEHICLE,
    VENUE,
    RecordFields,
)
from territory.model import Hub, Opening, Territory, format_minutes

__all__ = ["hub_toml", "write_territory"]


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_records(
    path: Path,
    spec: RecordFields[Any],
    records: Iterable[Any],
    extra: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Write records as their declaration says, then extra columns (record id -> column -> text)."""
    extra = extra or {}
    extra_columns = sorted({c for cells in extra.values() for c in cells} - set(spec.columns))
    _write_csv(
        path,
        (*spec.columns, *extra_columns),
        (
            [*spec.format_row(r), *(extra.get(r.id, {}).get(c, "") for c in extra_columns)]
            for r in records
        ),
    )


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def hub_toml(hub: Hub) -> str:
    """The hub as ``hub.toml`` text (its opening hours go to ``opening_hours.csv``).

    Road-network paths are written as they are held (absolute after reading).
    """
    lines = ["# Hub of the territory, written by foodhub."]
    for key, value in (
        ("id", hub.id), ("name", hub.name), ("address", hub.address), ("lon", hub.lon),
        ("lat", hub.lat), ("timezone", hub.timezone),
        ("week", str(hub.week) if hub.week else None),
    ):  # fmt: skip
        if value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    sections: list[tuple[str, dict[str, Any]]] = [
        ("service", {
            "default_service_min": hub.service.default_service_min,
            "handling_s_per_unit": hub.service.handling_s_per_unit,
            "loading_min": hub.service.loading_min,
        }),
        ("driver", {
            "max_shift_h": hub.driver.max_shift_h,
            "break_after_h": hub.driver.break_after_h,
            "break_min": hub.driver.break_min,
        }),
        ("co2", dict(hub.co2)),
        ("network", {k: str(v) for k, v in hub.network.items()}),
    ]  # fmt: skip
    for name, values in sections:
        lines += ["", f"[{name}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items() if v is not None]
    return "\n".join(lines) + "\n"


def write_territory(
    territory: Territory,
    folder: str | Path,
    *,
    extra_columns: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Path]:
    """Write a territory as a folder (created if missing) that the reader reads back equal.

    Parameters
    ----------
    territory
        What to write.  Every file is written, with a header row even when empty;
        ``zones.geojson`` only when there are zones.
    folder
        The territory folder; existing files of the same names are replaced.
    extra_columns
        Columns of ``venues.csv`` the model does not hold, kept verbatim:
        venue id -> column name -> cell text.  Written after the declared columns,
        sorted by name; a venue without a value gets an empty cell.

    Returns
    -------
    list of Path
        The files written, in writing order.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def path(name: str) -> Path:
        written.append(out / name)
        return out / name

    t = territory
    path("hub.toml").write_text(hub_toml(t.hub), encoding="utf-8")
    _write_records(path(ORGANISATION.file), ORGANISATION, t.organisations)
    _write_records(path(VENUE.file), VENUE, t.venues, extra_columns)
    sites: list[tuple[str, Opening]] = [(t.hub.id, t.hub.opening)]
    sites += [(v.id, v.opening) for v in t.venues] + [(p.id, p.opening) for p in t.producers]
    _write_csv(
        path("opening_hours.csv"),
        ("site_id", "weekday", "start", "end"),
        (
            (site, day, format_minutes(w.start_min), format_minutes(w.end_min))
            for site, opening in sites
            for day, windows in opening.items()
            for w in windows
        ),
    )
    _write_records(path(PRODUCER.file), PRODUCER, t.producers)
    _write_records(path(PRODUCT.file), PRODUCT, t.products)
    _write_records(path(VEHICLE.file), VEHICLE, t.vehicles)
    _write_records(path(ORDER_LINE.file), ORDER_LINE, t.orders)
    _write_records(path("orders_history.csv"), ORDER_LINE, t.orders_history)
    _write_records(path(STOCK.file), STOCK, t.stock)
    _write_records(path(OFFER.file), OFFER, t.offers)
    if t.zones:
        collection = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": z.name}, "geometry": mapping(z.geometry)}
                for z in t.zones
            ],
        }
        path("zones.geojson").write_text(json.dumps(collection, indent=1), encoding="utf-8")
    return written
