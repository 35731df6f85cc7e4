"""Headless Chromium end to end: a venue orders, the coordinator plans, a producer, roles."""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
from PIL import Image

from tests.api_http.conftest import WEEK, login
from tests.web.conftest import PHONE, keep_screenshot, sign_in

CROP_PLAN = {
    "season": "2027",
    "document": {
        "plantings": [
            {
                "product_id": "salade",
                "itinerary_name": "Laitue de printemps",
                "beds": 4,
                "sowing_week": 8,
                "start_week": 12,
                "first_harvest_week": 18,
                "last_harvest_week": 21,
                "harvest_kg_per_week": 30.0,
                "harvest_kg": 120.0,
            },
            {
                "product_id": "carotte",
                "itinerary_name": "Carotte de conservation",
                "beds": 6,
                "sowing_week": 20,
                "start_week": 20,
                "first_harvest_week": 36,
                "last_harvest_week": 40,
                "harvest_kg_per_week": 50.0,
                "harvest_kg": 250.0,
            },
        ]
    },
}


def _active_lines(api: httpx.Client, venue: str) -> list[dict[str, Any]]:
    orders = api.get(
        "/orders", params={"week": WEEK, "status": "active"}, headers=login(api, venue)
    ).json()
    return [line for order in orders for line in order["lines"]]


def test_a_venue_places_changes_and_is_stopped_at_the_cutoff(
    new_page: Any, api: httpx.Client
) -> None:
    venue = login(api, "v1")
    for order in api.get("/orders", params={"week": WEEK}, headers=venue).json():
        api.delete(f"/orders/{order['id']}", headers=venue)
    page = new_page(PHONE)
    sign_in(page, "v1")
    assert page.url.endswith("/web/venue")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Commandes ouvertes" in page.locator("#window-state").inner_text()

    page.get_by_label("Carottes").fill("3")
    page.locator("#q-pomme").fill("2")
    page.get_by_label("Carottes").press("Enter")  # keyboard submit
    message = page.locator("#order-message")
    message.filter(has_text="Commande enregistrée").wait_for()
    keep_screenshot(page, "venue")
    placed = {x["product_id"]: x["quantity"] for x in _active_lines(api, "v1")}
    assert placed["carotte"] == 3 and sum(placed.values()) == 5

    # change a line and remove another (0 removes)
    page.get_by_label("Carottes").fill("5")
    page.locator("#q-pomme").fill("0")
    page.locator("#order-message").evaluate("m => m.textContent = ''")
    page.get_by_role("button", name="Enregistrer la commande").click()
    message.filter(has_text="Commande enregistrée").wait_for()
    assert {x["product_id"]: x["quantity"] for x in _active_lines(api, "v1")} == {"carotte": 5}

    # a phone-sized screen needs no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # the cut-off passes while the page is open: a clear message, nothing changed
    moved = api.patch(
        f"/order-windows/{WEEK}",
        headers=login(api, "coord"),
        json={"cutoff_at": "2020-01-01T00:00:00+00:00"},
    )
    assert moved.status_code == 200
    page.get_by_label("Carottes").fill("9")
    page.get_by_role("button", name="Enregistrer la commande").click()
    message.filter(has_text="date limite").wait_for()
    assert "error" in (message.get_attribute("class") or "")
    assert {x["product_id"]: x["quantity"] for x in _active_lines(api, "v1")} == {"carotte": 5}
    page.reload()
    assert "est passée" in page.locator("#window-state").inner_text()
    assert page.get_by_label("Carottes").is_disabled()


def test_the_coordinator_plans_and_sees_the_rounds_on_the_map(
    new_page: Any, api: httpx.Client
) -> None:
    page = new_page()
    sign_in(page, "coord", f"/web/coordinator?week={WEEK}")
    assert page.locator("#no-plan").is_visible()
    page.get_by_label("Moteur").select_option("pyvrp")
    page.get_by_label("Temps de calcul par jour (s)").fill("1")
    page.get_by_label("Itérations max. par jour").fill("100")
    with page.expect_navigation(url=re.compile(r"job="), timeout=240_000):
        page.get_by_role("button", name="Planifier la semaine").click()
    page.locator("#map[data-ready='true']").wait_for(state="attached")

    geojson = api.get(f"/weeks/{WEEK}/rounds.geojson", headers=login(api, "coord")).json()
    trips = [f for f in geojson["features"] if f["properties"]["feature"] == "trip"]
    rounds = {(f["properties"]["day"], f["properties"]["vehicle_id"]) for f in trips}
    assert trips
    assert page.locator("#map path.fh-round").count() == len(trips)
    assert page.locator("#map path.fh-road").count() >= 1  # the road-network basemap
    assert page.locator("article.round").count() == len(rounds)
    strokes = set(
        page.locator("#map path.fh-round").evaluate_all(
            "ps => ps.map(p => p.getAttribute('stroke'))"
        )
    )
    assert len(strokes) == len(rounds)  # one colour per round
    assert page.locator("#map .fh-hub").count() == 1
    assert page.locator("#unserved tbody tr").count() >= 1  # this week has unserved lines
    assert page.locator("#savings").is_visible()

    keep_screenshot(page, "coordinator")
    png = page.locator("#map").screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 20  # not blank
    round_rgb = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in strokes]
    drawn = sum(n for n, rgb in colours if rgb in round_rgb)
    assert drawn > 200  # the round lines are on the image

    sheet = page.locator("article.round a[download]").first.get_attribute("href")
    assert sheet is not None
    pdf = page.request.get(sheet)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_a_producer_sees_its_crop_plan(new_page: Any, api: httpx.Client) -> None:
    put = api.put("/producers/prod_doua/crop-plan", headers=login(api, "coord"), json=CROP_PLAN)
    assert put.status_code == 200, put.text
    page = new_page()
    sign_in(page, "p1")
    assert page.url.endswith("/web/producer")
    assert "Mon plan de culture" in page.locator("h1").inner_text()
    # salade: sowing, growing, harvest; carotte (sown in place): growing, harvest
    assert page.locator("#gantt rect.bar").count() == 5
    assert page.locator("#gantt rect.harvest").count() == 2
    assert page.locator("#plantings tbody tr").count() == 2
    assert page.locator("#harvest tbody tr").count() == 4 + 5
    keep_screenshot(page, "producer")
    page.goto("/web/producer?lang=en")
    assert "My crop plan" in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"


def test_roles_are_enforced_on_the_server(new_page: Any) -> None:
    anonymous = new_page()
    anonymous.goto("/web/coordinator")
    assert "/web/login" in anonymous.url

    page = new_page(PHONE)
    sign_in(page, "v1")
    response = page.goto("/web/coordinator")
    assert response is not None and response.status == 403
    assert "Accès refusé" in page.locator("h1").inner_text()
    assert page.locator("#map").count() == 0
    relayed = page.request.get(f"/web/api/weeks/{WEEK}/rounds")
    assert relayed.status == 403
    assert page.goto("/web/producer").status == 403  # type: ignore[union-attr]
    forged = page.request.post("/web/api/planning-jobs", data={"week": WEEK})
    assert forged.status == 403  # no X-Foodhub-Web header: refused before the API
