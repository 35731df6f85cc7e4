"""Pydantic schemas of the HTTP API (create / update / public per resource)."""

__all__: list[str] = []
