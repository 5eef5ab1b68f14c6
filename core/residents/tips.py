"""Saving tips for a household: read its profile, then compute (``tips_compute``)."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from core.enums import HeatingSource, Medium, Resolution, Tariff
from core.region.figures import GAS_GCV_KWH_PER_M3, WEATHER_STATION
from core.residents import queries
from core.residents import tips_compute as tc
from core.residents.access import premise_of, visible_meters
from core.residents.comparison import MIN_GROUP
from core.residents.model import MeterInfo, MeterScope, TipKind, TipsReport, Unavailable, Viewer
from core.tariffs.zones import HOUSEHOLD_TARIFFS
from core.timeseries import read_series
from core.timeseries.weather import read_weather
from core.timeutil import LOCAL_TZ_NAME, local_day_start

logger = logging.getLogger(__name__)

WINDOW_DAYS = 56


def _series(
    engine: Engine, meter: MeterInfo, start: pd.Timestamp, end: pd.Timestamp, res: Resolution
) -> pd.Series:
    frame = read_series(engine, meter.id, start, end, res)
    return pd.Series(frame["value"].to_numpy(), index=pd.DatetimeIndex(frame["ts"]))


def _daily_heat_kwh(
    engine: Engine, meter: MeterInfo, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    frame = read_series(engine, meter.id, start, end, Resolution.DAY)
    full = frame[frame["n_readings"] >= 0.9 * frame["n_expected"]]
    factor = GAS_GCV_KWH_PER_M3 if meter.medium is Medium.GAS else 1.0
    return pd.Series(full["value"].to_numpy() * factor, index=full["ts"].dt.date.to_numpy())


def _daily_temperature(engine: Engine, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    weather = read_weather(engine, WEATHER_STATION, start, end)
    if weather.empty:
        return pd.Series(dtype="float64")
    return weather.groupby(weather["ts"].dt.date)["t_air_degc"].mean()


def _heating(
    engine: Engine, viewer: Viewer, meters: list[MeterInfo], start: pd.Timestamp, end: pd.Timestamp
) -> tuple[tc.Tip | None, Unavailable | None]:
    premise = premise_of(engine, viewer)
    medium = {
        HeatingSource.GAS: Medium.GAS,
        HeatingSource.DISTRICT_HEATING: Medium.HEAT,
    }.get(premise.heating_source)
    own = next((m for m in meters if m.medium is medium and m.scope is MeterScope.PREMISE), None)
    if medium is None or own is None:
        return None, Unavailable(TipKind.HEATING, "no_heat_meter")
    temps = _daily_temperature(engine, start, end)
    _base, slope, days = tc.heat_signature(_daily_heat_kwh(engine, own, start, end), temps)
    if not np.isfinite(slope):
        return None, Unavailable(TipKind.HEATING, "not_heating_season")
    peers = queries.similar_premises(
        engine, premise.building_type, premise.heating_source, medium, {premise.id}
    )
    peer_slopes = []
    for _, meter_id, area, _ in peers:
        peer_meter = MeterInfo(
            meter_id, "", medium, own.meter_kind, own.unit, own.interval_s, own.scope
        )
        _, s, _ = tc.heat_signature(_daily_heat_kwh(engine, peer_meter, start, end), temps)
        if np.isfinite(s):
            peer_slopes.append(s / area)
    price = tc.GAS_PRICE_PLN_PER_KWH if medium is Medium.GAS else tc.HEAT_PRICE_PLN_PER_KWH
    tip = tc.heating_tip(slope, premise.floor_area_m2, days, peer_slopes, price, MIN_GROUP)
    if tip is None and len(peer_slopes) < MIN_GROUP:
        return None, Unavailable(TipKind.HEATING, "group_too_small")
    return tip, None


def saving_tips(engine: Engine, viewer: Viewer, window_end: dt.date | None = None) -> TipsReport:
    """Every tip computable from the household's last eight weeks of data.

    Returns:
        Tips with evidence and the estimated gross saving in PLN/year (largest first), and the
        tips that could not be computed with the reason (no data, no meter, no waste data yet).

    Raises:
        NotVisibleError: the viewer has no premise.
    """
    premise = premise_of(engine, viewer)
    meters = [m for m in visible_meters(engine, viewer) if m.scope is MeterScope.PREMISE]
    lasts = [m.last_ts for m in meters if m.last_ts is not None]
    unavailable: list[Unavailable] = []
    tips: list[tc.Tip] = []
    if not lasts:
        return TipsReport(None, None, [], [Unavailable(k, "no_data") for k in TipKind])
    end_day = window_end or pd.Timestamp(max(lasts)).tz_convert(LOCAL_TZ_NAME).date()
    end = local_day_start(end_day + dt.timedelta(days=1))
    start = local_day_start(end_day - dt.timedelta(days=WINDOW_DAYS - 1))
    firsts = [m.first_ts for m in meters if m.first_ts is not None]
    if firsts:  # a shorter history: the window starts with the data
        start = max(start, pd.Timestamp(min(firsts)).tz_convert(LOCAL_TZ_NAME).normalize())
    by_medium = {m.medium: m for m in meters if m.meter_kind.value == "main"}

    electricity = by_medium.get(Medium.ELECTRICITY)
    if electricity is not None and premise.tariff in HOUSEHOLD_TARIFFS:
        profile = _series(engine, electricity, start, end, Resolution.MIN15)
        tariff = Tariff(premise.tariff)
        found = [tc.base_load_tip(profile, tariff), *tc.tariff_tips(profile, tariff)]
        tips += [t for t in found if t is not None]
        if profile.empty or profile.index.normalize().nunique() < tc.MIN_DAYS_ELECTRICITY:
            unavailable.append(Unavailable(TipKind.TARIFF, "too_little_data"))
    else:
        unavailable.append(Unavailable(TipKind.BASE_LOAD, "no_electricity_meter"))

    water = by_medium.get(Medium.WATER)
    if water is not None:
        tip = tc.night_water_tip(_series(engine, water, start, end, Resolution.HOUR))
        if tip is not None:
            tips.append(tip)
    else:
        unavailable.append(Unavailable(TipKind.NIGHT_WATER, "no_water_meter"))

    heating_tip, why = _heating(engine, viewer, meters, start, end)
    if heating_tip is not None:
        tips.append(heating_tip)
    if why is not None:
        unavailable.append(why)

    # Waste: no collection data is stored for households yet (the waste package will add it).
    unavailable.append(Unavailable(TipKind.WASTE, "no_waste_data"))
    tips.sort(key=lambda t: -t.saving_pln_per_year)
    logger.debug("tips for premise %d: %s", premise.id, [t.kind.value for t in tips])
    return TipsReport(start.date(), end_day, tips, unavailable)
