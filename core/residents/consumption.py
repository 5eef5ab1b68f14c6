"""My consumption: one meter over a day, week, month or year, against last year and the
building, with the cost under the household's tariff.

Each series is read once at the meter's own resolution through ``core.timeseries.read_series``
(which turns registers into interval consumption and keeps quality counts) and summed into the
displayed periods with the store's own period labels, so days at DST changes have 23 or 25
hours and months are calendar months in Europe/Warsaw.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from core.enums import Medium, Quality, ReadingType, Resolution, Tariff
from core.exceptions import InputError
from core.residents import queries
from core.residents.access import BUILDING_MIN_PREMISES, meter_for_viewer, premise_of
from core.residents.model import (
    ConsumptionView,
    MeterInfo,
    MeterScope,
    Period,
    PremiseInfo,
    Viewer,
)
from core.tariffs import prices_for, variable_price_gross
from core.tariffs.pricing import DAYS_PER_MONTH
from core.timeseries import read_series
from core.timeseries.rollup import period_start
from core.timeutil import LOCAL_TZ_NAME, local_day_start

_DISPLAY = {
    Period.DAY: None,  # the meter's own resolution
    Period.WEEK: Resolution.HOUR,
    Period.MONTH: Resolution.DAY,
    Period.YEAR: Resolution.MONTH,
}
_SECONDS = {Resolution.MIN15: 900, Resolution.HOUR: 3600, Resolution.DAY: 86_400}
ANCHOR_YEARS = (2000, 2100)


def base_resolution(meter: MeterInfo) -> Resolution:
    """The finest rolled-up resolution a meter supports (15 min, hour or day)."""
    for res in (Resolution.MIN15, Resolution.HOUR):
        if meter.interval_s <= _SECONDS[res]:
            return res
    return Resolution.DAY


def window(period: Period, anchor: dt.date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Local start and end of the calendar window holding ``anchor``.

    Example:
        >>> [str(t.date()) for t in window(Period.WEEK, dt.date(2026, 1, 8))]
        ['2026-01-05', '2026-01-12']
    """
    if not ANCHOR_YEARS[0] <= anchor.year < ANCHOR_YEARS[1]:
        raise InputError(
            f"date: {anchor} is out of range ({ANCHOR_YEARS[0]}-{ANCHOR_YEARS[1] - 1})",
            field="date",
            value=str(anchor),
        )
    if period is Period.DAY:
        first, last = anchor, anchor + dt.timedelta(days=1)
    elif period is Period.WEEK:
        first = anchor - dt.timedelta(days=anchor.weekday())
        last = first + dt.timedelta(days=7)
    elif period is Period.MONTH:
        first = anchor.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1)
    else:
        first, last = (
            anchor.replace(month=1, day=1),
            anchor.replace(year=anchor.year + 1, month=1, day=1),
        )
    return local_day_start(first), local_day_start(last)


def step(period: Period, anchor: dt.date, forward: bool) -> dt.date:
    """The anchor of the previous or next window."""
    start, end = window(period, anchor)
    if forward:
        return end.date()
    return (start - pd.Timedelta(hours=12)).date()


def _base_frame(
    engine: Engine,
    meters: list[tuple[int, ReadingType, int]],
    start: pd.Timestamp,
    end: pd.Timestamp,
    base: Resolution,
) -> pd.DataFrame:
    """meter_id, ts (local), value, n_readings, n_not_measured at the base resolution.

    Interval meters whose own interval is the base resolution are read raw (each reading is
    already one interval's consumption; invalid readings left out, as the store's rollup does);
    others (registers, coarser meters) through the store's rollup.
    """
    ids = [m for m, _, _ in meters]
    if all(t is ReadingType.INTERVAL and s == _SECONDS.get(base) for _, t, s in meters):
        raw = read_series(engine, ids, start, end)
        raw = raw[raw["quality"] != Quality.INVALID.value]
        return pd.DataFrame(
            {
                "meter_id": raw["meter_id"],
                "ts": raw["ts"],
                "value": raw["value"],
                "n_readings": 1,
                "n_not_measured": (raw["quality"] != Quality.MEASURED.value).astype("int64"),
            }
        ).reset_index(drop=True)
    frame = read_series(engine, ids, start, end, base)
    return frame[["meter_id", "ts", "value", "n_readings", "n_not_measured"]]


def _bucket(frame: pd.DataFrame, base: Resolution, display: Resolution) -> pd.DataFrame:
    """Sum base-resolution rows into display periods (grouped on integer keys: fast)."""
    if frame.empty or base is display:
        return frame.reset_index(drop=True)
    labels = period_start(frame["ts"].dt.tz_convert("UTC"), display)
    keys = pd.DatetimeIndex(labels).as_unit("ns").asi8
    summed = (
        frame.assign(key=keys)
        .groupby(["meter_id", "key"], sort=True)[["value", "n_readings", "n_not_measured"]]
        .sum()
        .reset_index()
    )
    ts = pd.to_datetime(summed.pop("key"), unit="ns", utc=True).dt.tz_convert(LOCAL_TZ_NAME)
    summed.insert(1, "ts", ts)
    return summed


def _bucketed(
    engine: Engine,
    meters: list[tuple[int, ReadingType, int]],
    start: pd.Timestamp,
    end: pd.Timestamp,
    base: Resolution,
    display: Resolution,
) -> pd.DataFrame:
    """Per meter: ts (display period start), value, n_not_measured, n_readings, at ``display``."""
    return _bucket(_base_frame(engine, meters, start, end, base), base, display)


def _wall_key(ts: pd.Series) -> pd.Series:
    return ts.dt.tz_convert(LOCAL_TZ_NAME).dt.tz_localize(None)


def _cost(
    base_frame: pd.DataFrame, tariff: Tariff, base: Resolution, display: Resolution
) -> pd.Series:
    """Gross variable cost per display period (PLN), priced at the meter's own intervals."""
    if base_frame.empty:
        return pd.Series(dtype="float64")
    starts = pd.DatetimeIndex(base_frame["ts"])
    priced = base_frame.assign(
        value=base_frame["value"].to_numpy() * variable_price_gross(starts, tariff)
    )
    summed = _bucket(priced, base, display)
    return pd.Series(summed["value"].to_numpy(), index=pd.DatetimeIndex(summed["ts"]))


def consumption(
    engine: Engine,
    viewer: Viewer,
    meter_id: int,
    period: Period | str,
    anchor: dt.date | None = None,
) -> ConsumptionView:
    """One visible meter's consumption in a window, against last year and the building.

    Args:
        engine: the store.
        viewer: who asks (the meter must be visible to them).
        meter_id: the meter.
        period: day, week, month or year.
        anchor: a date in the window; default: the day of the meter's latest reading.

    Raises:
        NotVisibleError: not the viewer's meter (or no such meter).
        InputError: an unknown period or a date out of range.
    """
    try:
        period = Period(period)
    except ValueError as err:
        raise InputError(
            f"period: {period!r} is not one of day, week, month, year", field="period", value=period
        ) from err
    meter = meter_for_viewer(engine, viewer, meter_id)
    if anchor is None:
        last = meter.last_ts or dt.datetime.now(dt.UTC)
        anchor = pd.Timestamp(last).tz_convert(LOCAL_TZ_NAME).date()
    start, end = window(period, anchor)
    base = base_resolution(meter)
    display = _DISPLAY[period] or base
    if _SECONDS.get(display, 86_400) < _SECONDS.get(base, 86_400):
        display = base

    me = [(meter.id, meter.reading_type, meter.interval_s)]
    own_base = _base_frame(engine, me, start, end, base)
    own = _bucket(own_base, base, display)
    points = pd.DataFrame(
        {
            "ts": own["ts"],
            "value": own["value"],
            "estimated_share": (own["n_not_measured"] / own["n_readings"].clip(lower=1)).round(3),
        }
    ).reset_index(drop=True)

    ly_start = local_day_start((start.tz_localize(None) - pd.DateOffset(years=1)).date())
    ly_end = local_day_start((end.tz_localize(None) - pd.DateOffset(years=1)).date())
    ly = _bucketed(engine, me, ly_start, ly_end, base, display)
    ly_key = _wall_key(ly["ts"]) + pd.DateOffset(years=1)
    last_year = pd.Series(ly["value"].to_numpy(), index=ly_key).groupby(level=0).first()
    points["last_year"] = _wall_key(points["ts"]).map(last_year).astype("float64")

    premise = premise_of(engine, viewer) if meter.scope is MeterScope.PREMISE else None
    building_avg, n_building, note = _building_average(
        engine, premise, meter, start, end, base, display
    )
    if building_avg is not None:
        points["building_avg"] = points["ts"].map(building_avg).astype("float64")
    else:
        points["building_avg"] = np.nan

    tariff = None
    fixed = None
    points["cost_pln"] = np.nan
    if (
        meter.medium is Medium.ELECTRICITY
        and premise is not None
        and premise.tariff in (Tariff.G11, Tariff.G12, Tariff.G12W)
    ):
        tariff = premise.tariff
        cost = _cost(own_base, tariff, base, display)
        points["cost_pln"] = points["ts"].map(cost).astype("float64")
        prices = prices_for(tariff)
        fixed = (prices.fixed_pln_per_month * _covered_days(meter, start, end) / DAYS_PER_MONTH) * (
            1 + prices.vat
        )

    def total(column: str) -> float | None:
        values = points[column]
        return None if values.isna().all() else float(values.sum())

    last_ts = meter.last_ts
    has_next = last_ts is not None and pd.Timestamp(last_ts) >= end
    return ConsumptionView(
        meter=meter,
        period=period,
        anchor=anchor,
        start=start,
        end=end,
        resolution=display.value,
        points=points,
        totals={
            "value": total("value"),
            "last_year": total("last_year"),
            "building_avg": total("building_avg"),
            "cost_pln": total("cost_pln"),
            "fixed_pln": fixed,
        },
        tariff=tariff,
        previous_anchor=step(period, anchor, forward=False),
        next_anchor=step(period, anchor, forward=True) if has_next else None,
        building_premises=n_building,
        building_note=note,
    )


def _covered_days(meter: MeterInfo, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Days of the window the meter has readings for (the fixed charges are shown for those)."""
    if meter.first_ts is None or meter.last_ts is None:
        return 0.0
    lo = max(start, pd.Timestamp(meter.first_ts))
    hi = min(end, pd.Timestamp(meter.last_ts) + pd.Timedelta(seconds=meter.interval_s))
    return max(0.0, (hi - lo).total_seconds() / 86_400)


_CACHE_TTL_S = 300.0
_CACHE_MAX = 512
_cache: OrderedDict[tuple, tuple[float, pd.Series]] = OrderedDict()
_cache_lock = threading.Lock()


def _building_average(
    engine: Engine,
    premise: PremiseInfo | None,
    meter: MeterInfo,
    start: pd.Timestamp,
    end: pd.Timestamp,
    base: Resolution,
    display: Resolution,
) -> tuple[pd.Series | None, int, str]:
    """Mean per household of the building's meters of the same medium, if the building is
    large enough; else (None, n, reason).

    Every household of a building asks for the same aggregate, so it is kept for five minutes
    in a small in-process cache (new readings arrive every 15 minutes at the earliest).
    """
    if premise is None:
        return None, 0, "building_meter"
    meters = queries.building_premise_meters(engine, premise.building_id, meter.medium)
    if len(meters) < BUILDING_MIN_PREMISES:
        return None, len(meters), "building_too_small"
    key = (str(engine.url), premise.building_id, meter.medium, start, end, base, display)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < _CACHE_TTL_S:
            _cache.move_to_end(key)
            return hit[1], len(meters), ""
    frame = _bucketed(engine, meters, start, end, base, display)
    if frame.empty:
        return None, len(meters), "no_data"
    grouped = frame.groupby("ts")["value"]
    mean = grouped.sum() / grouped.count()
    with _cache_lock:
        _cache[key] = (now, mean)
        while len(_cache) > _CACHE_MAX:
            _cache.popitem(last=False)
    return mean, len(meters), ""
