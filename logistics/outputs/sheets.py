"""Driver sheets: one printable A4 PDF per round (day × vehicle), made with reportlab.

A sheet has a title block (hub, day written out, vehicle, shift, driver break), one
section per trip (what to load at the hub, then the stops in order: number,
arrival, opening window, site with address and phone, action, what to unload or
collect with its temperature class marked, a box to tick), the round's totals, a
small map of the round (matplotlib, no background tiles) and a box for notes,
times, odometer and signature.  French by default, English with ``lang="en"``.

Fonts are the PDF standard fonts (Helvetica), which cover French; the sheets print
well in black and white (temperature classes are words, not only colours).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from html import escape
from math import cos, radians
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from logistics.outputs import _rounds
from logistics.outputs.i18n import check_lang, format_date, t
from logistics.tables.files import PlanTables, RouteStop
from territory.model import Territory, format_minutes

__all__ = ["sheet_file_name", "write_driver_sheet", "write_driver_sheets"]

_PAGE_W, _PAGE_H = A4
_MARGIN = 12 * mm
_WIDTH = _PAGE_W - 2 * _MARGIN
_COLUMNS = (8 * mm, 16 * mm, 21 * mm, 50 * mm, 24 * mm, 57 * mm, 10 * mm)
_HEAD_GREY = colors.HexColor("#E6E6E6")
_ZEBRA = colors.HexColor("#F7F7F7")
_TEMP_TAG = {
    "ambient": ('<font size="7" color="#555555">[{label}]</font>'),
    "chilled": ('<font backColor="#CFE3FF" color="#002F6C"><b>&nbsp;{label}&nbsp;</b></font>'),
    "frozen": ('<font backColor="#1B2A49" color="#FFFFFF"><b>&nbsp;{label}&nbsp;</b></font>'),
}


_Styles = dict[str, ParagraphStyle]
"""The sheet's paragraph styles by name (see :func:`_styles`)."""


def _styles() -> _Styles:
    base = getSampleStyleSheet()["BodyText"]
    body = ParagraphStyle("fh-body", parent=base, fontName="Helvetica", fontSize=9, leading=11)
    return {
        "body": body,
        "small": ParagraphStyle("fh-small", parent=body, fontSize=7.5, leading=9),
        "cell": ParagraphStyle("fh-cell", parent=body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle(
            "fh-head", parent=body, fontName="Helvetica-Bold", fontSize=8.5, leading=10
        ),
        "number": ParagraphStyle(
            "fh-number", parent=body, fontName="Helvetica-Bold", fontSize=12, alignment=TA_CENTER
        ),
        "hub": ParagraphStyle("fh-hub", parent=body, fontSize=10, leading=12),
        "title": ParagraphStyle(
            "fh-title", parent=body, fontName="Helvetica-Bold", fontSize=16, leading=20
        ),
        "trip": ParagraphStyle(
            "fh-trip",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=11.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
        ),
    }


def sheet_file_name(day: dt.date, vehicle_id: str) -> str:
    """File name of a round's sheet: ``2026-12-01_V2.pdf`` (unsafe characters become ``_``)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", vehicle_id).strip("._") or "vehicle"
    return f"{day.isoformat()}_{safe}.pdf"


def _sep(lang: str) -> str:
    return " : " if lang == "fr" else ": "


def _tag(temperature: str, lang: str) -> str:
    label = escape(t(f"temp.{temperature}", lang).upper())
    return _TEMP_TAG.get(temperature, _TEMP_TAG["ambient"]).format(label=label)


def _items_markup(items: Sequence[_rounds.Item], lang: str) -> str:
    return "<br/>".join(
        f"<b>{item.quantity}</b> {escape(item.unit)} × {escape(item.name)} "
        f"{_tag(item.temperature, lang)}"
        for item in items
    )


def _summed(items: Sequence[_rounds.Item]) -> list[_rounds.Item]:
    totals: dict[str, _rounds.Item] = {}
    for item in items:
        previous = totals.get(item.product_id)
        if previous is None:
            totals[item.product_id] = item
        else:
            totals[item.product_id] = _rounds.Item(
                item.product_id,
                item.name,
                previous.quantity + item.quantity,
                item.unit,
                item.temperature,
                previous.mass_kg + item.mass_kg,
            )
    rank = {"ambient": 0, "chilled": 1, "frozen": 2}
    return sorted(totals.values(), key=lambda it: (rank.get(it.temperature, 0), it.name))


class _NumberedCanvas(Canvas):
    """A canvas that writes ``Page n / N`` and a footer line on every page."""

    footer = ""
    page_label = "Page {page} / {pages}"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(_MARGIN, 7 * mm, self.footer)
            self.drawRightString(
                _PAGE_W - _MARGIN,
                7 * mm,
                self.page_label.format(page=self._pageNumber, pages=pages),
            )
            super().showPage()
        super().save()


def _round_map(
    territory: Territory,
    round_: _rounds.Round,
    lines: Mapping[int, list[list[float]]],
    colour: str,
    width_mm: float,
    height_mm: float,
) -> bytes:
    """PNG of the round: trip polylines, numbered stops, the hub (no tiles)."""
    figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=200)
    axes = figure.add_axes((0.01, 0.01, 0.98, 0.98))
    hub = territory.hub
    styles = ("-", "--", ":", "-.")
    for trip in round_.trips:
        coordinates = lines.get(trip.number)
        if coordinates is None:
            sites = [_rounds.site(territory, s.site_id, s.site_kind) for s in trip.stops]
            coordinates = [[s.lon, s.lat] for s in sites]
        line_x = [float(c[0]) for c in coordinates]
        line_y = [float(c[1]) for c in coordinates]
        axes.plot(
            line_x,
            line_y,
            linestyle=styles[(trip.ordinal - 1) % len(styles)],
            color=colour,
            linewidth=1.6,
            zorder=2,
        )
    numbers = _rounds.stop_numbers(round_)
    placed: dict[tuple[float, float], list[str]] = defaultdict(list)
    for stop in round_.work_stops:
        site = _rounds.site(territory, stop.site_id, stop.site_kind)
        placed[site.lon, site.lat].append(str(numbers[_rounds.key(stop)]))
    for (lon, lat), labels in placed.items():
        axes.annotate(
            ",".join(labels),
            (lon, lat),
            ha="center",
            va="center",
            fontsize=7,
            fontweight="bold",
            color="white",
            bbox={"boxstyle": "circle,pad=0.25", "fc": colour, "ec": "black", "lw": 0.6},
            zorder=4,
        )
    axes.plot([hub.lon], [hub.lat], marker="s", markersize=9, color="black", zorder=3, linestyle="")
    axes.annotate(
        hub.name,
        (hub.lon, hub.lat),
        xytext=(7, -10),
        textcoords="offset points",
        fontsize=6.5,
        zorder=5,
    )
    axes.margins(0.08)
    axes.set_aspect(1 / max(cos(radians(hub.lat)), 0.1), adjustable="datalim")
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_color("#999999")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=200)
    return buffer.getvalue()


def _time_cell(stop: RouteStop, zone: dt.tzinfo | None, lang: str) -> str:
    arrival = _rounds.hhmm(stop.arrival, zone)
    departure = _rounds.hhmm(stop.departure, zone)
    if stop.action == "start":
        return f"<b>{departure}</b>"
    if stop.action == "end":
        return f"<b>{arrival}</b>"
    if stop.action in ("reload", "break"):
        return f"<b>{arrival}</b><br/>→ {departure}"
    text = f"<b>{arrival}</b>"
    if stop.service_start > stop.arrival:
        text += f'<br/><font size="7">{escape(t("sheet.service_start", lang))} '
        text += f"{_rounds.hhmm(stop.service_start, zone)}</font>"
    return text


def _trip_table(
    territory: Territory,
    trip: _rounds.Trip,
    numbers: Mapping[_rounds.StopKey, int],
    delivered: Mapping[_rounds.StopKey, list[_rounds.Item]],
    collected: Mapping[_rounds.StopKey, list[_rounds.Item]],
    zone: dt.tzinfo | None,
    styles: dict[str, ParagraphStyle],
    lang: str,
) -> Table:
    head = [
        Paragraph(escape(t(f"sheet.col.{name}", lang)), styles["head"])
        for name in ("n", "arrival", "window", "site", "action", "items", "done")
    ]
    data: list[list[Any]] = [head]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), _HEAD_GREY),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    cell = styles["cell"]
    for stop in trip.stops:
        site = _rounds.site(territory, stop.site_id, stop.site_kind)
        stop_key = _rounds.key(stop)
        number = numbers.get(stop_key)
        window = _rounds.window_text(site.opening, stop.day, t("sheet.closed", lang))
        place = f"<b>{escape(site.name)}</b>"
        if site.address:
            place += f"<br/>{escape(site.address)}"
        if site.contact:
            place += f"<br/>{escape(t('sheet.phone', lang))} {escape(site.contact)}"
        items_markup = ""
        if stop.action == "deliver":
            items_markup = _items_markup(delivered.get(stop_key, []), lang)
        elif stop.action == "pickup":
            items_markup = _items_markup(collected.get(stop_key, []), lang)
        action = escape(t(f"action.{stop.action}", lang))
        if stop.action in _rounds.WORK_ACTIONS:
            action = f"<b>{action.upper()}</b>"
        row = [
            Paragraph(str(number) if number is not None else "", styles["number"]),
            Paragraph(_time_cell(stop, zone, lang), cell),
            Paragraph(escape(window) if stop.site_kind != "hub" else "", cell),
            Paragraph(place if stop.action != "break" else f"<i>{place}</i>", cell),
            Paragraph(action, cell),
            Paragraph(items_markup or t("sheet.nothing", lang), cell),
            "",
        ]
        data.append(row)
        if stop.action not in _rounds.WORK_ACTIONS:
            commands.append(("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), _ZEBRA))
    return Table(data, colWidths=list(_COLUMNS), repeatRows=1, style=TableStyle(commands))


def _box(label: str, height: float, width: float, styles: dict[str, ParagraphStyle]) -> Table:
    return Table(
        [[Paragraph(escape(label), styles["small"])]],
        colWidths=[width],
        rowHeights=[height],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
    )


def _title(
    territory: Territory, round_: _rounds.Round, styles: _Styles, lang: str
) -> list[Flowable]:
    """The hub (name and address) and the sheet's title with the day written out."""
    hub = territory.hub
    return [
        Paragraph(
            escape(hub.name) + (f" — {escape(hub.address)}" if hub.address else ""), styles["hub"]
        ),
        Paragraph(
            escape(t("sheet.title", lang, day=format_date(round_.day, lang))), styles["title"]
        ),
    ]


def _breaks(
    territory: Territory, round_: _rounds.Round, zone: dt.tzinfo | None, lang: str
) -> list[str]:
    """The driver's breaks of the round, one sentence each (times in ``zone``)."""
    breaks = []
    for stop in round_.breaks:
        site = _rounds.site(territory, stop.site_id, stop.site_kind)
        minutes = round((stop.departure - stop.service_start).total_seconds() / 60)
        breaks.append(
            t(
                "sheet.break_at",
                lang,
                start=_rounds.hhmm(stop.service_start, zone),
                end=_rounds.hhmm(stop.departure, zone),
                minutes=minutes,
                site=site.name,
            )
        )
    return breaks


def _round_info(
    territory: Territory,
    round_: _rounds.Round,
    zone: dt.tzinfo | None,
    styles: _Styles,
    lang: str,
) -> Table:
    """The vehicle (name, id, shift) and the driver's break, as label/value rows."""
    sep = _sep(lang)
    vehicle = territory.vehicles_by_id.get(round_.vehicle_id)
    vehicle_name = _rounds.vehicle_name(territory, round_.vehicle_id)
    breaks = _breaks(territory, round_, zone, lang)
    info = [
        (
            t("sheet.vehicle", lang),
            f"<b>{escape(vehicle_name)}</b> ({escape(round_.vehicle_id)})"
            + (
                f" — {escape(t('sheet.shift', lang).lower())} "
                f"{format_minutes(vehicle.shift.start_min)}–{format_minutes(vehicle.shift.end_min)}"
                if vehicle is not None
                else ""
            ),
        ),
        (
            t("sheet.driver_break", lang),
            "<b>" + escape("; ".join(breaks) or t("sheet.no_break", lang)) + "</b>",
        ),
    ]
    return Table(
        [
            [
                Paragraph(escape(label) + sep.rstrip(), styles["body"]),
                Paragraph(value, styles["body"]),
            ]
            for label, value in info
        ],
        colWidths=[36 * mm, _WIDTH - 36 * mm],
        style=TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        ),
        hAlign="LEFT",
    )


def _legend(styles: _Styles, lang: str) -> Paragraph:
    """The legend of the temperature tags."""
    return Paragraph(
        t(
            "sheet.legend",
            lang,
            ambient=_tag("ambient", lang),
            chilled=_tag("chilled", lang),
            frozen=_tag("frozen", lang),
        ),
        styles["small"],
    )


def _trip_section(
    territory: Territory,
    trip: _rounds.Trip,
    numbers: Mapping[_rounds.StopKey, int],
    delivered: Mapping[_rounds.StopKey, list[_rounds.Item]],
    collected: Mapping[_rounds.StopKey, list[_rounds.Item]],
    zone: dt.tzinfo | None,
    styles: _Styles,
    lang: str,
) -> list[Flowable]:
    """A trip's heading (times, km), what to load at the hub, and its table of stops.

    A trip of at most 8 stops is kept on one page.
    """
    trip_items = [
        item
        for stop in trip.stops
        if stop.trip == trip.number
        for item in delivered.get(_rounds.key(stop), [])
    ]
    heading = (
        t("sheet.trip", lang, n=trip.ordinal)
        + " — "
        + t(
            "sheet.trip_times",
            lang,
            start=_rounds.hhmm(trip.stops[0].departure, zone),
            end=_rounds.hhmm(trip.stops[-1].arrival, zone),
            km=_rounds.number(trip.distance_m / 1000, 1, lang),
        )
    )
    block: list[Flowable] = [Paragraph(escape(heading), styles["trip"])]
    if trip_items:
        load = "; ".join(
            f"<b>{item.quantity}</b> {escape(item.unit)} × {escape(item.name)} "
            f"{_tag(item.temperature, lang)}"
            for item in _summed(trip_items)
        )
        block.append(Paragraph(t("sheet.load_hub", lang, items=load), styles["body"]))
        block.append(Spacer(1, 2 * mm))
    table = _trip_table(territory, trip, numbers, delivered, collected, zone, styles, lang)
    if len(trip.stops) <= 8:
        return [KeepTogether([*block, table])]
    return [*block, table]


def _by_temperature(items: Sequence[_rounds.Item], lang: str) -> str:
    """Units per temperature class, tagged (``[AMBIENT] 12, CHILLED 4``)."""
    units: Counter[str] = Counter()
    for item in items:
        units[item.temperature] += item.quantity
    return ", ".join(
        f"{_tag(temp, lang)} {units[temp]}"
        for temp in ("ambient", "chilled", "frozen")
        if units[temp]
    )


def _kg(items: Sequence[_rounds.Item], lang: str) -> str:
    """Total mass of the items, ``12,5 kg`` (one decimal, the language's separator)."""
    return _rounds.number(sum(item.mass_kg for item in items), 1, lang) + " kg"


def _totals_section(
    round_: _rounds.Round,
    delivered: Mapping[_rounds.StopKey, list[_rounds.Item]],
    collected: Mapping[_rounds.StopKey, list[_rounds.Item]],
    styles: _Styles,
    lang: str,
) -> KeepTogether:
    """The round's totals: stops, km, duration, kg delivered and collected per class."""
    all_delivered = [
        item for stop in round_.work_stops for item in delivered.get(_rounds.key(stop), [])
    ]
    all_collected = [
        item for stop in round_.work_stops for item in collected.get(_rounds.key(stop), [])
    ]
    duration = round_.rows[-1].arrival - round_.rows[0].departure
    totals = [
        (t("sheet.totals.stops", lang), str(len(round_.work_stops))),
        (
            t("sheet.totals.distance", lang),
            _rounds.number(round_.distance_m / 1000, 1, lang) + " km",
        ),
        (t("sheet.totals.duration", lang), _rounds.duration_text(duration)),
        (
            t("sheet.totals.delivered", lang),
            _kg(all_delivered, lang)
            + (" — " + _by_temperature(all_delivered, lang) if all_delivered else ""),
        ),
    ]
    if all_collected:
        totals.append(
            (
                t("sheet.totals.collected", lang),
                _kg(all_collected, lang) + " — " + _by_temperature(all_collected, lang),
            )
        )
    totals_table = Table(
        [
            [Paragraph(f"<b>{escape(label)}</b>", styles["cell"]), Paragraph(value, styles["cell"])]
            for label, value in totals
        ],
        colWidths=[36 * mm, _WIDTH - 36 * mm],
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (0, -1), _HEAD_GREY),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        ),
    )
    return KeepTogether([Paragraph(escape(t("sheet.totals", lang)), styles["trip"]), totals_table])


def _map_section(
    territory: Territory,
    round_: _rounds.Round,
    lines: Mapping[int, list[list[float]]],
    colour: str,
    styles: _Styles,
    lang: str,
) -> KeepTogether:
    """The small map of the round (road lines when ``lines`` has them), 65 mm high."""
    map_h = 65.0
    png = _round_map(territory, round_, lines, colour, _WIDTH / mm, map_h)
    title = t("sheet.map_roads", lang) if lines else t("sheet.map", lang)
    return KeepTogether(
        [
            Paragraph(escape(title), styles["trip"]),
            Image(io.BytesIO(png), width=_WIDTH, height=map_h * mm),
        ]
    )


def _signature_section(styles: _Styles, lang: str) -> KeepTogether:
    """Notes, return time, odometer and signature boxes, in one row."""
    lines_box = Table(
        [
            [Paragraph(escape(t("sheet.return_time", lang)), styles["small"])],
            [Paragraph(escape(t("sheet.odometer", lang)), styles["small"])],
        ],
        colWidths=[44 * mm],
        rowHeights=[14 * mm, 14 * mm],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
    )
    notes_w = _WIDTH - 2 * 46 * mm
    signature = Table(
        [
            [
                _box(t("sheet.notes", lang), 28 * mm, notes_w - 2 * mm, styles),
                lines_box,
                _box(t("sheet.signature", lang), 28 * mm, 44 * mm, styles),
            ]
        ],
        colWidths=[notes_w, 46 * mm, 46 * mm],
        style=TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        ),
    )
    return KeepTogether([Spacer(1, 4 * mm), signature])


def _story(
    territory: Territory,
    round_: _rounds.Round,
    tables: PlanTables,
    delivered: Mapping[_rounds.StopKey, list[_rounds.Item]],
    collected: Mapping[_rounds.StopKey, list[_rounds.Item]],
    lines: Mapping[int, list[list[float]]],
    colour: str,
    lang: str,
) -> list[Flowable]:
    """The flowables of one round's sheet, top to bottom.

    Title, round information and legend; one section per trip; the totals; the map
    (``lines``: road coordinates per trip number, lon/lat degrees); the boxes to fill in.
    """
    styles = _styles()
    zone = territory.tzinfo
    numbers = _rounds.stop_numbers(round_)
    story: list[Flowable] = [
        *_title(territory, round_, styles, lang),
        _round_info(territory, round_, zone, styles, lang),
        _legend(styles, lang),
    ]
    for trip in round_.trips:
        story += _trip_section(territory, trip, numbers, delivered, collected, zone, styles, lang)
    story.append(_totals_section(round_, delivered, collected, styles, lang))
    story.append(_map_section(territory, round_, lines, colour, styles, lang))
    story.append(_signature_section(styles, lang))
    return story


def _trip_lines(geojson: Mapping[str, Any] | None) -> dict[tuple[str, str, int], list[list[float]]]:
    lines: dict[tuple[str, str, int], list[list[float]]] = {}
    for feature in (geojson or {}).get("features", ()):
        properties = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if properties.get("feature") == "trip" and geometry.get("type") == "LineString":
            lines[
                str(properties["day"]), str(properties["vehicle_id"]), int(properties["trip"])
            ] = geometry["coordinates"]
    return lines


def write_driver_sheet(
    path: Path,
    territory: Territory,
    tables: PlanTables,
    day: dt.date,
    vehicle_id: str,
    *,
    lang: str = "fr",
    geojson: Mapping[str, Any] | None = None,
) -> Path:
    """Write the sheet of one round to ``path`` (see :func:`write_driver_sheets`).

    Raises
    ------
    ValueError
        When ``lang`` is not supported or the plan has no such round.
    InputError
        When a routes row names a site the territory does not have.
    """
    lang = check_lang(lang)
    _rounds.check_sites(territory, tables.routes)
    for round_ in _rounds.rounds(territory, tables):
        if round_.day == day and round_.vehicle_id == vehicle_id:
            break
    else:
        raise ValueError(f"the plan has no round of vehicle {vehicle_id} on {day.isoformat()}")
    delivered, collected = _rounds.items_by_stop(territory, tables)
    colours = _rounds.vehicle_colours(territory, tables)
    all_lines = _trip_lines(geojson)
    lines = {
        trip.number: all_lines[key]
        for trip in round_.trips
        if (key := (day.isoformat(), vehicle_id, trip.number)) in all_lines
    }
    story = _story(
        territory, round_, tables, delivered, collected, lines, colours[vehicle_id], lang
    )
    vehicle_name = _rounds.vehicle_name(territory, vehicle_id)
    day_text = format_date(day, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=14 * mm,
        title=t("sheet.title", lang, day=day_text) + f" — {vehicle_name}",
        author=territory.hub.name,
        subject=f"{day.isoformat()} {vehicle_id}",
        creator="foodhub",
        lang=lang,
    )

    class _Canvas(_NumberedCanvas):
        footer = t("sheet.footer", lang, hub=territory.hub.name, vehicle=vehicle_name, day=day_text)
        page_label = t("sheet.page", lang, page="{page}", pages="{pages}")

    document.build(story, canvasmaker=_Canvas)
    return path


def write_driver_sheets(
    folder: Path,
    territory: Territory,
    tables: PlanTables,
    *,
    lang: str = "fr",
    geojson: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Write one A4 PDF driver sheet per round (day × vehicle) into ``folder``.

    Parameters
    ----------
    folder
        Where to write (created if missing), usually ``<plan>/sheets``.  Files are
        named ``<day>_<vehicle_id>.pdf`` (:func:`sheet_file_name`).
    territory, tables
        The territory and the plan tables.
    lang
        ``"fr"`` (default) or ``"en"``.
    geojson
        The output of :func:`~logistics.outputs.geojson.routes_geojson`; its road
        lines are drawn on the small map.  Without it the map joins stops with
        straight lines.

    Returns
    -------
    list of Path
        The files written, by day then vehicle in fleet order.

    Raises
    ------
    ValueError
        When ``lang`` is not supported.
    InputError
        When a routes row names a site the territory does not have.
    """
    lang = check_lang(lang)
    _rounds.check_sites(territory, tables.routes)
    return [
        write_driver_sheet(
            folder / sheet_file_name(round_.day, round_.vehicle_id),
            territory,
            tables,
            round_.day,
            round_.vehicle_id,
            lang=lang,
            geojson=geojson,
        )
        for round_ in _rounds.rounds(territory, tables)
    ]
