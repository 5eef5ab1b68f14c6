"""Vocabularies shared across the platform, as StrEnums."""

from __future__ import annotations

from enum import StrEnum


class Medium(StrEnum):
    """What a meter measures."""

    ELECTRICITY = "electricity"
    HEAT = "heat"
    WATER = "water"
    GAS = "gas"


class Quality(StrEnum):
    """Quality flag of a stored reading (validation, estimation, editing)."""

    MEASURED = "measured"
    ESTIMATED = "estimated"
    EDITED = "edited"
    INVALID = "invalid"


class ReadingType(StrEnum):
    """How a meter's values relate to consumption.

    CUMULATIVE: a register that only grows (consumption = difference of two readings).
    INTERVAL: the consumption within the interval that starts at the timestamp.
    INSTANTANEOUS: a state sampled at the timestamp (power, flow, temperature); rolled up by mean.
    """

    CUMULATIVE = "cumulative"
    INTERVAL = "interval"
    INSTANTANEOUS = "instantaneous"


class MeterKind(StrEnum):
    """The role of a meter in the region."""

    MAIN = "main"  # the billing meter of a premise or a building
    SUB = "sub"  # a submeter behind a main meter
    GENERATION = "generation"  # on-site generation (e.g. rooftop PV)
    NETWORK = "network"  # a network point: substation, DMA inflow, heat node


class BuildingType(StrEnum):
    """Building categories of the reference region."""

    MULTI_FAMILY_PANEL = "multi_family_panel"  # large-panel blocks of the 1960s-80s
    MULTI_FAMILY_NEW = "multi_family_new"  # post-1995 apartment buildings
    MULTI_FAMILY_OLD = "multi_family_old"  # pre-1960 tenement and early blocks
    SINGLE_FAMILY = "single_family"
    PUBLIC = "public"  # schools, offices, clinics
    COMMERCIAL = "commercial"  # shops, services, small businesses


class PremiseKind(StrEnum):
    """What a premise (a point of supply) is used for."""

    RESIDENTIAL = "residential"
    PUBLIC = "public"
    COMMERCIAL = "commercial"


class Tariff(StrEnum):
    """Polish electricity distribution tariff groups used for premises."""

    G11 = "G11"  # single zone, households
    G12 = "G12"  # two zones, households
    G12W = "G12w"  # two zones plus weekends, households
    C11 = "C11"  # single zone, small businesses and public buildings
    C12A = "C12a"  # two zones (peak/off-peak), small businesses


class HeatingSource(StrEnum):
    """How a building is heated."""

    DISTRICT_HEATING = "district_heating"
    GAS = "gas"
    ELECTRIC = "electric"  # resistive or heat pump
    SOLID_FUEL = "solid_fuel"


class Resolution(StrEnum):
    """Resolutions accepted by ``read_series``."""

    RAW = "raw"
    MIN15 = "15min"
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
