"""French (default) and English strings of the web pages and their scripts."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "STRINGS", "WebLang", "pick_lang", "t"]

WebLang = Literal["fr", "en"]
LANGS: tuple[WebLang, ...] = ("fr", "en")

STRINGS: dict[str, dict[WebLang, str]] = {
    "app": {"fr": "Pôle alimentaire", "en": "Food hub"},
    "skip": {"fr": "Aller au contenu", "en": "Skip to content"},
    "login": {"fr": "Connexion", "en": "Sign in"},
    "logout": {"fr": "Se déconnecter", "en": "Sign out"},
    "username": {"fr": "Identifiant", "en": "Username"},
    "password": {"fr": "Mot de passe", "en": "Password"},
    "bad_login": {
        "fr": "Identifiant ou mot de passe incorrect.",
        "en": "Wrong username or password.",
    },
    "forbidden_title": {"fr": "Accès refusé", "en": "Access denied"},
    "forbidden": {
        "fr": "Votre compte ({role}) ne peut pas voir cette page.",
        "en": "Your account ({role}) may not see this page.",
    },
    "my_page": {"fr": "Aller à ma page", "en": "Go to my page"},
    "language": {"fr": "Langue", "en": "Language"},
    "week": {"fr": "Semaine", "en": "Week"},
    "show": {"fr": "Afficher", "en": "Show"},
    "coordinator_title": {"fr": "Tournées de la semaine", "en": "Rounds of the week"},
    "venue_title": {"fr": "Ma commande", "en": "My order"},
    "producer_title": {"fr": "Mon plan de culture", "en": "My crop plan"},
    "map": {"fr": "Carte des tournées", "en": "Map of the rounds"},
    "map_help": {
        "fr": "Fond de carte : réseau routier du territoire. Une couleur par tournée.",
        "en": "Basemap: the territory's road network. One colour per round.",
    },
    "online_tiles": {"fr": "Fond OpenStreetMap en ligne", "en": "Online OpenStreetMap tiles"},
    "no_plan": {
        "fr": "Aucune tournée publiée pour cette semaine.",
        "en": "No rounds published for this week.",
    },
    "plan": {"fr": "Planifier la semaine", "en": "Plan the week"},
    "engine": {"fr": "Moteur", "en": "Engine"},
    "time_limit": {"fr": "Temps de calcul par jour (s)", "en": "Solver time per day (s)"},
    "max_iterations": {"fr": "Itérations max. par jour", "en": "Max iterations per day"},
    "progress": {"fr": "Avancement", "en": "Progress"},
    "job_queued": {"fr": "Planification en attente…", "en": "Planning queued…"},
    "job_running": {"fr": "Planification en cours…", "en": "Planning…"},
    "job_succeeded": {"fr": "Planification terminée.", "en": "Planning finished."},
    "job_failed": {"fr": "La planification a échoué : ", "en": "Planning failed: "},
    "job_cancelled": {"fr": "Planification annulée.", "en": "Planning cancelled."},
    "summary": {"fr": "Résumé", "en": "Summary"},
    "orders_served": {"fr": "Unités livrées", "en": "Units delivered"},
    "orders_unserved": {"fr": "Unités non servies", "en": "Units not served"},
    "distance": {"fr": "Distance (km)", "en": "Distance (km)"},
    "duration": {"fr": "Durée (h)", "en": "Duration (h)"},
    "co2": {"fr": "CO₂ (kg)", "en": "CO₂ (kg)"},
    "cost": {"fr": "Coût (€)", "en": "Cost (€)"},
    "vehicles_used": {"fr": "Véhicules utilisés", "en": "Vehicles used"},
    "savings": {"fr": "Économies de la mutualisation", "en": "Pooling savings"},
    "savings_missing": {
        "fr": "Non calculées pour ce plan (« foodhub plan --standalone » ou « foodhub savings »).",
        "en": "Not computed for this plan (“foodhub plan --standalone” or “foodhub savings”).",
    },
    "standalone_cost": {"fr": "Chacun seul", "en": "Each alone"},
    "pooled_cost": {"fr": "Mutualisé", "en": "Pooled"},
    "saving": {"fr": "Économie", "en": "Saving"},
    "distance_km": {"fr": "Distance (km)", "en": "Distance (km)"},
    "duration_h": {"fr": "Durée (h)", "en": "Duration (h)"},
    "co2_kg": {"fr": "CO₂ (kg)", "en": "CO₂ (kg)"},
    "cost_eur": {"fr": "Coût (€)", "en": "Cost (€)"},
    "rounds": {"fr": "Tournées", "en": "Rounds"},
    "round": {"fr": "Tournée", "en": "Round"},
    "day": {"fr": "Jour", "en": "Day"},
    "vehicle": {"fr": "Véhicule", "en": "Vehicle"},
    "stop": {"fr": "Arrêt", "en": "Stop"},
    "action": {"fr": "Action", "en": "Action"},
    "place": {"fr": "Lieu", "en": "Place"},
    "eta": {"fr": "Arrivée", "en": "Arrival"},
    "departure": {"fr": "Départ", "en": "Departure"},
    "load": {"fr": "Charge (kg)", "en": "Load (kg)"},
    "fill": {"fr": "Remplissage", "en": "Fill rate"},
    "items": {"fr": "Articles", "en": "Items"},
    "sheet": {"fr": "Feuille de route (PDF)", "en": "Driver sheet (PDF)"},
    "unserved": {"fr": "Commandes non servies", "en": "Unserved orders"},
    "none_unserved": {"fr": "Toutes les commandes sont servies.", "en": "Every order is served."},
    "venue": {"fr": "Lieu de distribution", "en": "Venue"},
    "product": {"fr": "Produit", "en": "Product"},
    "quantity": {"fr": "Quantité", "en": "Quantity"},
    "reason": {"fr": "Raison", "en": "Reason"},
    "action_start": {"fr": "départ", "en": "start"},
    "action_pickup": {"fr": "collecte", "en": "pickup"},
    "action_deliver": {"fr": "livraison", "en": "delivery"},
    "action_reload": {"fr": "rechargement", "en": "reload"},
    "action_break": {"fr": "pause", "en": "break"},
    "action_end": {"fr": "retour", "en": "return"},
    "hub": {"fr": "Plateforme", "en": "Hub"},
    "producers": {"fr": "Producteurs", "en": "Producers"},
    "catalogue": {"fr": "Catalogue de la semaine", "en": "This week's catalogue"},
    "category": {"fr": "Catégorie", "en": "Category"},
    "unit": {"fr": "Unité", "en": "Unit"},
    "price": {"fr": "Prix (€)", "en": "Price (€)"},
    "temperature": {"fr": "Température", "en": "Temperature"},
    "order_form_help": {
        "fr": "Indiquez les quantités ; 0 retire la ligne. Modifiable jusqu'à la date limite.",
        "en": "Enter quantities; 0 removes the line. You may change it until the cut-off.",
    },
    "save_order": {"fr": "Enregistrer la commande", "en": "Save the order"},
    "cancel_order": {"fr": "Annuler la commande", "en": "Cancel the order"},
    "cutoff": {"fr": "Date limite", "en": "Cut-off"},
    "window_open": {
        "fr": "Commandes ouvertes jusqu'au {cutoff}.",
        "en": "Orders open until {cutoff}.",
    },
    "window_closed": {
        "fr": "La date limite ({cutoff}) est passée : la commande ne peut plus être modifiée.",
        "en": "The cut-off ({cutoff}) has passed: the order can no longer be changed.",
    },
    "no_window": {
        "fr": "Cette semaine n'est pas ouverte aux commandes.",
        "en": "This week is not open for orders.",
    },
    "current_order": {
        "fr": "Commande en cours (version {version})",
        "en": "Current order (version {version})",
    },
    "no_order": {"fr": "Pas encore de commande cette semaine.", "en": "No order yet this week."},
    "other_orders": {
        "fr": "{n} autre(s) commande(s) active(s) cette semaine.",
        "en": "{n} other active order(s) this week.",
    },
    "order_saved": {"fr": "Commande enregistrée.", "en": "Order saved."},
    "order_cancelled": {"fr": "Commande annulée.", "en": "Order cancelled."},
    "order_empty": {
        "fr": "Indiquez au moins une quantité.",
        "en": "Enter at least one quantity.",
    },
    "err_order_window_closed": {
        "fr": "La date limite de commande est passée : la commande n'a pas été modifiée.",
        "en": "The order cut-off has passed: the order was not changed.",
    },
    "err_no_order_window": {
        "fr": "Cette semaine n'est pas ouverte aux commandes.",
        "en": "This week is not open for orders.",
    },
    "err_version_conflict": {
        "fr": "La commande a changé entre-temps ; rechargez la page.",
        "en": "The order changed meanwhile; reload the page.",
    },
    "err_generic": {"fr": "Erreur : ", "en": "Error: "},
    "delivery": {"fr": "Ma livraison", "en": "My delivery"},
    "no_delivery": {
        "fr": "Pas encore de tournée publiée pour cette semaine.",
        "en": "No round published for this week yet.",
    },
    "delivery_line": {
        "fr": "Livraison le {day}, arrivée prévue à {eta} (véhicule {vehicle}).",
        "en": "Delivery on {day}, expected at {eta} (vehicle {vehicle}).",
    },
    "not_delivered": {"fr": "Non livré", "en": "Not delivered"},
    "season": {"fr": "Saison", "en": "Season"},
    "no_crop_plan": {
        "fr": "Aucun plan de culture publié pour vous.",
        "en": "No crop plan published for you.",
    },
    "calendar": {"fr": "Calendrier des cultures", "en": "Crop calendar"},
    "sowing": {"fr": "Semis", "en": "Sowing"},
    "growing": {"fr": "Croissance", "en": "Growing"},
    "harvest": {"fr": "Récolte", "en": "Harvest"},
    "crop": {"fr": "Culture", "en": "Crop"},
    "beds": {"fr": "Planches", "en": "Beds"},
    "weeks": {"fr": "Semaines", "en": "Weeks"},
    "weekly_harvest": {
        "fr": "Récolte attendue par semaine (kg)",
        "en": "Expected harvest per week (kg)",
    },
    "total_kg": {"fr": "Total (kg)", "en": "Total (kg)"},
    "sow_week": {"fr": "Semis (sem.)", "en": "Sowing (wk)"},
    "plant_week": {"fr": "Mise en place (sem.)", "en": "Planting (wk)"},
    "harvest_weeks": {"fr": "Récolte (sem.)", "en": "Harvest (wk)"},
    "offers": {"fr": "Mes offres", "en": "My offers"},
}


def t(lang: str, key: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (French when unknown), placeholders filled."""
    entry = STRINGS[key]
    text = entry.get(lang, entry["fr"])  # type: ignore[call-overload]
    return text.format(**values) if values else text


def pick_lang(query: str | None, cookie: str | None) -> WebLang:
    """``?lang=`` first, then the ``foodhub_lang`` cookie, then French."""
    for value in (query, cookie):
        if value == "en":
            return "en"
        if value == "fr":
            return "fr"
    return "fr"
