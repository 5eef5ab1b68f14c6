"""The registry of block builders: unit type -> builder class.

A new unit type touches three files: its config model (``config_units.py``), its builder module
under ``units/`` (decorated with ``@register``) and its test.
"""

from __future__ import annotations

from energy_cluster.enums import UnitType
from energy_cluster.units.base import UnitBlock

REGISTRY: dict[UnitType, type[UnitBlock]] = {}


def register(cls: type[UnitBlock]) -> type[UnitBlock]:
    """Class decorator: make ``cls`` the builder of each of its ``unit_types``."""
    for unit_type in cls.unit_types:
        if unit_type in REGISTRY:
            raise RuntimeError(f"two builders for unit type {unit_type}")
        REGISTRY[unit_type] = cls
    return cls


def builder_for(unit_type: UnitType) -> type[UnitBlock]:
    """The builder class of a unit type (the unit modules are imported on first use)."""
    import energy_cluster.units.all  # noqa: F401 - registers the builders

    return REGISTRY[UnitType(unit_type)]
