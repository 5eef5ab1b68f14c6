"""Units of decoded quantities: the unit is part of the quantity's name, never guessed.

A quantity name ends with a unit suffix (``energy_import_kwh``, ``flow_m3_per_h``,
``t_supply_degc``); the profile states the unit as well and the two must agree.
"""

from __future__ import annotations

# Longest suffixes first, so "_m3_per_h" wins over "_h" and "_kwh" over "_wh".
SUFFIX_UNITS: dict[str, str] = {
    "_m3_per_h": "m3/h",
    "_l_per_h": "L/h",
    "_kvarh": "kvarh",
    "_kvah": "kVAh",
    "_kwh": "kWh",
    "_mwh": "MWh",
    "_wh": "Wh",
    "_kvar": "kvar",
    "_var": "var",
    "_kva": "kVA",
    "_va": "VA",
    "_kw": "kW",
    "_w": "W",
    "_degc": "degC",
    "_hz": "Hz",
    "_m3": "m3",
    "_pu": "1",
    "_v": "V",
    "_a": "A",
    "_l": "L",
    "_h": "h",
    "_bar": "bar",
}

# Factors to convert a value from one unit to another (multiply).
_FACTORS: dict[tuple[str, str], float] = {
    ("kWh", "Wh"): 1000.0,
    ("kWh", "MWh"): 0.001,
    ("W", "kW"): 0.001,
    ("var", "kvar"): 0.001,
    ("VA", "kVA"): 0.001,
    ("m3", "L"): 1000.0,
    ("m3/h", "L/h"): 1000.0,
}


def unit_of(quantity: str) -> str | None:
    """The unit a quantity's name implies, or None when its suffix is not a known unit.

    Example:
        >>> unit_of("flow_m3_per_h"), unit_of("energy_import_kwh"), unit_of("serial")
        ('m3/h', 'kWh', None)
    """
    for suffix, unit in SUFFIX_UNITS.items():
        if quantity.endswith(suffix) and len(quantity) > len(suffix):
            return unit
    return None


def stem_of(quantity: str) -> str:
    """The quantity's name without its unit suffix (``energy_import_kwh`` -> ``energy_import``)."""
    for suffix in SUFFIX_UNITS:
        if quantity.endswith(suffix) and len(quantity) > len(suffix):
            return quantity[: -len(suffix)]
    return quantity


def conversion_factor(from_unit: str, to_unit: str) -> float | None:
    """The factor that converts ``from_unit`` into ``to_unit``; None if they are unrelated.

    Example:
        >>> conversion_factor("kWh", "Wh"), conversion_factor("kW", "W"), conversion_factor("V", "A")
        (1000.0, 1000.0, None)
    """
    if from_unit == to_unit:
        return 1.0
    if (from_unit, to_unit) in _FACTORS:
        return _FACTORS[(from_unit, to_unit)]
    if (to_unit, from_unit) in _FACTORS:
        return 1.0 / _FACTORS[(to_unit, from_unit)]
    return None
