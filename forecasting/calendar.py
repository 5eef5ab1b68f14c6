"""Local calendar of a series: clock time, day type, public holidays, same-time-k-days-ago.

Utility load follows the local clock, so daily profiles and "the same hour yesterday" are taken
in the series' zone: across a DST change, yesterday's 08:00 is 23 or 25 hours back, not 24.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from forecasting.exceptions import ForecastInputError

WORKDAY, SATURDAY, SUNDAY_OR_HOLIDAY = 0, 1, 2


@lru_cache(maxsize=64)
def _holiday_dates(country: str, first_year: int, last_year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    try:
        calendar = holidays.country_holidays(country, years=range(first_year, last_year + 1))
    except NotImplementedError as err:
        raise ForecastInputError(
            f"country: {country!r} has no public-holiday calendar in the holidays package",
            field="country",
            value=country,
        ) from err
    return frozenset(calendar)


def local_wall_time(index: pd.DatetimeIndex, tz: str) -> pd.DatetimeIndex:
    """Local wall-clock times (naive) of UTC instants."""
    return index.tz_convert(tz).tz_localize(None)


def holiday_mask(index: pd.DatetimeIndex, tz: str, country: str) -> np.ndarray:
    """True where the local calendar day is a public holiday of ``country``."""
    if len(index) == 0 or not country:
        return np.zeros(len(index), dtype=bool)
    days = local_wall_time(index, tz).normalize()
    found = _holiday_dates(country, int(days.year.min()), int(days.year.max()))
    if not found:
        return np.zeros(len(index), dtype=bool)
    return np.asarray(days.isin(pd.DatetimeIndex(sorted(found))))


def day_type(index: pd.DatetimeIndex, tz: str, country: str) -> np.ndarray:
    """WORKDAY, SATURDAY or SUNDAY_OR_HOLIDAY for each instant (local calendar)."""
    weekday = np.asarray(local_wall_time(index, tz).weekday)
    out = np.where(weekday == 6, SUNDAY_OR_HOLIDAY, np.where(weekday == 5, SATURDAY, WORKDAY))
    out[holiday_mask(index, tz, country)] = SUNDAY_OR_HOLIDAY
    return out


def hour_of_day(index: pd.DatetimeIndex, tz: str) -> np.ndarray:
    """Local clock time in hours, 0 <= h < 24."""
    wall = local_wall_time(index, tz)
    return np.asarray(wall.hour + wall.minute / 60.0 + wall.second / 3600.0, dtype=float)


def slot_of_day(index: pd.DatetimeIndex, tz: str, step_s: int) -> np.ndarray:
    """Index of the local clock slot of length ``step_s`` within the day (0-based)."""
    return np.floor(hour_of_day(index, tz) * 3600.0 / step_s + 1e-9).astype(int)


def same_time_days_before(
    index: pd.DatetimeIndex, days: int | np.ndarray, tz: str
) -> pd.DatetimeIndex:
    """The instants with the same local clock time ``days`` local days earlier (UTC).

    In the repeated autumn hour the earlier instant keeps the DST flag of the source; a time that
    does not exist on the earlier day (spring gap) moves forward to the first existing time.

    Example:
        >>> idx = pd.DatetimeIndex(["2026-03-30T06:00Z"])  # 08:00 CEST, the day after the change
        >>> same_time_days_before(idx, 1, "Europe/Warsaw")[0]
        Timestamp('2026-03-29 06:00:00+0000', tz='UTC')
    """
    local = index.tz_convert(tz)
    wall = local.tz_localize(None) - pd.to_timedelta(np.broadcast_to(days, len(index)), unit="D")
    out = wall.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    bad = np.flatnonzero(out.isna())
    if len(bad):
        utc_ns = out.tz_convert("UTC").as_unit("ns").asi8.copy()
        for i in bad:
            fixed = pd.Timestamp(wall[i]).tz_localize(
                tz, ambiguous=bool(local[i].dst()), nonexistent="shift_forward"
            )
            utc_ns[i] = fixed.tz_convert("UTC").as_unit("ns").value
        return pd.DatetimeIndex(pd.to_datetime(utc_ns, unit="ns", utc=True))
    return out.tz_convert("UTC")


def values_days_before(
    y: pd.Series, index: pd.DatetimeIndex, days: int | np.ndarray, tz: str
) -> np.ndarray:
    """``y`` at the same local clock time ``days`` days before each instant (NaN if unknown)."""
    when = same_time_days_before(index, days, tz)
    return y.reindex(when).to_numpy(dtype=float)
