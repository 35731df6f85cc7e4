"""Generate the bundled Montpellier territory (and the tiny Villeurbanne test territory).

Build tool, not product code: it reads reference data from ``../shared/data`` (relative to the
repository root) and writes self-contained territory folders following the data contract of
DESIGN.md. Seeded and deterministic.

Usage (from the repository root)::

    .venv/bin/python data/montpellier/build/make_territory.py              # data/montpellier
    .venv/bin/python data/montpellier/build/make_territory.py --villeurbanne  # tests/data/villeurbanne
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import osmnx as ox
import pandas as pd
from shapely.geometry import Point, Polygon, mapping

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared" / "data"
SEED = 20261130
WEEK = "2026-W49"
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
KX = math.cos(math.radians(43.6)) * 111_320.0  # metres per degree of longitude (approx.)
KY = 110_540.0

# ----------------------------------------------------------------------------------------------
# Demand model constants (documented in README.md)
ADULTS_PER_HH = 1.5
CHILDREN_PER_HH = 0.8
# share of a household's consumption of the relevant groups supplied through the hub, by venue kind
KIND_SHARE = {
    "distribution": 0.30,
    "grocery": 0.25,
    "purchasing_group": 0.20,
    "restaurant": 0.12,
    "kitchen": 0.10,
}
# basket share of fresh vegetable + potato demand, by venue kind
BASKET_SHARE = {"purchasing_group": 0.6, "grocery": 0.2}
# categories a venue kind does not order from the hub
KIND_EXCLUDES = {
    "purchasing_group": {"frozen", "meat_fish"},
    "restaurant": {"baskets"},
    "kitchen": {"baskets"},
    "distribution": {"baskets"},
    "grocery": set(),
}

# Products: id, name, category, temperature, unit, unit_kg, unit_l, shelf_life_days, price_eur,
#           INCA3 group, share of the group, conversion (kg purchased per kg eaten), season months
MONTHS_ALL = tuple(range(1, 13))
PRODUCTS = [
    # vegetables (INCA3 group 21, x1.2 for peeling/trimming/waste)
    ("carotte", "Carottes", "vegetables", "ambient", "cagette 10 kg", 10, 20, 21, 12.0, 21, 0.16, 1.2, MONTHS_ALL),
    ("poireau", "Poireaux", "vegetables", "ambient", "cagette 5 kg", 5, 25, 10, 10.0, 21, 0.10, 1.2, (10, 11, 12, 1, 2, 3, 4)),
    ("chou", "Chou vert", "vegetables", "ambient", "cagette 8 kg", 8, 32, 14, 8.0, 21, 0.08, 1.2, (10, 11, 12, 1, 2, 3)),
    ("courge", "Courge butternut", "vegetables", "ambient", "cagette 10 kg", 10, 28, 60, 15.0, 21, 0.10, 1.2, (9, 10, 11, 12, 1, 2)),
    ("oignon", "Oignons jaunes", "vegetables", "ambient", "sac 10 kg", 10, 16, 60, 9.0, 21, 0.08, 1.2, MONTHS_ALL),
    ("navet", "Navets", "vegetables", "ambient", "cagette 8 kg", 8, 16, 21, 10.0, 21, 0.05, 1.2, (10, 11, 12, 1, 2, 3)),
    ("betterave", "Betteraves rouges", "vegetables", "ambient", "cagette 8 kg", 8, 16, 30, 9.6, 21, 0.04, 1.2, (7, 8, 9, 10, 11, 12, 1, 2)),
    ("salade", "Salades (batavia, laitue)", "vegetables", "chilled", "cagette 12 pièces (4 kg)", 4, 40, 5, 10.0, 21, 0.08, 1.2, MONTHS_ALL),
    ("epinard", "Épinards frais", "vegetables", "chilled", "cagette 3 kg", 3, 30, 4, 10.5, 21, 0.04, 1.2, (10, 11, 12, 1, 2, 3, 4)),
    ("blette", "Blettes", "vegetables", "chilled", "cagette 5 kg", 5, 35, 6, 9.0, 21, 0.04, 1.2, (9, 10, 11, 12, 1, 2, 3, 4, 5)),
    ("tomate", "Tomates", "vegetables", "ambient", "plateau 6 kg", 6, 18, 7, 15.0, 21, 0.18, 1.2, (6, 7, 8, 9, 10)),
    ("courgette", "Courgettes", "vegetables", "ambient", "cagette 8 kg", 8, 24, 7, 12.0, 21, 0.12, 1.2, (5, 6, 7, 8, 9, 10)),
    ("aubergine", "Aubergines", "vegetables", "ambient", "cagette 5 kg", 5, 20, 7, 11.0, 21, 0.06, 1.2, (6, 7, 8, 9, 10)),
    ("legumes_surgeles", "Haricots verts surgelés", "frozen", "frozen", "sac 2,5 kg", 2.5, 5, 365, 6.0, 21, 0.06, 1.0, MONTHS_ALL),
    ("tomates_pelees", "Tomates pelées en conserve", "dry", "ambient", "carton 12 x 400 g", 5.2, 6, 730, 9.0, 21, 0.05, 1.0, MONTHS_ALL),
    # potatoes (23)
    ("pomme_de_terre", "Pommes de terre", "vegetables", "ambient", "sac 10 kg", 10, 15, 60, 9.0, 23, 1.0, 1.15, MONTHS_ALL),
    # fruit (24, x1.1)
    ("pomme", "Pommes", "fruit", "ambient", "cagette 13 kg", 13, 30, 45, 19.5, 24, 0.26, 1.1, (8, 9, 10, 11, 12, 1, 2, 3, 4, 5)),
    ("poire", "Poires", "fruit", "ambient", "cagette 10 kg", 10, 25, 21, 18.0, 24, 0.10, 1.1, (8, 9, 10, 11, 12, 1, 2)),
    ("clementine", "Clémentines", "fruit", "ambient", "cagette 10 kg", 10, 25, 21, 22.0, 24, 0.20, 1.1, (11, 12, 1, 2)),
    ("kiwi", "Kiwis", "fruit", "ambient", "plateau 5 kg", 5, 12, 30, 12.5, 24, 0.08, 1.1, (11, 12, 1, 2, 3, 4)),
    ("banane", "Bananes", "fruit", "ambient", "carton 18 kg", 18, 45, 7, 30.0, 24, 0.20, 1.1, MONTHS_ALL),
    ("peche", "Pêches", "fruit", "ambient", "plateau 5 kg", 5, 15, 5, 14.0, 24, 0.20, 1.1, (6, 7, 8, 9)),
    ("melon", "Melons", "fruit", "ambient", "cagette 8 pièces (10 kg)", 10, 35, 7, 16.0, 24, 0.18, 1.1, (6, 7, 8, 9)),
    ("compote", "Compote de pommes (gourdes)", "dry", "ambient", "carton 24 x 90 g", 2.16, 5, 270, 7.2, 25, 1.0, 1.0, MONTHS_ALL),
    # pulses (22), cereals (4): INCA3 is as eaten (cooked), dry = 0.4 x cooked
    ("lentilles", "Lentilles vertes", "dry", "ambient", "sac 5 kg", 5, 7, 365, 12.5, 22, 0.6, 0.4, MONTHS_ALL),
    ("pois_chiches", "Pois chiches secs", "dry", "ambient", "sac 5 kg", 5, 7, 365, 11.0, 22, 0.4, 0.4, MONTHS_ALL),
    ("pates", "Pâtes (penne, coquillettes)", "dry", "ambient", "carton 12 x 500 g", 6, 14, 540, 9.6, 4, 0.55, 0.4, MONTHS_ALL),
    ("riz", "Riz long", "dry", "ambient", "sac 5 kg", 5, 6.5, 540, 8.5, 4, 0.30, 0.4, MONTHS_ALL),
    ("semoule", "Semoule de blé moyenne", "dry", "ambient", "carton 10 x 1 kg", 10, 13, 365, 11.0, 4, 0.15, 0.4, MONTHS_ALL),
    ("farine", "Farine de blé T65", "dry", "ambient", "carton 10 x 1 kg", 10, 15, 240, 8.0, 1, 0.10, 0.7, MONTHS_ALL),
    ("huile", "Huile de tournesol", "dry", "ambient", "carton 6 x 1 L", 5.6, 7, 365, 12.0, 13, 1.0, 1.0, MONTHS_ALL),
    ("sucre", "Sucre en poudre", "dry", "ambient", "carton 10 x 1 kg", 10, 12, 730, 11.0, 28, 1.0, 1.0, MONTHS_ALL),
    # dairy and eggs
    ("lait", "Lait demi-écrémé UHT", "dairy", "ambient", "pack 6 x 1 L", 6.2, 7, 120, 5.4, 7, 1.0, 1.0, MONTHS_ALL),
    ("yaourt", "Yaourts nature", "dairy", "chilled", "pack 16 x 125 g", 2.1, 3, 21, 3.2, 8, 0.7, 1.0, MONTHS_ALL),
    ("fromage_blanc", "Fromage blanc 3 %", "dairy", "chilled", "seau 1 kg", 1.05, 1.2, 20, 2.6, 8, 0.3, 1.0, MONTHS_ALL),
    ("fromage", "Tomme (fromage à pâte pressée)", "dairy", "chilled", "meule 1 kg", 1.0, 1.3, 60, 9.0, 9, 1.0, 1.0, MONTHS_ALL),
    ("beurre", "Beurre doux", "dairy", "chilled", "carton 10 x 250 g", 2.5, 3, 60, 20.0, 12, 1.0, 1.0, MONTHS_ALL),
    ("oeufs", "Œufs plein air", "eggs", "chilled", "plateau 30 œufs", 1.9, 6, 28, 7.5, 14, 1.0, 1.0, MONTHS_ALL),
    # meat and fish (frozen)
    ("poisson_surgele", "Filets de colin surgelés", "meat_fish", "frozen", "carton 5 kg", 5, 8, 365, 35.0, 18, 1.0, 1.0, MONTHS_ALL),
    ("poulet_surgele", "Cuisses de poulet surgelées", "meat_fish", "frozen", "carton 5 kg", 5, 10, 270, 22.0, 16, 1.0, 1.0, MONTHS_ALL),
    ("steak_hache_surgele", "Steaks hachés surgelés 15 %", "meat_fish", "frozen", "carton 40 x 100 g", 4, 7, 365, 28.0, 15, 1.0, 1.0, MONTHS_ALL),
    # baskets (part of group 21 + 23 demand of purchasing groups and groceries)
    ("panier_legumes", "Panier de légumes de saison", "baskets", "ambient", "panier 6 kg", 6, 20, 7, 15.0, 0, 0.0, 1.2, MONTHS_ALL),
]
P_COLS = ["id", "name", "category", "temperature", "unit", "unit_kg", "unit_l", "shelf_life_days", "price_eur"]
# hub sourcing focus: fraction of a group's need the hub actually tries to supply (x KIND_SHARE)
GROUP_FOCUS = {
    21: 1.0, 23: 1.0, 24: 1.0, 25: 0.5, 22: 1.0, 4: 0.8, 1: 0.1, 13: 0.8, 28: 0.6,
    7: 0.8, 8: 0.6, 9: 0.4, 12: 0.5, 14: 0.8, 18: 0.4, 16: 0.3, 15: 0.2,
}


def iso_monday(week: str) -> dt.date:
    year, w = week.split("-W")
    return dt.date.fromisocalendar(int(year), int(w), 1)


def inca3_food_insecure() -> tuple[pd.DataFrame, pd.Series]:
    """Weighted mean g/day of moderate+severe food-insecure adults and children, per group."""
    df = pd.read_csv(SHARED / "demand" / "inca3_mean_consumption_by_group.csv")
    df = df[(df.breakdown_var == "IA_statut") & (df.breakdown_value.astype(str).isin(["1", "2"]))]
    rows = []
    for (pop, g), sub in df.groupby(["population", "group_code"]):
        w = sub.sum_weights.to_numpy(float)
        rows.append((pop, int(g), float((sub.mean_g_per_day * w).sum() / w.sum())))
    tab = pd.DataFrame(rows, columns=["population", "group_code", "g_per_day"]).pivot(
        index="group_code", columns="population", values="g_per_day"
    )
    hh = ADULTS_PER_HH * tab["adults_18_79"] + CHILDREN_PER_HH * tab["children_0_17"]
    return tab, hh  # hh: g/day per household


def season_weight(months: tuple[int, ...], month: int) -> float:
    if month in months:
        return 1.0
    if (month % 12) + 1 in months or ((month - 2) % 12) + 1 in months:
        return 0.0 if len(months) <= 5 else 0.3
    return 0.0


def product_shares(month: int) -> dict[str, float]:
    """Share of its INCA3 group for each product in a given month (seasonal renormalisation)."""
    raw = {p[0]: p[10] * season_weight(p[12], month) for p in PRODUCTS}
    tot: dict[int, float] = {}
    for p in PRODUCTS:
        tot[p[9]] = tot.get(p[9], 0.0) + raw[p[0]]
    return {p[0]: (raw[p[0]] / tot[p[9]] if tot[p[9]] > 0 else 0.0) for p in PRODUCTS}


def weekly_kg(venue: dict, hh_g: pd.Series, month: int) -> dict[str, float]:
    """Expected weekly kg per product for a venue (before rounding to units)."""
    shares = product_shares(month)
    kind = venue["kind"]
    excl = set(KIND_EXCLUDES[kind]) | set(venue.get("excl", ()))
    out: dict[str, float] = {}
    basket_kg = 0.0
    for p in PRODUCTS:
        pid, cat, group, conv = p[0], p[2], p[9], p[11]
        if group == 0:
            continue
        kg = (hh_g[group] * 7 / 1000) * venue["households"] * KIND_SHARE[kind]
        kg *= GROUP_FOCUS[group] * shares[pid] * conv
        if cat == "vegetables" and kind in BASKET_SHARE and "baskets" not in excl:
            basket_kg += kg * BASKET_SHARE[kind]
            kg *= 1 - BASKET_SHARE[kind]
        if cat in excl or pid in excl:
            continue
        out[pid] = kg
    if basket_kg > 0:
        out["panier_legumes"] = basket_kg
    return out


# ----------------------------------------------------------------------------------------------
def load_graph(path: Path):
    g = ox.graph_from_xml(path)
    g = ox.truncate.largest_component(g, strongly=True)
    ids = np.array(list(g.nodes))
    xs = np.array([g.nodes[n]["x"] for n in ids])
    ys = np.array([g.nodes[n]["y"] for n in ids])
    return g, ids, xs, ys


def street_of(g, node) -> str:
    names = []
    for _, _, d in list(g.out_edges(node, data=True)) + list(g.in_edges(node, data=True)):
        n = d.get("name")
        if isinstance(n, list):
            n = n[0]
        if isinstance(n, str) and n not in names:
            names.append(n)
    names.sort(key=lambda s: (not s.lower().startswith(("rue", "allée", "impasse", "place")), s))
    return names[0] if names else "voie sans nom"


def dist_m(x1, y1, x2, y2):
    return np.hypot((np.asarray(x1) - x2) * KX, (np.asarray(y1) - y2) * KY)


def write_csv(path: Path, cols: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


def fmt(x: float) -> str:
    return f"{x:.6f}"


V_COLS = [
    "id", "name", "kind", "organisation_id", "lon", "lat", "address", "contact", "households",
    "delivery_days", "deliveries_per_week", "access", "service_min", "accepts_substitutes",
    "neighbourhood",
]
VEH_COLS = [
    "id", "name", "organisation_id", "kind", "profile", "capacity_kg", "capacity_l", "chilled_l",
    "frozen_l", "fixed_cost_eur", "cost_per_km_eur", "cost_per_h_eur", "co2_g_per_km",
    "shift_start", "shift_end", "days", "max_trips", "zone",
]
PROD_COLS = ["id", "name", "organisation_id", "lon", "lat", "address", "field_m2", "greenhouse_m2"]


def hub_toml(name, address, lon, lat, hours, network_drive, network_bike) -> str:
    oh = "\n".join(f'{d} = "{h}"' for d, h in hours.items())
    return f'''# Hub of the territory. Generated by data/montpellier/build/make_territory.py — edit the script,
# not this file, or regenerate after editing.
name = "{name}"
id = "hub"
address = "{address}"
lon = {lon:.6f}
lat = {lat:.6f}
timezone = "Europe/Paris"
week = "{WEEK}"

[opening_hours]
{oh}

[service]
default_service_min = 10
handling_s_per_unit = 6
loading_min = 20

[driver]
max_shift_h = 8
break_after_h = 6
break_min = 30

[co2]
diesel_kg_per_l = 2.65
electricity_kg_per_kwh = 0.052

[network]
drive = "{network_drive}"
bike = "{network_bike}"
'''


# ----------------------------------------------------------------------------------------------
# Montpellier
ECUSSON = [
    (3.8705, 43.6110), (3.8722, 43.6142), (3.8760, 43.6153), (3.8800, 43.6152), (3.8832, 43.6140),
    (3.8835, 43.6110), (3.8812, 43.6082), (3.8780, 43.6062), (3.8745, 43.6068), (3.8725, 43.6085),
    (3.8705, 43.6110),
]
# neighbourhood: (anchor lon, lat, postcode, [(kind, access, organisation)])
D, G_, R, P, K = "distribution", "grocery", "restaurant", "purchasing_group", "kitchen"
NEIGHBOURHOODS = {
    "Celleneuve": (3.8425, 43.6140, "34080", [(D, "any", "org_entraide"), (G_, "any", "org_resol"), (K, "any", "org_csc"), (P, "any", "org_gac")]),
    "Alco": (3.8450, 43.6200, "34080", [(G_, "any", "org_resol"), (R, "any", "org_tables")]),
    "Petit Bard - Pergola": (3.8600, 43.6125, "34080", [(D, "any", "org_entraide"), (D, "any", "org_csc"), (G_, "any", "org_resol"), (K, "any", "org_csc"), (R, "any", "org_tables")]),
    "Cévennes": (3.8500, 43.6080, "34080", [(D, "any", "org_entraide"), (G_, "any", "org_resol"), (K, "any", "org_csc"), (P, "any", "org_gac")]),
    "Figuerolles": (3.8675, 43.6070, "34070", [(D, "no_truck", "org_entraide"), (G_, "any", "org_resol"), (R, "any", "org_tables"), (P, "no_truck", "org_gac")]),
    "Gambetta": (3.8700, 43.6040, "34000", [(D, "any", "org_entraide"), (G_, "any", "org_resol"), (K, "any", "org_tables")]),
    "Écusson": (3.8770, 43.6105, "34000", [(G_, "bike_only", "org_resol"), (P, "bike_only", "org_gac"), (K, "bike_only", "org_csc"), (D, "no_truck", "org_entraide"), (R, "no_truck", "org_tables"), (G_, "any", "org_resol"), (P, "bike_only", "org_gac")]),
    "Beaux-Arts": (3.8830, 43.6170, "34000", [(P, "any", "org_gac"), (G_, "any", "org_resol"), (K, "any", "org_csc")]),
    "Boutonnet": (3.8705, 43.6185, "34090", [(D, "no_truck", "org_entraide"), (R, "any", "org_tables"), (P, "any", "org_gac")]),
    "Antigone": (3.8900, 43.6085, "34000", [(G_, "any", "org_resol"), (R, "any", "org_tables")]),
    "Port Marianne": (3.8990, 43.6020, "34000", [(P, "any", "org_gac"), (K, "any", "org_csc")]),
    "Près d'Arènes": (3.8800, 43.5930, "34070", [(D, "any", "org_entraide"), (D, "any", "org_csc"), (G_, "any", "org_resol"), (R, "any", "org_tables")]),
    "Croix d'Argent": (3.8600, 43.5930, "34070", [(D, "any", "org_entraide"), (G_, "any", "org_resol"), (K, "any", "org_csc"), (P, "any", "org_gac")]),
    "Lemasson": (3.8520, 43.5910, "34070", [(D, "any", "org_entraide"), (G_, "any", "org_resol"), (K, "any", "org_csc")]),
    "Pompignane": (3.8950, 43.6150, "34000", [(D, "any", "org_csc"), (G_, "any", "org_resol")]),
    "Aiguelongue": (3.8800, 43.6300, "34090", [(R, "any", "org_tables"), (P, "any", "org_gac")]),
    "Chamberte - Estanove": (3.8550, 43.6000, "34070", [(D, "any", "org_entraide"), (K, "any", "org_tables")]),
    "Saint-Martin": (3.8840, 43.5960, "34070", [(D, "any", "org_entraide"), (G_, "any", "org_resol")]),
}
ORGS = [
    ("org_entraide", "Entraide alimentaire Montpellier", "food_aid", "contact@entraide-alimentaire.example"),
    ("org_resol", "Réseau des épiceries solidaires de Montpellier", "grocery_network", "logistique@epiceries-solidaires.example"),
    ("org_tables", "Tables solidaires montpelliéraines", "community_restaurants", "cuisine@tables-solidaires.example"),
    ("org_gac", "Groupements d'achat citoyens des quartiers", "purchasing_groups", "commandes@gac-quartiers.example"),
    ("org_csc", "Fédération des centres sociaux de Montpellier", "social_centres", "federation@centres-sociaux.example"),
    ("org_maraichers", "Collectif des maraîchers du Montpelliérais", "producers", "collectif@maraichers-montpellier.example"),
]
NAME_PATTERNS = {
    D: ["Point de distribution alimentaire {n}", "Distribution solidaire {n}", "Colis alimentaires {n}"],
    G_: ["Épicerie solidaire {n}", "Épicerie sociale {n}", "Épicerie solidaire du quartier {n}"],
    R: ["Restaurant solidaire {n}", "Cantine associative {n}", "Restaurant social {n}"],
    P: ["Groupement d'achat {n}", "Groupement d'achat citoyen {n}"],
    K: ["Cuisine du centre social {n}", "Cuisine partagée {n}", "Atelier cuisine du centre social {n}"],
}
HOUSEHOLDS = {D: (90, 220), G_: (60, 150), R: (40, 110), P: (20, 50), K: (25, 70)}
PRODUCERS = [
    # id, name, organisation, lon, lat, address, field_m2, greenhouse_m2, specialities
    ("prod_lattes", "Les Jardins de la Lironde", "org_maraichers", 3.8990, 43.5700, "chemin de la Lironde, 34970 Lattes", 24000, 2400, ["carotte", "poireau", "salade", "epinard", "panier_legumes"]),
    ("prod_perols", "Maraîchage des Étangs", "org_maraichers", 3.9500, 43.5680, "route de Carnon, 34470 Pérols", 18000, 1800, ["salade", "blette", "navet", "carotte", "oignon"]),
    ("prod_castelnau", "Ferme du Lez", "org_maraichers", 3.9230, 43.6470, "chemin des Prés, 34170 Castelnau-le-Lez", 12000, 1500, ["poireau", "chou", "epinard", "panier_legumes"]),
    ("prod_vedas", "Terres de Védas", "", 3.8270, 43.5730, "chemin de la Condamine, 34430 Saint-Jean-de-Védas", 30000, 1200, ["pomme_de_terre", "oignon", "courge", "betterave"]),
    ("prod_grabels", "Jardin de la Valsière", "org_maraichers", 3.8050, 43.6460, "chemin de la Valsière, 34790 Grabels", 15000, 1000, ["courge", "chou", "blette", "panier_legumes"]),
    ("prod_jacou", "Potager de Jacou", "", 3.9090, 43.6610, "route de Teyran, 34830 Jacou", 9000, 800, ["oeufs", "salade", "navet"]),
    ("prod_prades", "Les Paniers de Prades", "org_maraichers", 3.8640, 43.6960, "chemin du Lez, 34730 Prades-le-Lez", 20000, 2000, ["panier_legumes", "carotte", "poireau", "kiwi"]),
    ("prod_fabregues", "Vergers de la Mourre", "", 3.7770, 43.5530, "route de Cournonsec, 34690 Fabrègues", 40000, 0, ["pomme", "poire", "kiwi"]),
    ("prod_maguelone", "Mas de Maguelone", "org_maraichers", 3.8630, 43.5370, "route de Maguelone, 34750 Villeneuve-lès-Maguelone", 22000, 1600, ["oeufs", "pomme_de_terre", "courge", "epinard"]),
    ("prod_urbain", "Ferme urbaine de la Croix d'Argent", "org_maraichers", 3.8520, 43.5870, "", 6000, 600, ["salade", "blette", "epinard", "oeufs"]),
]
BBOX = (3.8306832, 43.5772896, 3.9275046, 43.6405423)
SHORTAGE = {"oeufs": 0.70, "clementine": 0.60, "poisson_surgele": 0.80}
LOCAL = {p for row in PRODUCERS for p in row[8]}


def build_montpellier(out: Path) -> None:
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    g, ids, xs, ys = load_graph(SHARED / "osm" / "montpellier_drive_2020-07-02.osm.bz2")
    poly = Polygon(ECUSSON)
    minor = {"residential", "tertiary", "unclassified", "living_street", "secondary"}

    def is_minor(n) -> bool:
        hs = set()
        for _, _, d in g.out_edges(n, data=True):
            h = d.get("highway")
            hs.update(h if isinstance(h, list) else [h])
        return bool(hs) and hs <= minor

    # hub: node on Avenue du Mas d'Argelliers closest to the MIN entrance
    hub_node = 4984847041
    hub_lon, hub_lat = g.nodes[hub_node]["x"], g.nodes[hub_node]["y"]

    venues: list[dict] = []
    used_xy: list[tuple[float, float]] = [(hub_lon, hub_lat)]
    counter: dict[str, int] = {}
    phone = iter(rng.permutation(np.arange(1000, 9999))[:200])
    for nb, (ax, ay, pc, plan) in NEIGHBOURHOODS.items():
        if nb == "Écusson":
            cand = [i for i in range(len(ids)) if poly.contains(Point(xs[i], ys[i]))]
        else:
            d = dist_m(xs, ys, ax, ay)
            cand = [int(i) for i in np.argsort(d)[:120] if d[i] < 550]
        cand = [i for i in cand if is_minor(ids[i])] or cand
        rng.shuffle(cand)
        for kind, access, org in plan:
            for i in cand:
                if all(dist_m(xs[i], ys[i], ux, uy) > 110 for ux, uy in used_xy):
                    break
            else:
                raise RuntimeError(f"no free node in {nb}")
            used_xy.append((xs[i], ys[i]))
            counter[kind] = counter.get(kind, 0) + 1
            vid = f"{ {D: 'dis', G_: 'epi', R: 'res', P: 'gac', K: 'cui'}[kind] }_{counter[kind]:02d}"
            pat = NAME_PATTERNS[kind][counter[kind] % len(NAME_PATTERNS[kind])]
            lo, hi = (15, 35) if access == "bike_only" else HOUSEHOLDS[kind]
            hh = int(rng.integers(lo, hi + 1))
            dpw = 2 if hh >= 140 and kind in (D, G_) else 1
            ph = next(phone)
            venues.append({
                "id": vid, "name": pat.format(n=nb), "kind": kind, "organisation_id": org,
                "lon": fmt(xs[i]), "lat": fmt(ys[i]), "node": int(ids[i]),
                "address": f"{street_of(g, ids[i])}, {pc} Montpellier",
                "contact": f"04 65 71 {ph // 100:02d} {ph % 100:02d}",
                "households": hh, "deliveries_per_week": dpw, "access": access,
                "neighbourhood": nb,
                "accepts_substitutes": "yes" if rng.random() < 0.7 else "no",
                "excl": {"frozen", "meat_fish"} if access == "bike_only" else set(),
            })

    # opening hours and delivery days
    hours_rows: list[dict] = []
    weekdays = DAYS[:5]
    tight = set(rng.choice(len(venues), 4, replace=False).tolist())
    late = set(rng.choice([i for i in range(len(venues)) if i not in tight and venues[i]["access"] == "any"
                           and venues[i]["kind"] in (G_, P)], 2, replace=False).tolist())
    for idx, v in enumerate(venues):
        kind = v["kind"]
        if kind in (R, K):
            slots = [("07:00", "10:30")] if kind == R else [("07:30", "11:00")]
            open_days = weekdays
        elif kind == D:
            slots = [("08:30", "12:00"), ("14:00", "17:00")] if rng.random() < 0.3 else [("08:00", "12:00")]
            closed = weekdays[int(rng.integers(0, 5))] if rng.random() < 0.5 else None
            open_days = [d for d in weekdays if d != closed]
        elif kind == G_:
            slots = [("09:00", "12:30"), ("14:00", "18:00")] if rng.random() < 0.4 else [("08:30", "12:00")]
            open_days = [*weekdays[1:], "sat"] if rng.random() < 0.5 else weekdays
        else:
            slots = [("09:00", "12:00"), ("14:00", "17:00")]
            open_days = weekdays
        if idx in tight:
            slots = [("09:00", "10:00")] if rng.random() < 0.5 else [("10:30", "11:30")]
        if idx in late:
            slots = [("13:30", "16:30")]
        for d in open_days:
            sl = [("09:00", "12:00")] if d == "sat" else slots
            for s, e in sl:
                hours_rows.append({"site_id": v["id"], "weekday": d, "start": s, "end": e})
        wd = [d for d in open_days if d in weekdays]
        n_allowed = 3 if v["deliveries_per_week"] == 2 else int(rng.integers(2, 4))
        allowed = sorted(rng.choice(wd, min(n_allowed, len(wd)), replace=False).tolist(), key=DAYS.index)
        if v["deliveries_per_week"] == 2 and DAYS.index(allowed[-1]) - DAYS.index(allowed[0]) < 2:
            allowed = ["mon", "wed", "thu"] if "mon" in wd else ["tue", "thu", "fri"]
        v["delivery_days"] = ";".join(allowed)
        v["service_min"] = "" if rng.random() < 0.2 else str(int(min(25, 8 + v["households"] // 15)))
        v["window"] = ";".join(f"{s}-{e}" for s, e in slots)

    # producers
    prod_rows = []
    for pid, name, org, lon, lat, addr, field, gh, _ in PRODUCERS:
        if not (BBOX[0] <= lon <= BBOX[2] and BBOX[1] <= lat <= BBOX[3]):
            prod_rows.append({"id": pid, "name": name, "organisation_id": org, "lon": fmt(lon),
                              "lat": fmt(lat), "address": addr, "field_m2": field, "greenhouse_m2": gh})
            continue
        d = dist_m(xs, ys, lon, lat)
        i = int(np.argmin(d))
        prod_rows.append({"id": pid, "name": name, "organisation_id": org, "lon": fmt(xs[i]),
                          "lat": fmt(ys[i]), "address": addr or f"{street_of(g, ids[i])}, 34070 Montpellier",
                          "field_m2": field, "greenhouse_m2": gh})
    for k, row in enumerate(PRODUCERS):
        pdays = ["mon", "tue", "wed", "thu", "fri"] if k % 3 else ["mon", "wed", "fri"]
        for d in pdays:
            hours_rows.append({"site_id": row[0], "weekday": d, "start": "07:00", "end": "11:30"})
            if k % 4 == 0:
                hours_rows.append({"site_id": row[0], "weekday": d, "start": "14:00", "end": "17:00"})

    _common_outputs(out, rng, venues, hours_rows, prod_rows, PRODUCERS, ORGS, _MTP_VEHICLES,
                    zones={"ecusson": ECUSSON}, history_weeks=range(19, 49),
                    hub=("Pôle de résilience alimentaire de Montpellier",
                         "Marché d'Intérêt National (MIN), avenue du Mas d'Argelliers, 34070 Montpellier",
                         hub_lon, hub_lat, "../osm/montpellier_drive_2020-07-02.osm.bz2"),
                    shortage=SHORTAGE)


_MTP_VEHICLES = [
    {"id": "frigo_1", "name": "Fourgon frigorifique bi-température 12 m3", "organisation_id": "org_entraide",
     "kind": "refrigerated_van", "profile": "drive", "capacity_kg": 1000, "capacity_l": 2500, "chilled_l": 6000,
     "frozen_l": 2500, "fixed_cost_eur": 75, "cost_per_km_eur": 0.38, "cost_per_h_eur": 24, "co2_g_per_km": 320,
     "shift_start": "06:00", "shift_end": "14:00", "days": "mon;tue;wed;thu;fri", "max_trips": 2, "zone": ""},
    {"id": "van_master", "name": "Fourgon 12 m3 (Master L2H2)", "organisation_id": "org_resol",
     "kind": "van", "profile": "drive", "capacity_kg": 1200, "capacity_l": 11000, "chilled_l": 0,
     "frozen_l": 0, "fixed_cost_eur": 55, "cost_per_km_eur": 0.30, "cost_per_h_eur": 24, "co2_g_per_km": 250,
     "shift_start": "06:30", "shift_end": "14:30", "days": "mon;tue;wed;thu;fri", "max_trips": 2, "zone": ""},
    {"id": "van_trafic", "name": "Fourgon 6 m3 (Trafic)", "organisation_id": "org_tables",
     "kind": "van", "profile": "drive", "capacity_kg": 1000, "capacity_l": 6000, "chilled_l": 300,
     "frozen_l": 0, "fixed_cost_eur": 45, "cost_per_km_eur": 0.26, "cost_per_h_eur": 24, "co2_g_per_km": 210,
     "shift_start": "07:00", "shift_end": "15:00", "days": "mon;tue;wed;thu;fri", "max_trips": 2, "zone": ""},
    {"id": "van_kangoo_e", "name": "Utilitaire électrique 3,3 m3 (Kangoo E-Tech)", "organisation_id": "org_csc",
     "kind": "van", "profile": "drive", "capacity_kg": 600, "capacity_l": 3300, "chilled_l": 300,
     "frozen_l": 0, "fixed_cost_eur": 35, "cost_per_km_eur": 0.10, "cost_per_h_eur": 22, "co2_g_per_km": 9,
     "shift_start": "09:00", "shift_end": "17:00", "days": "mon;tue;wed;thu;fri", "max_trips": 3, "zone": ""},
    {"id": "bike_1", "name": "Vélo-cargo électrique, caisse isotherme", "organisation_id": "org_gac",
     "kind": "cargo_bike", "profile": "bike", "capacity_kg": 180, "capacity_l": 1000, "chilled_l": 150,
     "frozen_l": 0, "fixed_cost_eur": 12, "cost_per_km_eur": 0.03, "cost_per_h_eur": 20, "co2_g_per_km": 1,
     "shift_start": "08:00", "shift_end": "16:00", "days": "mon;tue;wed;thu;fri", "max_trips": 4, "zone": "ecusson"},
    {"id": "bike_2", "name": "Vélo-cargo électrique, caisse isotherme", "organisation_id": "org_resol",
     "kind": "cargo_bike", "profile": "bike", "capacity_kg": 180, "capacity_l": 1000, "chilled_l": 150,
     "frozen_l": 0, "fixed_cost_eur": 12, "cost_per_km_eur": 0.03, "cost_per_h_eur": 20, "co2_g_per_km": 1,
     "shift_start": "07:30", "shift_end": "15:30", "days": "tue;thu", "max_trips": 4, "zone": "ecusson"},
]


def group_season(group: int, week: int) -> float:
    """Mild seasonality of a group's consumption (fruit peaks in summer, vegetables in winter)."""
    if group == 24:
        return 1 + 0.12 * math.cos(2 * math.pi * (week - 28) / 52)
    if group in (21, 23):
        return 1 + 0.08 * math.cos(2 * math.pi * (week - 2) / 52)
    return 1.0


def week_kg(v: dict, hh_g: pd.Series, year: int, week: int, products: list) -> dict[str, float]:
    thursday = dt.date.fromisocalendar(year, week, 4)
    kg = weekly_kg(v, hh_g, thursday.month)
    pmap = {p[0]: p for p in PRODUCTS}
    keep = {p[0] for p in products}
    return {pid: q * group_season(pmap[pid][9] or 21, week) for pid, q in kg.items() if pid in keep}


def _common_outputs(out, rng, venues, hours_rows, prod_rows, producers, orgs, vehicles, *, zones,
                    history_weeks, hub, shortage, products=None) -> None:
    products = products or PRODUCTS
    pmap = {p[0]: p for p in products}
    tab, hh_g = inca3_food_insecure()
    name, address, hub_lon, hub_lat, net = hub
    hub_hours = {d: "05:00-18:00" for d in DAYS[:5]} | {"sat": "05:00-12:00"}
    (out / "hub.toml").write_text(hub_toml(name, address, hub_lon, hub_lat, hub_hours, net, net), encoding="utf-8")
    write_csv(out / "organisations.csv", ["id", "name", "kind", "contact"],
              [dict(zip(["id", "name", "kind", "contact"], o, strict=True)) for o in orgs])
    # fixed per-venue product selection (a venue does not order everything)
    for v in venues:
        v["excl"] = set(v["excl"]) | {p[0] for p in products if p[2] != "baskets" and rng.random() < 0.12}
    write_csv(out / "venues.csv", V_COLS, venues)
    write_csv(out / "opening_hours.csv", ["site_id", "weekday", "start", "end"], hours_rows)
    write_csv(out / "producers.csv", PROD_COLS, prod_rows)
    write_csv(out / "products.csv", P_COLS, [dict(zip(P_COLS, p[:9], strict=True)) for p in products])
    write_csv(out / "vehicles.csv", VEH_COLS, vehicles)
    feats = [{"type": "Feature", "properties": {"name": k},
              "geometry": mapping(Polygon(ring))} for k, ring in zones.items()]
    (out / "zones.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                                                  ensure_ascii=False, indent=1), encoding="utf-8")
    # whole units with a running remainder: a venue orders one more unit when its cumulated need
    # crosses a unit boundary (random phase per venue x product), so long-run means are exact
    year, wk = int(WEEK[:4]), int(WEEK[-2:])
    cum: dict[tuple[str, str], float] = {}
    phase: dict[tuple[str, str], float] = {}

    def units(key: tuple[str, str], x: float) -> int:
        if key not in phase:
            phase[key] = float(rng.random())
            cum[key] = 0.0
        before = math.floor(cum[key] + phase[key])
        cum[key] += x
        return math.floor(cum[key] + phase[key]) - before

    # history: same model x trend x holidays x noise
    hist = []
    for w in history_weeks:
        trend = math.exp(-0.004 * (wk - w))
        for v in venues:
            if 31 <= w <= 34 and rng.random() < 0.35:
                continue  # venue closed that summer week
            vw = float(np.exp(rng.normal(0, 0.08))) * (0.8 if 31 <= w <= 34 else 1.0)
            for pid, kg in week_kg(v, hh_g, year, w, products).items():
                x = kg * trend * vw * float(np.exp(rng.normal(0, 0.15))) / pmap[pid][5]
                q = units((v["id"], pid), x)
                if q > 0:
                    hist.append({"week": f"{year}-W{w:02d}", "venue_id": v["id"], "product_id": pid, "quantity": q})
    write_csv(out / "orders_history.csv", ["week", "venue_id", "product_id", "quantity"], hist)
    # orders of the planning week: expected need (no noise), same running remainder
    orders = []
    for v in venues:
        for pid, kg in week_kg(v, hh_g, year, wk, products).items():
            q = units((v["id"], pid), kg / pmap[pid][5])
            if q > 0:
                orders.append({"week": WEEK, "venue_id": v["id"], "product_id": pid, "quantity": q})
    write_csv(out / "orders.csv", ["week", "venue_id", "product_id", "quantity"], orders)
    # stock and offers
    monday = iso_monday(WEEK)
    tot = pd.DataFrame(orders).groupby("product_id").quantity.sum().to_dict()
    local = {p for row in producers for p in row[8]}
    stock, offers, supply_rows = [], [], []
    pdays = {}
    for r in hours_rows:
        pdays.setdefault(r["site_id"], [])
        if r["weekday"] not in pdays[r["site_id"]]:
            pdays[r["site_id"]].append(r["weekday"])
    for p in products:
        pid = p[0]
        q = int(tot.get(pid, 0))
        if q == 0:
            continue
        cov = shortage.get(pid, float(rng.uniform(1.10, 1.35)))
        supply = math.ceil(q * cov)
        offer_total = round(supply * 0.7) if pid in local else 0
        growers = [row[0] for row in producers if pid in row[8]]
        if offer_total and growers:
            split = rng.dirichlet(np.ones(len(growers))) * offer_total
            parts = np.floor(split).astype(int)
            parts[0] += offer_total - parts.sum()
            for gid, n in zip(growers, parts, strict=True):
                days = sorted(rng.choice(pdays[gid], min(2, len(pdays[gid])), replace=False).tolist(),
                              key=DAYS.index)
                first = int(n) // len(days) + int(n) % len(days)
                for j, d in enumerate(days):
                    m = first if j == 0 else int(n) // len(days)
                    if m > 0:
                        offers.append({"producer_id": gid, "product_id": pid, "quantity": m, "day": d})
        else:
            offer_total = 0
        rest = supply - offer_total
        shelf = int(p[7])
        if rest > 0:
            if shelf <= 30 and rest >= 2:
                old = max(1, round(rest * 0.4))
                exp_old = monday + dt.timedelta(days=int(rng.integers(1, 5)))
                stock.append({"product_id": pid, "lot": f"L2648-{pid}", "quantity": old, "expiry": exp_old.isoformat()})
                stock.append({"product_id": pid, "lot": f"L2649-{pid}", "quantity": rest - old,
                              "expiry": (monday + dt.timedelta(days=shelf)).isoformat()})
            else:
                stock.append({"product_id": pid, "lot": f"L2649-{pid}", "quantity": rest,
                              "expiry": (monday + dt.timedelta(days=max(5, shelf - int(rng.integers(0, max(1, shelf // 3)))))).isoformat()})
        supply_rows.append((pid, q, offer_total, rest, supply / q))
    write_csv(out / "stock.csv", ["product_id", "lot", "quantity", "expiry"], stock)
    write_csv(out / "offers.csv", ["producer_id", "product_id", "quantity", "day"], offers)
    _checks(out, venues, orders, vehicles, pmap, zones, tab, hh_g, supply_rows, hist, hours_rows)


def _checks(out, venues, orders, vehicles, pmap, zones, tab, hh_g, supply_rows, hist, hours_rows) -> None:
    lines = ["# Generated checks (do not edit: written by make_territory.py)", ""]
    lines += ["## INCA3 food-insecure consumption used (g/day, moderate+severe, weighted)", "",
              "| group | adults | children | household (1.5 A + 0.8 C) | kg/week/household |", "|---|---|---|---|---|"]
    for gcode in sorted(GROUP_FOCUS):
        lines.append(f"| {gcode} | {tab.loc[gcode, 'adults_18_79']:.1f} | {tab.loc[gcode, 'children_0_17']:.1f} | "
                     f"{hh_g[gcode]:.1f} | {hh_g[gcode] * 7 / 1000:.2f} |")
    od = pd.DataFrame(orders)
    od["kg"] = od.apply(lambda r: r.quantity * pmap[r.product_id][5], axis=1)
    od["l"] = od.apply(lambda r: r.quantity * pmap[r.product_id][6], axis=1)
    od["temp"] = od.product_id.map(lambda p: pmap[p][3])
    vol = od.groupby("temp").l.sum().to_dict()
    kg = od.kg.sum()
    cap = {"kg": 0.0, "ambient_l": 0.0, "chilled_l": 0.0, "frozen_l": 0.0}
    for v in vehicles:
        n = len(v["days"].split(";")) * int(v["max_trips"])
        cap["kg"] += v["capacity_kg"] * n
        cap["ambient_l"] += v["capacity_l"] * n
        cap["chilled_l"] += v["chilled_l"] * n
        cap["frozen_l"] += v["frozen_l"] * n
    dem = {"kg": kg, "ambient_l": vol.get("ambient", 0), "chilled_l": vol.get("chilled", 0),
           "frozen_l": vol.get("frozen", 0)}
    lines += ["", f"## Fleet capacity check (week {WEEK})", "",
              "| measure | weekly demand | fleet capacity (cap x days x max_trips) | utilisation |", "|---|---|---|---|"]
    for k in cap:
        lines.append(f"| {k} | {dem[k]:,.0f} | {cap[k]:,.0f} | {dem[k] / cap[k]:.0%} |")
    # per delivery loads
    vv = {v["id"]: v for v in venues}
    per = od.groupby(["venue_id", "temp"]).agg(kg=("kg", "sum"), l=("l", "sum")).reset_index()
    bike = [v for v in vehicles if v["kind"] == "cargo_bike"]
    poly = {k: Polygon(r) for k, r in zones.items()}
    lines += ["", "## Bike-only venues (per delivery = weekly / deliveries_per_week)", "",
              "| venue | in zone | kg | ambient l | chilled l | frozen l |", "|---|---|---|---|---|---|"]
    problems = []
    for v in venues:
        sub = per[per.venue_id == v["id"]]
        dpw = v["deliveries_per_week"]
        load = {t: sub[sub.temp == t].l.sum() / dpw for t in ("ambient", "chilled", "frozen")}
        lkg = sub.kg.sum() / dpw
        v["_load"] = (lkg, load)
        if v["access"] == "bike_only":
            zone_ok = any(poly[b["zone"]].contains(Point(float(v["lon"]), float(v["lat"]))) for b in bike)
            b = bike[0]
            ok = zone_ok and lkg <= b["capacity_kg"] and load["ambient"] <= b["capacity_l"] and \
                load["chilled"] <= b["chilled_l"] and load["frozen"] <= b["frozen_l"]
            if not ok:
                problems.append(f"bike-only venue {v['id']} does not fit a cargo bike")
            lines.append(f"| {v['id']} | {zone_ok} | {lkg:.0f} | {load['ambient']:.0f} | {load['chilled']:.0f} | {load['frozen']:.0f} |")
    big = max(venues, key=lambda v: v["_load"][0])
    maxv = max(v["capacity_kg"] for v in vehicles)
    lines += ["", f"Largest single delivery: {big['id']} {big['_load'][0]:.0f} kg (largest vehicle {maxv} kg)."]
    if big["_load"][0] > maxv:
        problems.append("a single delivery exceeds the largest vehicle")
    reefer = [v for v in vehicles if v["kind"] == "refrigerated_van"][0]
    mc = max(v["_load"][1]["chilled"] for v in venues)
    mf = max(v["_load"][1]["frozen"] for v in venues)
    lines.append(f"Largest chilled delivery {mc:.0f} l, frozen {mf:.0f} l (refrigerated van {reefer['chilled_l']} / {reefer['frozen_l']} l).")
    nstops = sum(v["deliveries_per_week"] for v in venues)
    cold = od[od.temp != "ambient"].venue_id.nunique()
    lines.append(f"Venue deliveries per week: {nstops} (~{nstops / 5:.1f} per weekday); venues with chilled/frozen lines: {cold}.")
    for v in venues:
        days = {r["weekday"] for r in hours_rows if r["site_id"] == v["id"]}
        if not set(v["delivery_days"].split(";")) <= days:
            problems.append(f"{v['id']} has delivery days without opening hours")
    lines += ["", "## Supply vs orders (units)", "", "| product | ordered | offers | stock | coverage |", "|---|---|---|---|---|"]
    for pid, q, o, s, c in supply_rows:
        lines.append(f"| {pid} | {q} | {o} | {s} | {c:.2f}{' **shortage**' if c < 1 else ''} |")
    hw = pd.DataFrame(hist)
    lines += ["", f"History: {hw.week.nunique()} weeks ({hw.week.min()}..{hw.week.max()}), {len(hw)} rows.",
              f"Orders: {len(orders)} lines, {kg:,.0f} kg, {len(venues)} venues, "
              f"{sum(v['households'] for v in venues)} households."]
    if problems:
        lines += ["", "## PROBLEMS", *problems]
    (out / "build").mkdir(exist_ok=True)
    (out / "build" / "checks.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    for v in venues:
        v.pop("_load", None)


# ----------------------------------------------------------------------------------------------
# Villeurbanne (tiny test territory on the La Doua campus fixture)
VIL_ZONE = [(4.8735, 45.7828), (4.8800, 45.7828), (4.8800, 45.7858), (4.8735, 45.7858), (4.8735, 45.7828)]
VIL_PRODUCTS = ["carotte", "pomme_de_terre", "salade", "pomme", "pates", "yaourt", "oeufs", "poulet_surgele"]
VIL_PRODUCERS = [
    ("prod_decines", "Maraîcher de l'Est lyonnais", "", 4.9600, 45.7700, "chemin du Grand Large, 69150 Décines-Charpieu",
     15000, 1200, ["carotte", "pomme_de_terre", "salade", "oeufs"]),
    ("prod_doua", "Jardin maraîcher de la Doua", "", 4.8700, 45.7790, "", 3000, 300, ["salade", "oeufs"]),
]


def build_villeurbanne(out: Path) -> None:
    rng = np.random.default_rng(SEED + 1)
    out.mkdir(parents=True, exist_ok=True)
    g, ids, xs, ys = load_graph(SHARED / "osm" / "villeurbanne_ladoua_campus_drive.osm")
    zone = Polygon(VIL_ZONE)
    # (kind, access, organisation, anchor lon, lat, households, slots)
    plan = [
        (D, "any", "org_a", 4.8810, 45.7800, 120, [("08:00", "12:00")]),
        (G_, "any", "org_a", 4.8690, 45.7840, 80, [("08:30", "12:00"), ("14:00", "17:00")]),
        (R, "any", "org_b", 4.8730, 45.7790, 60, [("07:00", "10:30")]),
        (K, "any", "org_b", 4.8660, 45.7800, 40, [("09:00", "10:00")]),
        (P, "bike_only", "org_a", 4.8770, 45.7850, 25, [("09:00", "12:00")]),
        (G_, "bike_only", "org_b", 4.8790, 45.7835, 30, [("08:30", "12:00")]),
        (D, "no_truck", "org_a", 4.8800, 45.7820, 90, [("08:00", "11:00")]),
    ]
    used: list[int] = []
    venues, hours_rows = [], []
    counter: dict[str, int] = {}
    for n, (kind, access, org, ax, ay, hh, slots) in enumerate(plan):
        d = dist_m(xs, ys, ax, ay)
        order = [int(i) for i in np.argsort(d)]
        if access == "bike_only":
            order = [i for i in order if zone.contains(Point(xs[i], ys[i]))]
        i = next(i for i in order if i not in used and all(dist_m(xs[i], ys[i], xs[j], ys[j]) > 60 for j in used))
        used.append(i)
        counter[kind] = counter.get(kind, 0) + 1
        vid = f"v{n + 1}"
        days = ["mon", "wed", "thu"] if hh >= 90 else ["tue", "thu"]
        venues.append({
            "id": vid, "name": NAME_PATTERNS[kind][0].format(n=f"Doua {n + 1}"), "kind": kind,
            "organisation_id": org, "lon": fmt(xs[i]), "lat": fmt(ys[i]),
            "address": f"{street_of(g, ids[i])}, 69100 Villeurbanne", "contact": f"04 65 71 00 {10 + n:02d}",
            "households": hh, "delivery_days": ";".join(days), "deliveries_per_week": 2 if hh >= 110 else 1,
            "access": access, "service_min": "" if n == 3 else str(8 + hh // 20),
            "accepts_substitutes": "yes" if n % 3 else "no", "neighbourhood": "La Doua",
            "excl": {"frozen", "meat_fish"} if access == "bike_only" else set(),
        })
        for day in DAYS[:5]:
            for s_, e in slots:
                hours_rows.append({"site_id": vid, "weekday": day, "start": s_, "end": e})
    prod_rows = []
    for pid, name, org, lon, lat, addr, field, gh, _ in VIL_PRODUCERS:
        if not addr:
            i = int(np.argmin(dist_m(xs, ys, lon, lat)))
            lon, lat, addr = xs[i], ys[i], f"{street_of(g, ids[i])}, 69100 Villeurbanne"
        prod_rows.append({"id": pid, "name": name, "organisation_id": org, "lon": fmt(lon), "lat": fmt(lat),
                          "address": addr, "field_m2": field, "greenhouse_m2": gh})
        for day in ["mon", "wed", "fri"]:
            hours_rows.append({"site_id": pid, "weekday": day, "start": "07:00", "end": "11:00"})
    hub_i = int(np.argmin(dist_m(xs, ys, 4.8820, 45.7757)))
    orgs = [("org_a", "Association d'aide alimentaire A (fictive)", "food_aid", "a@example.org"),
            ("org_b", "Association de restauration solidaire B (fictive)", "community_restaurants", "b@example.org")]
    vehicles = [
        {**_MTP_VEHICLES[0], "id": "frigo", "organisation_id": "org_a"},
        {**_MTP_VEHICLES[2], "id": "van", "organisation_id": "org_b"},
        {**_MTP_VEHICLES[4], "id": "bike", "organisation_id": "org_a", "zone": "campus"},
    ]
    products = [p for p in PRODUCTS if p[0] in VIL_PRODUCTS]
    _common_outputs(out, rng, venues, hours_rows, prod_rows, VIL_PRODUCERS, orgs, vehicles,
                    zones={"campus": VIL_ZONE}, history_weeks=range(45, 49),
                    hub=("Pôle alimentaire de test (La Doua)", f"{street_of(g, ids[hub_i])}, 69100 Villeurbanne",
                         xs[hub_i], ys[hub_i], "../../../data/osm/villeurbanne_ladoua_campus_drive.osm"),
                    shortage={"oeufs": 0.6}, products=products)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--villeurbanne", action="store_true", help="build tests/data/villeurbanne instead")
    args = ap.parse_args()
    if args.villeurbanne:
        build_villeurbanne(REPO / "tests" / "data" / "villeurbanne")
    else:
        build_montpellier(REPO / "data" / "montpellier")


if __name__ == "__main__":
    main()
