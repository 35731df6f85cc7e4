"""Human-facing plan outputs: routes.geojson, map.html, driver sheets (PDF), terminal tables.

French is the default language of the map and the sheets (``lang="en"`` for English).
"""

from logistics.outputs.geojson import PathFunction, routes_geojson, write_routes_geojson
from logistics.outputs.i18n import format_date, t
from logistics.outputs.map import build_map, write_map
from logistics.outputs.sheets import sheet_file_name, write_driver_sheet, write_driver_sheets
from logistics.outputs.terminal import fill_rate, plan_table, unserved_table

__all__ = [
    "PathFunction",
    "build_map",
    "fill_rate",
    "format_date",
    "plan_table",
    "routes_geojson",
    "sheet_file_name",
    "t",
    "unserved_table",
    "write_driver_sheet",
    "write_driver_sheets",
    "write_map",
    "write_routes_geojson",
]
