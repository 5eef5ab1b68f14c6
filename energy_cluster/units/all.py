"""Imports every builder module so each registers itself."""

from energy_cluster.units import (
    boiler,
    chp,
    fuel_chp,
    grid,
    power_to_heat,
    renewable,
    storage,
    waste_heat,
)

__all__ = [
    "boiler",
    "chp",
    "fuel_chp",
    "grid",
    "power_to_heat",
    "renewable",
    "storage",
    "waste_heat",
]
