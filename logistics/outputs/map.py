"""``map.html``: an interactive Leaflet map of the week's rounds (folium).

One overlay per day (only the first is shown when the page opens; the layer
control switches days on and off), one colour per vehicle, the second and later
trips of a vehicle dashed, numbered stop markers whose popups tell what happens
there, the hub and the producers, and a legend.

The page is a single HTML file, but folium links Leaflet, jQuery, Bootstrap and
the map tiles from the internet: without a connection the page shows nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

import folium
from branca.element import Figure

from logistics.outputs import _rounds
from logistics.outputs.i18n import check_lang, format_date, t
from logistics.tables.files import PlanTables, RouteStop
from territory.model import Territory

__all__ = ["build_map", "write_map"]

_HUB_COLOUR = "#222222"
_PRODUCER_COLOUR = "#2E7D32"


def _trip_lines(geojson: Mapping[str, Any]) -> dict[tuple[str, str, int], list[list[float]]]:
    lines = {}
    for feature in geojson.get("features", ()):
        properties = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if properties.get("feature") == "trip" and geometry.get("type") == "LineString":
            trip_key = (
                str(properties["day"]),
                str(properties["vehicle_id"]),
                int(properties["trip"]),
            )
            lines[trip_key] = geometry["coordinates"]
    return lines


def _badge(text: str, colour: str, *, square: bool = False, size: int = 24) -> folium.DivIcon:
    radius = "4px" if square else "50%"
    html = (
        f'<div style="width:{size}px;height:{size}px;line-height:{size}px;border-radius:{radius};'
        f"background:{colour};color:#fff;border:2px solid #fff;box-shadow:0 0 3px #000;"
        f'text-align:center;font:bold 12px sans-serif;">{escape(text)}</div>'
    )
    half = size // 2 + 2
    return folium.DivIcon(html=html, icon_size=(size + 4, size + 4), icon_anchor=(half, half))


def _items_html(title: str, items: list[_rounds.Item], lang: str) -> str:
    if not items:
        return ""
    rows = "".join(
        f"<li>{escape(item.name)} × {item.quantity} {escape(item.unit)}"
        + (
            f" <b>[{escape(t('temp.' + item.temperature, lang))}]</b>"
            if item.temperature != "ambient"
            else ""
        )
        + "</li>"
        for item in items
    )
    return f"<b>{escape(title)}</b><ul style='margin:2px 0 4px 16px;padding:0'>{rows}</ul>"


def _popup_html(
    territory: Territory,
    stop: RouteStop,
    number: int | None,
    vehicle: str,
    trip_ordinal: int,
    delivered: list[_rounds.Item],
    collected: list[_rounds.Item],
    zone: dt.tzinfo | None,
    lang: str,
) -> str:
    site = _rounds.site(territory, stop.site_id, stop.site_kind)
    action = t(f"action.{stop.action}", lang)
    heading = f"{number}. " if number is not None else ""
    parts = [
        f"<b>{heading}{escape(site.name)}</b>",
        f"{escape(action)} — {escape(vehicle)}, {escape(t('map.trip', lang, n=trip_ordinal))}",
        f"{escape(t('map.eta', lang))} : <b>{_rounds.hhmm(stop.arrival, zone)}</b>"
        if lang == "fr"
        else f"{escape(t('map.eta', lang))}: <b>{_rounds.hhmm(stop.arrival, zone)}</b>",
    ]
    sep = " : " if lang == "fr" else ": "
    if stop.service_start != stop.arrival:
        parts.append(
            f"{escape(t('map.service', lang))}{sep}{_rounds.hhmm(stop.service_start, zone)}"
        )
    window = _rounds.window_text(site.opening, stop.day, t("sheet.closed", lang))
    if window:
        parts.append(f"{escape(t('map.window', lang))}{sep}{escape(window)}")
    load = t(
        "map.load_value",
        lang,
        kg=_rounds.number(stop.load_kg, 1, lang),
        ambient=_rounds.number(stop.load_l, 0, lang),
        chilled=_rounds.number(stop.chilled_l, 0, lang),
        frozen=_rounds.number(stop.frozen_l, 0, lang),
    )
    parts.append(f"{escape(t('map.load', lang))}{sep}{escape(load)}")
    body = "<br>".join(parts)
    body += "<br>" + _items_html(t("map.delivered", lang), delivered, lang)
    body += _items_html(t("map.collected", lang), collected, lang)
    if site.address:
        body += f"{escape(t('map.address', lang))}{sep}{escape(site.address)}<br>"
    if site.contact:
        body += f"{escape(t('map.contact', lang))}{sep}{escape(site.contact)}"
    return f"<div style='font:13px sans-serif;min-width:220px'>{body}</div>"


def _legend_html(
    territory: Territory, colours: Mapping[str, str], used: list[str], lang: str
) -> str:
    rows = []
    for vehicle_id in used:
        name = _rounds.vehicle_name(territory, vehicle_id)
        rows.append(
            f'<div><span style="display:inline-block;width:22px;height:5px;margin-right:6px;'
            f'vertical-align:middle;background:{colours[vehicle_id]}"></span>{escape(name)}</div>'
        )
    symbol = (
        "display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:middle;"
        "border:1px solid #fff;box-shadow:0 0 2px #000;"
    )
    rows.append(
        f'<div><span style="{symbol}background:{_HUB_COLOUR};border-radius:3px"></span>'
        f"{escape(t('map.legend.hub', lang))}</div>"
    )
    rows.append(
        f'<div><span style="{symbol}background:{_PRODUCER_COLOUR};border-radius:3px"></span>'
        f"{escape(t('map.legend.producer', lang))}</div>"
    )
    rows.append(
        f'<div><span style="{symbol}background:#777;border-radius:50%"></span>'
        f"{escape(t('map.legend.stop', lang))}</div>"
    )
    rows.append(
        '<div><span style="display:inline-block;width:22px;margin-right:6px;vertical-align:middle;'
        f'border-top:3px dashed #555"></span>{escape(t("map.trip", lang, n=2))}+</div>'
    )
    return (
        '<div id="foodhub-legend" style="position:fixed;bottom:24px;left:12px;z-index:9999;'
        "background:rgba(255,255,255,0.92);padding:8px 10px;border-radius:6px;"
        'box-shadow:0 0 6px rgba(0,0,0,0.3);font:13px sans-serif;max-width:280px">'
        f"<b>{escape(t('map.legend', lang))}</b>{''.join(rows)}</div>"
    )


def build_map(
    territory: Territory,
    tables: PlanTables,
    geojson: Mapping[str, Any] | None = None,
    *,
    lang: str = "fr",
) -> folium.Map:
    """The folium map of a plan (see the module docstring).

    Parameters
    ----------
    territory, tables
        The territory and the plan tables.
    geojson
        The output of :func:`~logistics.outputs.geojson.routes_geojson`, whose trip
        lines give the road geometry; trips it lacks are drawn as straight lines.
    lang
        ``"fr"`` or ``"en"``.

    Raises
    ------
    ValueError
        When ``lang`` is not supported.
    InputError
        When a routes row names a site the territory does not have.
    """
    lang = check_lang(lang)
    _rounds.check_sites(territory, tables.routes)
    zone = territory.tzinfo
    colours = _rounds.vehicle_colours(territory, tables)
    lines = _trip_lines(geojson or {})
    delivered, collected = _rounds.items_by_stop(territory, tables)
    hub = territory.hub

    fmap = folium.Map(location=[hub.lat, hub.lon], zoom_start=12, control_scale=True)
    by_day: dict[dt.date, list[_rounds.Round]] = defaultdict(list)
    for round_ in _rounds.rounds(territory, tables):
        by_day[round_.day].append(round_)

    bounds: list[tuple[float, float]] = [(hub.lat, hub.lon)]
    used: list[str] = []
    for index, day in enumerate(sorted(by_day)):
        group = folium.FeatureGroup(
            name=escape(t("map.day", lang, day=format_date(day, lang))), show=index == 0
        )
        for round_ in by_day[day]:
            if round_.vehicle_id not in used:
                used.append(round_.vehicle_id)
            colour = colours[round_.vehicle_id]
            vehicle = _rounds.vehicle_name(territory, round_.vehicle_id)
            numbers = _rounds.stop_numbers(round_)
            for trip in round_.trips:
                coordinates = lines.get((day.isoformat(), round_.vehicle_id, trip.number))
                if coordinates is None:
                    sites = [_rounds.site(territory, s.site_id, s.site_kind) for s in trip.stops]
                    coordinates = [[s.lon, s.lat] for s in sites]
                locations = [(float(lat), float(lon)) for lon, lat in coordinates]
                bounds.extend(locations)
                label = t(
                    "map.round",
                    lang,
                    vehicle=vehicle,
                    day=format_date(day, lang),
                    trip=trip.ordinal,
                    n=len(trip.work_stops),
                    km=_rounds.number(trip.distance_m / 1000, 1, lang),
                    duration=_rounds.duration_text(trip.duration),
                )
                folium.PolyLine(
                    locations,
                    tooltip=escape(label),
                    color=colour,
                    weight=5,
                    opacity=0.85,
                    dash_array="10 8" if trip.ordinal > 1 else None,
                ).add_to(group)
                for stop in trip.stops:
                    if (
                        stop.action not in ("deliver", "pickup", "break")
                        or stop.trip != trip.number
                    ):
                        continue
                    site = _rounds.site(territory, stop.site_id, stop.site_kind)
                    stop_key = _rounds.key(stop)
                    number = numbers.get(stop_key)
                    popup = _popup_html(
                        territory,
                        stop,
                        number,
                        vehicle,
                        trip.ordinal,
                        delivered.get(stop_key, []),
                        collected.get(stop_key, []),
                        zone,
                        lang,
                    )
                    if number is None:  # a break: a small marker beside the site
                        icon = _badge("II", colour, size=16)
                    else:
                        icon = _badge(str(number), colour, square=stop.action == "pickup")
                    folium.Marker(
                        (site.lat, site.lon),
                        icon=icon,
                        tooltip=escape(f"{_rounds.hhmm(stop.arrival, zone)} {site.name}"),
                        popup=folium.Popup(popup, max_width=340),
                    ).add_to(group)
        group.add_to(fmap)

    places = folium.FeatureGroup(name=escape(t("map.producers", lang)), show=True)
    for producer in territory.producers:
        bounds.append((producer.lat, producer.lon))
        folium.Marker(
            (producer.lat, producer.lon),
            icon=_badge("P", _PRODUCER_COLOUR, square=True, size=18),
            tooltip=escape(producer.name),
            popup=folium.Popup(
                f"<b>{escape(producer.name)}</b><br>{escape(producer.address or '')}",
                max_width=300,
            ),
        ).add_to(places)
    places.add_to(fmap)
    hub_group = folium.FeatureGroup(name=escape(t("map.hub", lang)), show=True)
    folium.Marker(
        (hub.lat, hub.lon),
        icon=_badge("H", _HUB_COLOUR, square=True, size=26),
        tooltip=escape(hub.name),
        popup=folium.Popup(
            f"<b>{escape(hub.name)}</b><br>{escape(hub.address or '')}", max_width=300
        ),
    ).add_to(hub_group)
    hub_group.add_to(fmap)

    folium.LayerControl(collapsed=False).add_to(fmap)
    root = fmap.get_root()
    assert isinstance(root, Figure)
    root.html.add_child(folium.Element(_legend_html(territory, colours, used, lang)))
    lats = [lat for lat, _ in bounds]
    lons = [lon for _, lon in bounds]
    if max(lats) > min(lats) or max(lons) > min(lons):
        fmap.fit_bounds([(min(lats), min(lons)), (max(lats), max(lons))], padding=(20, 20))
    return fmap


def write_map(
    path: Path,
    territory: Territory,
    tables: PlanTables,
    geojson: Mapping[str, Any] | None = None,
    *,
    lang: str = "fr",
) -> Path:
    """Write :func:`build_map` as a standalone HTML page (``map.html``) and return its path.

    The parent folder is created if missing.  Raises as :func:`build_map`.
    """
    fmap = build_map(territory, tables, geojson, lang=lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmap.save(str(path))
    return path
