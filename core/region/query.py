"""Read services over the region's store for the operators' overview and the open data.

Region KPIs for one day, monthly consumption per district (anonymised: no group under
``MIN_GROUP_PREMISES`` premises) and the ISO 37120 indicators the store supports.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, func, select

from core.db.models import Building, District, Meter, Premise, Reading
from core.enums import Medium, MeterKind, PremiseKind
from core.timeseries import read_series

logger = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Europe/Warsaw")
MIN_GROUP_PREMISES = 10  # open data never shows a group smaller than this
UNITS = {Medium.ELECTRICITY: "kWh", Medium.HEAT: "kWh", Medium.WATER: "m3", Medium.GAS: "m3"}
OPEN_DATA_COLUMNS = ["district", "month", "medium", "unit", "n_premises", "total", "per_premise"]


@dataclass(frozen=True)
class RegionDayKpis:
    """The region's totals on one Europe/Warsaw calendar day."""

    day: dt.date
    el_demand_kwh: float
    el_generation_kwh: float
    heat_kwh: float
    water_m3: float
    gas_m3: float
    completeness: float  # share of expected readings received, 0..1
    n_meters: int

    @property
    def self_sufficiency_el(self) -> float | None:
        """Local generation over demand (None without demand)."""
        return self.el_generation_kwh / self.el_demand_kwh if self.el_demand_kwh > 0 else None

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["day"] = self.day.isoformat()
        out["self_sufficiency_el"] = self.self_sufficiency_el
        return out


@dataclass(frozen=True)
class Indicator:
    """One ISO 37120 indicator: its value or why it is not available."""

    code: str
    name: str
    definition: str
    unit: str
    value: float | None
    period: str
    note: str = ""


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), LOCAL_TZ)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), LOCAL_TZ)
    return start, end


def latest_day(engine: Engine) -> dt.date | None:
    """The last Europe/Warsaw day holding readings (None when the store has none)."""
    with engine.connect() as conn:
        last = conn.execute(select(func.max(Reading.ts))).scalar_one_or_none()
    if last is None:
        return None
    return pd.Timestamp(last).tz_convert(LOCAL_TZ).date()


def _meters(engine: Engine, kinds: tuple[MeterKind, ...]) -> pd.DataFrame:
    building_id = func.coalesce(Meter.building_id, Premise.building_id)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Meter.id,
                Meter.medium,
                Meter.meter_kind,
                Meter.premise_id,
                Premise.premise_kind,
                Premise.household_size,
                District.name,
            )
            .outerjoin(Premise, Premise.id == Meter.premise_id)
            .outerjoin(Building, Building.id == building_id)
            .outerjoin(District, District.id == Building.district_id)
            .where(Meter.meter_kind.in_(kinds))
        ).all()
    frame = pd.DataFrame(
        rows,
        columns=["meter_id", "medium", "kind", "premise_id", "premise_kind", "persons", "district"],
    )
    for col in ("medium", "kind", "premise_kind"):
        frame[col] = frame[col].map(lambda v: getattr(v, "value", v))
    return frame


def day_profile(engine: Engine, day: dt.date) -> pd.DataFrame:
    """Hourly region totals on ``day``: columns ts (Europe/Warsaw), medium, kind, value."""
    meters = _meters(engine, (MeterKind.MAIN, MeterKind.GENERATION))
    if meters.empty:
        return pd.DataFrame(columns=["ts", "medium", "kind", "value", "n_readings", "n_expected"])
    start, end = _day_bounds(day)
    series = read_series(engine, meters["meter_id"].tolist(), start, end, "hour")
    merged = series.merge(meters[["meter_id", "medium", "kind"]], on="meter_id")
    return merged.groupby(["ts", "medium", "kind"], as_index=False)[
        ["value", "n_readings", "n_expected"]
    ].sum()


def region_day_kpis(engine: Engine, day: dt.date) -> RegionDayKpis:
    """Region totals on ``day`` from the main and generation meters."""
    profile = day_profile(engine, day)

    def total(medium: Medium, kind: MeterKind = MeterKind.MAIN) -> float:
        sel = profile[(profile["medium"] == medium.value) & (profile["kind"] == kind.value)]
        return float(sel["value"].sum()) if not sel.empty else 0.0

    expected = float(profile["n_expected"].sum()) if not profile.empty else 0.0
    got = float(profile["n_readings"].sum()) if not profile.empty else 0.0
    return RegionDayKpis(
        day=day,
        el_demand_kwh=total(Medium.ELECTRICITY),
        el_generation_kwh=total(Medium.ELECTRICITY, MeterKind.GENERATION),
        heat_kwh=total(Medium.HEAT),
        water_m3=total(Medium.WATER),
        gas_m3=total(Medium.GAS),
        completeness=min(1.0, got / expected) if expected else 0.0,
        n_meters=len(_meters(engine, (MeterKind.MAIN, MeterKind.GENERATION))),
    )


def monthly_by_district(
    engine: Engine, *, min_premises: int = MIN_GROUP_PREMISES
) -> tuple[pd.DataFrame, int]:
    """Consumption per district, calendar month (Europe/Warsaw) and medium, anonymised.

    Only premises' main meters count. A (district, month, medium) group with fewer than
    ``min_premises`` premises is dropped, never shown.

    Returns:
        (rows with ``OPEN_DATA_COLUMNS``, the number of groups suppressed).
    """
    if min_premises < MIN_GROUP_PREMISES:
        raise ValueError(f"min_premises must be at least {MIN_GROUP_PREMISES}")
    meters = _meters(engine, (MeterKind.MAIN,))
    meters = meters[meters["premise_id"].notna()]
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(Reading.ts), func.max(Reading.ts))).one()
    if meters.empty or first is None:
        return pd.DataFrame(columns=OPEN_DATA_COLUMNS), 0
    start = pd.Timestamp(first).tz_convert(LOCAL_TZ).normalize().replace(day=1)
    end = (pd.Timestamp(last).tz_convert(LOCAL_TZ) + pd.offsets.MonthBegin(1)).normalize()
    series = read_series(engine, meters["meter_id"].tolist(), start, end, "month")
    series = series[series["n_readings"] > 0]
    merged = series.merge(meters[["meter_id", "medium", "premise_id", "district"]], on="meter_id")
    merged["month"] = merged["ts"].map(lambda t: pd.Timestamp(t).strftime("%Y-%m"))
    grouped = merged.groupby(["district", "month", "medium"], as_index=False).agg(
        n_premises=("premise_id", "nunique"), total=("value", "sum")
    )
    kept = grouped[grouped["n_premises"] >= min_premises].copy()
    kept["unit"] = kept["medium"].map(lambda m: UNITS[Medium(m)])
    kept["per_premise"] = kept["total"] / kept["n_premises"]
    kept[["total", "per_premise"]] = kept[["total", "per_premise"]].round(1)
    suppressed = len(grouped) - len(kept)
    logger.info("open data: %d groups shown, %d suppressed", len(kept), suppressed)
    return kept[OPEN_DATA_COLUMNS].reset_index(drop=True), suppressed


def _residential_total(engine: Engine, medium: Medium) -> tuple[float, float, int, float]:
    """(consumption, days covered, persons, share complete) of residential premises' meters."""
    meters = _meters(engine, (MeterKind.MAIN,))
    meters = meters[
        (meters["medium"] == medium.value) & (meters["premise_kind"] == PremiseKind.RESIDENTIAL)
    ]
    if meters.empty:
        return 0.0, 0.0, 0, 0.0
    with engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(Reading.ts), func.max(Reading.ts)).where(
                Reading.meter_id.in_(meters["meter_id"].tolist())
            )
        ).one()
    if first is None:
        return 0.0, 0.0, 0, 0.0
    start = pd.Timestamp(first).tz_convert(LOCAL_TZ).normalize()
    end = pd.Timestamp(last).tz_convert(LOCAL_TZ).normalize()  # whole days only
    if end <= start:
        return 0.0, 0.0, 0, 0.0
    series = read_series(engine, meters["meter_id"].tolist(), start, end, "day")
    days = (end - start).total_seconds() / 86_400
    persons = int(meters.drop_duplicates("premise_id")["persons"].sum())
    share = float(series["n_readings"].sum() / max(series["n_expected"].sum(), 1))
    return float(series["value"].sum()), days, persons, share


def iso37120_indicators(engine: Engine, *, renewable_share: float | None = None) -> list[Indicator]:
    """The ISO 37120:2018 indicators the platform can compute from its store.

    Args:
        engine: the store's engine.
        renewable_share: share of energy from renewable sources in the latest cluster plan
            (0..1), passed by the caller from the energy cluster's service; None if no plan.
    """
    out: list[Indicator] = []
    el_kwh, el_days, el_persons, el_share = _residential_total(engine, Medium.ELECTRICITY)
    out.append(
        Indicator(
            code="7.1",
            name="Total residential electrical energy use per capita",
            definition="Residential electricity use of the measured households (kWh) divided "
            "by the persons living in them, scaled to a year (x 365 / days measured).",
            unit="kWh/year",
            value=round(el_kwh / el_persons * 365 / el_days, 1) if el_persons and el_days else None,
            period=f"{el_days:.0f} days of readings, {el_persons} persons",
            note=f"readings received: {el_share:.1%}" if el_persons else "no residential data",
        )
    )
    w_m3, w_days, w_persons, w_share = _residential_total(engine, Medium.WATER)
    out.append(
        Indicator(
            code="21.5",
            name="Total water consumption per capita",
            definition="Water metered at the households (litres) divided by the persons living "
            "in them and by the days measured.",
            unit="litres/day",
            value=round(w_m3 * 1000 / w_persons / w_days, 1) if w_persons and w_days else None,
            period=f"{w_days:.0f} days of readings, {w_persons} persons",
            note=f"readings received: {w_share:.1%}" if w_persons else "no residential data",
        )
    )
    out.append(
        Indicator(
            code="7.4",
            name="Energy derived from renewable sources as a share of total energy consumption",
            definition="Renewable electricity and heat over all energy served in the latest "
            "energy-cluster plan.",
            unit="%",
            value=round(renewable_share * 100, 1) if renewable_share is not None else None,
            period="latest cluster plan",
            note="" if renewable_share is not None else "not available: no stored plan",
        )
    )
    for code, name, unit in (
        ("16.1", "Municipal solid waste collected per capita", "t/year"),
        ("16.2", "Percentage of the city's solid waste that is recycled", "%"),
    ):
        out.append(
            Indicator(
                code=code,
                name=name,
                definition="Needs the waste collection records (waste package), not yet stored.",
                unit=unit,
                value=None,
                period="-",
                note="not available: no waste data in the store",
            )
        )
    return out
