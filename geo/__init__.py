"""Road networks from OpenStreetMap: graphs, snapping, travel matrices, path geometries.

``geo`` knows nothing of food.  Typical use::

    net = load_network("data/osm/montpellier_drive_2020-07-02.osm.bz2", "drive")
    tm = travel_matrices(net, [(3.8767, 43.6108), (3.8950, 43.6000)])
    tm.duration_s, tm.distance_m   # int64 seconds and metres

Data © OpenStreetMap contributors (ODbL 1.0): keep the attribution with anything derived.
"""

from geo.matrix import (
    OffNetworkWarning,
    TravelMatrices,
    network_matrices,
    straight_line_matrices,
    travel_matrices,
)
from geo.network import NetworkInfo, RoadNetwork, load_network, network_from_place, network_info
from geo.paths import node_path, road_path
from geo.profiles import PROFILES, parse_maxspeed_kmh
from geo.snapping import Snapped, snap_points
from geo.travel import OsmTravelTimes, StraightLineTravelTimes, TravelTimes

__all__ = [
    "PROFILES",
    "NetworkInfo",
    "OffNetworkWarning",
    "OsmTravelTimes",
    "RoadNetwork",
    "Snapped",
    "StraightLineTravelTimes",
    "TravelMatrices",
    "TravelTimes",
    "load_network",
    "network_from_place",
    "network_info",
    "network_matrices",
    "node_path",
    "parse_maxspeed_kmh",
    "road_path",
    "snap_points",
    "straight_line_matrices",
    "travel_matrices",
]
