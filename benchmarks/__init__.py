"""Benchmark harnesses; each script prints its figures (see RESULTS.md)."""
