"""The generation period and its time grids, in UTC with the local (Europe/Warsaw) calendar.

A period starts at local midnight of a calendar day and lasts whole local days, so a day at a
DST change has 23 or 25 hours (92 or 100 quarter-hours). Every interval is labelled by its
start; calendar features (local hour, day type, day of year) are those of the interval start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import holidays
import numpy as np
import pandas as pd

from core.timeutil import LOCAL_TZ_NAME, local_day_start

WORKDAY = 0
SATURDAY = 1
SUNDAY_OR_HOLIDAY = 2  # public holidays behave like Sundays


def period_bounds(start: dt.date, days: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """UTC start and end of ``days`` local calendar days from local midnight of ``start``.

    Example:
        >>> [str(t) for t in period_bounds(dt.date(2026, 3, 29), 1)]
        ['2026-03-28 23:00:00+00:00', '2026-03-29 22:00:00+00:00']
    """
    start_local = local_day_start(pd.Timestamp(start))
    end_local = local_day_start(pd.Timestamp(start) + pd.Timedelta(days=days))
    return start_local.tz_convert("UTC"), end_local.tz_convert("UTC")


def polish_holidays(first: dt.date, last: dt.date) -> set[dt.date]:
    """Polish public holidays (statutory days off) between two dates, inclusive."""
    calendar = holidays.Poland(years=range(first.year, last.year + 1))
    return {day for day in calendar if first <= day <= last}


@dataclass(frozen=True)
class TimeGrid:
    """Interval starts of one resolution over the period, with their local calendar features.

    Attributes:
        utc: interval starts (UTC).
        step_s: interval length in seconds.
        local_hour: local clock time of the interval start in hours (0 <= h < 24).
        day_index: index of the local calendar day in the period (0-based).
        day_type: WORKDAY, SATURDAY or SUNDAY_OR_HOLIDAY per interval.
        day_of_year: fractional day of the year, 0 at 1 January 00:00 local.
        month: local calendar month (1..12) per interval.
        dates: the local calendar dates of the period.
        day_types: the day type of each date.
    """

    utc: pd.DatetimeIndex
    step_s: int
    local_hour: np.ndarray
    day_index: np.ndarray
    day_type: np.ndarray
    day_of_year: np.ndarray
    month: np.ndarray
    dates: tuple[dt.date, ...]
    day_types: np.ndarray

    @property
    def n_steps(self) -> int:
        """Number of intervals."""
        return len(self.utc)

    @property
    def n_days(self) -> int:
        """Number of local calendar days."""
        return len(self.dates)

    @property
    def step_h(self) -> float:
        """Interval length in hours."""
        return self.step_s / 3600.0

    @cached_property
    def day_starts(self) -> np.ndarray:
        """Position of the first interval of every local day (for ``np.add.reduceat``)."""
        return np.searchsorted(self.day_index, np.arange(self.n_days))

    @cached_property
    def steps_per_day(self) -> np.ndarray:
        """Number of intervals in each local day (92/96/100 quarter-hours at DST changes)."""
        return np.bincount(self.day_index, minlength=self.n_days)

    @cached_property
    def ordinals(self) -> np.ndarray:
        """Proleptic Gregorian ordinal of each local date of the period."""
        return np.array([d.toordinal() for d in self.dates], dtype=np.int64)

    def daily_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (..., n_steps) over each local day -> (..., n_days)."""
        return np.add.reduceat(values, self.day_starts, axis=-1)


def build_time_grid(start: dt.date, days: int, step_s: int) -> TimeGrid:
    """Time grid of ``days`` local days from ``start`` at ``step_s`` resolution.

    Args:
        start: first local calendar day.
        days: number of local calendar days.
        step_s: interval length in seconds (900 or 3600; must divide one hour).

    Example:
        >>> build_time_grid(dt.date(2026, 10, 25), 1, 900).n_steps
        100
    """
    start_utc, end_utc = period_bounds(start, days)
    utc = pd.date_range(start_utc, end_utc, freq=pd.Timedelta(seconds=step_s), inclusive="left")
    local = utc.tz_convert(LOCAL_TZ_NAME)
    local_hour = (local.hour + local.minute / 60.0).to_numpy(dtype=float)
    local_dates = local.normalize().tz_localize(None)
    first = pd.Timestamp(start)
    day_index = ((local_dates - first) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)
    dates = tuple((first + pd.Timedelta(days=i)).date() for i in range(days))
    holiday_set = polish_holidays(dates[0], dates[-1])
    day_types = np.array(
        [
            SUNDAY_OR_HOLIDAY
            if d.weekday() == 6 or d in holiday_set
            else SATURDAY
            if d.weekday() == 5
            else WORKDAY
            for d in dates
        ],
        dtype=np.int8,
    )
    year_days = np.where(local.is_leap_year, 366.0, 365.0)
    day_of_year = (local.dayofyear.to_numpy() - 1 + local_hour / 24.0) / year_days * 365.0
    return TimeGrid(
        utc=utc,
        step_s=step_s,
        local_hour=local_hour,
        day_index=day_index,
        day_type=day_types[day_index],
        day_of_year=day_of_year,
        month=local.month.to_numpy(),
        dates=dates,
        day_types=day_types,
    )
