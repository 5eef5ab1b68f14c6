"""Validation, estimation and editing (VEE) of meter readings, as pure functions."""
