"""Road networks from OpenStreetMap: graphs, snapping, travel matrices, path geometries."""

from geo.errors import FoodHubError, InfeasibleError, InputError, Problem, SolverError

__all__ = ["FoodHubError", "InfeasibleError", "InputError", "Problem", "SolverError"]
