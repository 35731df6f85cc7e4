"""Road-following geometry between two points."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.sparse.csgraph import dijkstra

from geo.network import RoadNetwork
from geo.snapping import snap_points

__all__ = ["node_path", "road_path"]


def node_path(net: RoadNetwork, source: int, target: int) -> list[int]:
    """Node indices of the fastest path (ties broken by distance) between two nodes.

    Parameters
    ----------
    net
        The network.
    source, target
        Node indices.

    Returns
    -------
    list of int
        ``[source, ..., target]``; ``[source]`` when they are equal.
    """
    if source == target:
        return [source]
    _, predecessors = dijkstra(
        net.routing_key, directed=True, indices=source, return_predecessors=True
    )
    path = [target]
    while path[-1] != source:
        previous = int(predecessors[path[-1]])
        if previous < 0:  # cannot happen on a strongly connected network
            raise RuntimeError(f"no path from node {source} to node {target}")
        path.append(previous)
    return path[::-1]


def road_path(
    net: RoadNetwork,
    a: tuple[float, float],
    b: tuple[float, float],
    *,
    off_network_m: float = 300.0,
) -> list[tuple[float, float]]:
    """Geometry of the route from ``a`` to ``b`` following the road shapes.

    The route is the one :func:`geo.matrix.travel_matrices` measures: ``a``, its snap node,
    the fastest network path, ``b``'s snap node, ``b``.  When ``a`` or ``b`` is more than
    ``off_network_m`` from the network, the leg is approximated and the geometry is the
    straight segment ``[a, b]``.

    Parameters
    ----------
    net
        The network.
    a, b
        (lon, lat) in degrees.
    off_network_m
        Snap distance above which a point is off-network, metres.

    Returns
    -------
    list of (lon, lat)
        Vertices of the line, starting at ``a`` and ending at ``b``; consecutive duplicates
        removed.
    """
    snapped = snap_points(net, [a, b])
    start = (float(a[0]), float(a[1]))
    end = (float(b[0]), float(b[1]))
    if (snapped.distance_m > off_network_m).any():
        return [start, end]
    nodes = node_path(net, int(snapped.node[0]), int(snapped.node[1]))
    line = [start, (float(net.lon[nodes[0]]), float(net.lat[nodes[0]]))]
    for u, v in itertools.pairwise(nodes):
        shape = net.edge_shape(net.edge_index(u, v))
        line.extend((float(x), float(y)) for x, y in np.asarray(shape))
    line.append(end)
    deduplicated = [line[0]]
    for vertex in line[1:]:
        if vertex != deduplicated[-1]:
            deduplicated.append(vertex)
    return deduplicated
