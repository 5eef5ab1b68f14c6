"""Value objects of the resident portal's read services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from core.accounts.enums import Role
from core.enums import BuildingType, HeatingSource, Medium, MeterKind, ReadingType, Tariff


class Period(StrEnum):
    """The windows the portal shows: a local calendar day, ISO week, month or year."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class MeterScope(StrEnum):
    PREMISE = "premise"  # the household's own meter
    BUILDING = "building"  # a meter of the whole building (DH substation, rooftop PV)


@dataclass(frozen=True)
class Viewer:
    """Who asks: the account id, role and the premise or building it is bound to."""

    user_id: int
    role: Role
    premise_id: int | None = None
    building_id: int | None = None


@dataclass(frozen=True)
class PremiseInfo:
    """A household as the portal shows it to its resident."""

    id: int
    building_id: int
    district_id: int
    district_name: str
    address: str
    unit_number: str
    floor_area_m2: float
    household_size: int
    tariff: Tariff
    building_type: BuildingType
    heating_source: HeatingSource
    building_premises: int


@dataclass(frozen=True)
class MeterInfo:
    """A meter a viewer may see."""

    id: int
    serial_number: str
    medium: Medium
    meter_kind: MeterKind
    unit: str
    interval_s: int
    scope: MeterScope
    first_ts: dt.datetime | None = None
    last_ts: dt.datetime | None = None
    reading_type: ReadingType = ReadingType.INTERVAL


@dataclass(frozen=True)
class ConsumptionView:
    """One meter's consumption in a window, with last year, the building and the cost.

    Attributes:
        points: columns ts (period start, Europe/Warsaw), value, last_year, building_avg,
            cost_pln (gross variable cost; electricity of the own premise only), estimated_share.
        totals: value, last_year, building_avg, cost_pln (variable) and fixed_pln over the window.
        building_note: why there is no building comparison, when there is none.
    """

    meter: MeterInfo
    period: Period
    anchor: dt.date
    start: pd.Timestamp
    end: pd.Timestamp
    resolution: str
    points: pd.DataFrame
    totals: dict[str, float | None]
    tariff: Tariff | None
    previous_anchor: dt.date
    next_anchor: dt.date | None
    building_premises: int = 0
    building_note: str = ""


@dataclass(frozen=True)
class Distribution:
    """Quantiles of a comparison group (never individual values)."""

    n: int
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float
    own: float
    own_percentile: float  # share of the group using less than the household, 0-100


@dataclass(frozen=True)
class MediumComparison:
    """One medium: the household against its own history and against similar households."""

    medium: Medium
    unit: str
    window_days: int
    own_recent: float | None
    own_previous: float | None
    own_last_year: float | None
    peers: Distribution | None
    criteria: str  # "strict", "relaxed", "type_and_heating" or "" when no group of 10
    peer_note: str = ""


@dataclass(frozen=True)
class ComparisonReport:
    """The fair comparison for a household."""

    premise: PremiseInfo
    window_end: dt.date
    consent: bool
    media: list[MediumComparison] = field(default_factory=list)


class TipKind(StrEnum):
    BASE_LOAD = "base_load"
    TARIFF = "tariff"
    LOAD_SHIFT = "load_shift"
    NIGHT_WATER = "night_water"
    HEATING = "heating"
    WASTE = "waste"


@dataclass(frozen=True)
class Tip:
    """A saving tip computed from the profile.

    Attributes:
        kind: what the tip is about.
        saving_pln_per_year: estimated gross saving.
        evidence: the figures it rests on (named with units), shown beside the tip.
    """

    kind: TipKind
    saving_pln_per_year: float
    evidence: dict[str, float | str]


@dataclass(frozen=True)
class Unavailable:
    """A tip that could not be computed, and why (e.g. ``no_waste_data``)."""

    kind: TipKind
    reason: str


@dataclass(frozen=True)
class TipsReport:
    window_start: dt.date | None
    window_end: dt.date | None
    tips: list[Tip]
    unavailable: list[Unavailable]
