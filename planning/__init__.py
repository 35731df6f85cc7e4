"""Crop planning: measured demand, crop catalogue, crop-plan MIP, producer plans."""
