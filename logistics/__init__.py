"""Pooled logistics: domain model, scenario loading, allocation, week planning, routing."""
