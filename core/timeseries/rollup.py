"""Roll raw readings up to 15 min, hour, day or month (pure pandas, DST-correct)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.db.types import QUALITY_CODES
from core.enums import Quality, ReadingType, Resolution
from core.timeutil import LOCAL_TZ_NAME

_INVALID = QUALITY_CODES[Quality.INVALID]
_MEASURED = QUALITY_CODES[Quality.MEASURED]
_FIXED_SECONDS = {Resolution.MIN15: 900, Resolution.HOUR: 3600}
ROLLUP_COLUMNS = ["meter_id", "ts", "value", "n_readings", "n_expected", "n_not_measured"]


def period_start(ts_utc: pd.Series, resolution: Resolution) -> pd.Series:
    """Label each UTC timestamp with the start of its period, in Europe/Warsaw.

    Quarter-hours and hours are cut in UTC (Poland's offsets are whole hours, and the repeated
    02:00 of the autumn change stays two distinct hours); days and months are local calendar
    days and months, so a day holds 23, 24 or 25 hours.
    """
    if resolution in _FIXED_SECONDS:
        return ts_utc.dt.floor(f"{_FIXED_SECONDS[resolution]}s").dt.tz_convert(LOCAL_TZ_NAME)
    wall = ts_utc.dt.tz_convert(LOCAL_TZ_NAME).dt.tz_localize(None)
    if resolution is Resolution.DAY:
        start = wall.dt.normalize()
    elif resolution is Resolution.MONTH:
        start = wall.dt.to_period("M").dt.start_time
    else:
        raise ValueError(f"no periods for resolution {resolution}")
    # Local midnight exists exactly once on every day in Europe/Warsaw (changes are at 02:00/03:00).
    return start.dt.tz_localize(LOCAL_TZ_NAME)


def period_end(starts: pd.Series, resolution: Resolution) -> pd.Series:
    """The start of the next period for each label produced by ``period_start``."""
    if resolution in _FIXED_SECONDS:
        return starts + pd.Timedelta(seconds=_FIXED_SECONDS[resolution])
    wall = starts.dt.tz_localize(None)
    offset = pd.DateOffset(days=1) if resolution is Resolution.DAY else pd.DateOffset(months=1)
    return (wall + offset).dt.tz_localize(LOCAL_TZ_NAME)


def _consumption_of_registers(raw: pd.DataFrame) -> pd.DataFrame:
    """Turn cumulative register readings into interval consumption labelled by interval start."""
    raw = raw[raw["quality"] != _INVALID].sort_values("ts")
    nxt_value = raw["value"].shift(-1)
    nxt_quality = raw["quality"].shift(-1)
    out = raw.assign(
        value=nxt_value - raw["value"],
        quality=np.where((raw["quality"] != _MEASURED) | (nxt_quality != _MEASURED), 1, 0),
    )
    return out.iloc[:-1]


def rollup(
    raw: pd.DataFrame,
    reading_type: ReadingType,
    interval_s: int,
    resolution: Resolution,
    start_utc: pd.Timestamp,
    end_utc: pd.Timestamp,
) -> pd.DataFrame:
    """Aggregate one meter's raw readings.

    Args:
        raw: columns meter_id, ts (UTC), value, quality (integer codes), sorted by ts.
        reading_type: interval values are summed, instantaneous ones averaged, cumulative
            registers differenced and then summed.
        interval_s: the meter's native interval (sets ``n_expected``).
        resolution: the target period.
        start_utc, end_utc: the queried window [start, end); periods are clipped to it.

    Returns:
        Columns meter_id, ts (period start, Europe/Warsaw), value, n_readings, n_expected,
        n_not_measured. Invalid readings are left out of every figure.
    """
    if reading_type is ReadingType.CUMULATIVE:
        raw = _consumption_of_registers(raw)
    else:
        raw = raw[raw["quality"] != _INVALID]
    raw = raw[(raw["ts"] >= start_utc) & (raw["ts"] < end_utc)]
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in ROLLUP_COLUMNS}).astype(
            {"ts": f"datetime64[ns, {LOCAL_TZ_NAME}]", "meter_id": "int64"}
        )
    labels = period_start(raw["ts"], resolution)
    how = "mean" if reading_type is ReadingType.INSTANTANEOUS else "sum"
    grouped = raw.assign(period=labels, not_measured=raw["quality"] != _MEASURED).groupby(
        "period", sort=True
    )
    out = pd.DataFrame(
        {
            "value": grouped["value"].agg(how),
            "n_readings": grouped["value"].count(),
            "n_not_measured": grouped["not_measured"].sum(),
        }
    ).reset_index(names="ts")
    starts = out["ts"]
    ends = period_end(starts, resolution)
    lo = starts.dt.tz_convert("UTC").clip(lower=start_utc)
    hi = ends.dt.tz_convert("UTC").clip(upper=end_utc)
    out["n_expected"] = ((hi - lo).dt.total_seconds() // interval_s).astype("int64")
    out.insert(0, "meter_id", int(raw["meter_id"].iloc[0]))
    return out[ROLLUP_COLUMNS].astype({"n_readings": "int64", "n_not_measured": "int64"})
