"""French and English strings of the driver sheets, the map and the terminal tables.

French is the default language of everything a coordinator or a driver reads.
Every string has a key; :func:`t` looks a key up in one language and fills its
``{placeholders}``.  Dates are written out in full (:func:`format_date`), in the
French way (``mardi 1er décembre 2026``) or the English way
(``Tuesday 1 December 2026``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

__all__ = ["LANGS", "STRINGS", "Lang", "check_lang", "format_date", "format_short_date", "t"]

Lang = Literal["fr", "en"]
"""A language of the human-facing outputs."""
LANGS: tuple[Lang, ...] = get_args(Lang)

_WEEKDAYS: dict[Lang, tuple[str, ...]] = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS: dict[Lang, tuple[str, ...]] = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

STRINGS: dict[Lang, dict[str, str]] = {
    "fr": {
        # actions of a stop
        "action.start": "départ",
        "action.pickup": "collecte",
        "action.deliver": "livraison",
        "action.reload": "rechargement",
        "action.break": "pause",
        "action.end": "retour",
        # temperature classes
        "temp.ambient": "ambiant",
        "temp.chilled": "frais",
        "temp.frozen": "surgelé",
        # site kinds
        "kind.hub": "pôle",
        "kind.venue": "lieu de livraison",
        "kind.producer": "producteur",
        # driver sheet
        "sheet.title": "Feuille de route — {day}",
        "sheet.vehicle": "Véhicule",
        "sheet.driver_break": "Pause du chauffeur",
        "sheet.no_break": "aucune pause prévue",
        "sheet.break_at": "{start}–{end} ({minutes} min) à {site}",
        "sheet.shift": "Service",
        "sheet.trip": "Tour {n}",
        "sheet.trip_times": "départ {start}, retour {end}, {km} km",
        "sheet.col.n": "N°",
        "sheet.col.arrival": "Arrivée",
        "sheet.col.window": "Ouverture",
        "sheet.col.site": "Lieu, adresse, contact",
        "sheet.col.action": "Action",
        "sheet.col.items": "À décharger / collecter",
        "sheet.col.done": "Fait",
        "sheet.closed": "fermé",
        "sheet.phone": "Tél.",
        "sheet.service_start": "début",
        "sheet.load_hub": "Charger au pôle : {items}",
        "sheet.nothing": "—",
        "sheet.totals": "Totaux",
        "sheet.totals.stops": "Arrêts",
        "sheet.totals.distance": "Distance",
        "sheet.totals.duration": "Durée",
        "sheet.totals.delivered": "Livré",
        "sheet.totals.collected": "Collecté",
        "sheet.totals.by_temp": "Par température",
        "sheet.map": "Plan de la tournée (à vol d'oiseau si la route n'est pas connue)",
        "sheet.map_roads": "Plan de la tournée",
        "sheet.notes": "Notes et incidents (produit manquant, refus, retard, casse)",
        "sheet.signature": "Signature du chauffeur",
        "sheet.return_time": "Heure de retour au pôle",
        "sheet.odometer": "Compteur km départ / retour",
        "sheet.page": "Page {page} / {pages}",
        "sheet.footer": "{hub} — {vehicle} — {day}",
        "sheet.legend": (
            "Températures : {ambient} | {chilled} (chaîne du froid) | {frozen} (-18 °C)"
        ),
        # map
        "map.hub": "Pôle",
        "map.producers": "Producteurs",
        "map.day": "Tournées du {day}",
        "map.legend": "Légende",
        "map.legend.hub": "pôle (départ et retour)",
        "map.legend.producer": "producteur",
        "map.legend.stop": "arrêt numéroté dans l'ordre de passage",
        "map.eta": "Arrivée",
        "map.service": "Début du service",
        "map.window": "Ouverture",
        "map.load": "À bord après l'arrêt",
        "map.load_value": "{kg} kg, {ambient} L ambiant, {chilled} L frais, {frozen} L surgelé",
        "map.delivered": "Livré",
        "map.collected": "Collecté",
        "map.trip": "tour {n}",
        "map.round": "{vehicle} — {day}, tour {trip} : {n} arrêts, {km} km, {duration}",
        "map.address": "Adresse",
        "map.contact": "Contact",
        # terminal
        "term.title": "Tournées de la semaine",
        "term.day": "Jour",
        "term.vehicle": "Véhicule",
        "term.trips": "Tours",
        "term.stops": "Arrêts",
        "term.km": "km",
        "term.hours": "Heures",
        "term.kg": "kg livrés",
        "term.fill": "Remplissage",
        "term.first": "Départ",
        "term.last": "Retour",
        "term.total": "Total",
        "term.unserved_title": "Commandes non servies",
        "term.venue": "Lieu",
        "term.product": "Produit",
        "term.quantity": "Quantité",
        "term.reason": "Raison",
    },
    "en": {
        "action.start": "start",
        "action.pickup": "pickup",
        "action.deliver": "delivery",
        "action.reload": "reload",
        "action.break": "break",
        "action.end": "return",
        "temp.ambient": "ambient",
        "temp.chilled": "chilled",
        "temp.frozen": "frozen",
        "kind.hub": "hub",
        "kind.venue": "venue",
        "kind.producer": "producer",
        "sheet.title": "Driver sheet — {day}",
        "sheet.vehicle": "Vehicle",
        "sheet.driver_break": "Driver break",
        "sheet.no_break": "no break planned",
        "sheet.break_at": "{start}–{end} ({minutes} min) at {site}",
        "sheet.shift": "Shift",
        "sheet.trip": "Trip {n}",
        "sheet.trip_times": "leaves {start}, back {end}, {km} km",
        "sheet.col.n": "No.",
        "sheet.col.arrival": "Arrival",
        "sheet.col.window": "Opening",
        "sheet.col.site": "Site, address, contact",
        "sheet.col.action": "Action",
        "sheet.col.items": "To unload / collect",
        "sheet.col.done": "Done",
        "sheet.closed": "closed",
        "sheet.phone": "Tel.",
        "sheet.service_start": "start",
        "sheet.load_hub": "Load at the hub: {items}",
        "sheet.nothing": "—",
        "sheet.totals": "Totals",
        "sheet.totals.stops": "Stops",
        "sheet.totals.distance": "Distance",
        "sheet.totals.duration": "Duration",
        "sheet.totals.delivered": "Delivered",
        "sheet.totals.collected": "Collected",
        "sheet.totals.by_temp": "By temperature",
        "sheet.map": "Round map (straight lines where the road is not known)",
        "sheet.map_roads": "Round map",
        "sheet.notes": "Notes and incidents (missing product, refusal, delay, breakage)",
        "sheet.signature": "Driver's signature",
        "sheet.return_time": "Time back at the hub",
        "sheet.odometer": "Odometer at start / return",
        "sheet.page": "Page {page} / {pages}",
        "sheet.footer": "{hub} — {vehicle} — {day}",
        "sheet.legend": "Temperatures: {ambient} | {chilled} (cold chain) | {frozen} (-18 °C)",
        "map.hub": "Hub",
        "map.producers": "Producers",
        "map.day": "Rounds of {day}",
        "map.legend": "Legend",
        "map.legend.hub": "hub (start and return)",
        "map.legend.producer": "producer",
        "map.legend.stop": "stop, numbered in visiting order",
        "map.eta": "Arrival",
        "map.service": "Service starts",
        "map.window": "Opening",
        "map.load": "On board after the stop",
        "map.load_value": "{kg} kg, {ambient} L ambient, {chilled} L chilled, {frozen} L frozen",
        "map.delivered": "Delivered",
        "map.collected": "Collected",
        "map.trip": "trip {n}",
        "map.round": "{vehicle} — {day}, trip {trip}: {n} stops, {km} km, {duration}",
        "map.address": "Address",
        "map.contact": "Contact",
        "term.title": "Rounds of the week",
        "term.day": "Day",
        "term.vehicle": "Vehicle",
        "term.trips": "Trips",
        "term.stops": "Stops",
        "term.km": "km",
        "term.hours": "Hours",
        "term.kg": "kg delivered",
        "term.fill": "Fill",
        "term.first": "Leaves",
        "term.last": "Back",
        "term.total": "Total",
        "term.unserved_title": "Unserved orders",
        "term.venue": "Venue",
        "term.product": "Product",
        "term.quantity": "Quantity",
        "term.reason": "Reason",
    },
}


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is a supported language.

    Raises
    ------
    ValueError
        When ``lang`` is not ``"fr"`` or ``"en"``.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def t(key: str, lang: str = "fr", /, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    Raises
    ------
    ValueError
        When the language is not supported.
    KeyError
        When the key does not exist (a programming error).
    """
    text = STRINGS[check_lang(lang)][key]
    return text.format(**values) if values else text


def format_date(day: dt.date, lang: str = "fr") -> str:
    """A date written out in full: ``mardi 1er décembre 2026``, ``Tuesday 1 December 2026``."""
    language = check_lang(lang)
    weekday = _WEEKDAYS[language][day.weekday()]
    month = _MONTHS[language][day.month - 1]
    number = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return f"{weekday} {number} {month} {day.year}"


def format_short_date(day: dt.date, lang: str = "fr") -> str:
    """A short date with its weekday: ``mar. 01/12``, ``Tue 01/12``."""
    language = check_lang(lang)
    weekday = _WEEKDAYS[language][day.weekday()][:3]
    dot = "." if language == "fr" else ""
    return f"{weekday}{dot} {day.day:02d}/{day.month:02d}"
