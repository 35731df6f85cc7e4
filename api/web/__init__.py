"""Web pages served by the API: coordinator, venue and producer views (French by default).

Server-rendered HTML (Jinja2) plus small vanilla scripts; the map uses a vendored
Leaflet 1.9.4 (``static/leaflet``, BSD-2-Clause) over a basemap drawn from the
territory's own road network, so the pages work offline.
"""

from api.web.routes import router

__all__ = ["router"]
