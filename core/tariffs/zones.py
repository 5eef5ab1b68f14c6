"""Time zones of the Polish household tariffs G11, G12 and G12w.

Zone hours are those of PGE Dystrybucja, the DSO assumed for Kielce (REF §2c and caveats 4-5,
github.com/wachcio/cheap-electricity-tariff):

- G11: one zone, all day.
- G12: off-peak 00-06, 13-15 and 22-24 every day; peak otherwise.
- G12w: as G12, plus all of Saturday, Sunday and public holidays (the ``holidays`` package's
  Polish calendar: the statutory days off).

The zone of an interval is the zone of its start, read on the local (Europe/Warsaw) clock, so
a quarter-hour labelled 05:45 is off-peak and one labelled 06:00 is peak; the DST days (23 and
25 hours) need no special case.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from core.enums import Tariff
from core.exceptions import InputError
from core.timeutil import LOCAL_TZ_NAME

HOUSEHOLD_TARIFFS = (Tariff.G11, Tariff.G12, Tariff.G12W)
# Off-peak hours [start, end) of G12 and G12w on working days (REF §2c, PGE).
G12_OFF_PEAK_HOURS: tuple[tuple[int, int], ...] = ((0, 6), (13, 15), (22, 24))


class Zone(StrEnum):
    """A tariff zone."""

    ALL_DAY = "all_day"  # G11
    PEAK = "peak"  # strefa szczytowa (dzienna)
    OFF_PEAK = "off_peak"  # strefa pozaszczytowa (nocna)


def zones_of(tariff: Tariff) -> tuple[Zone, ...]:
    """The zones a tariff bills."""
    check_household(tariff)
    return (Zone.ALL_DAY,) if tariff is Tariff.G11 else (Zone.PEAK, Zone.OFF_PEAK)


def check_household(tariff: Tariff) -> Tariff:
    """Return ``tariff`` if it is G11, G12 or G12w; InputError otherwise."""
    tariff = Tariff(tariff)
    if tariff not in HOUSEHOLD_TARIFFS:
        raise InputError(
            f"tariff: {tariff.value} is not a household tariff (G11, G12, G12w)",
            field="tariff",
            value=tariff.value,
        )
    return tariff


@lru_cache(maxsize=64)
def _holidays_of_year(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Poland(years=year).keys())


def is_public_holiday(days: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """Whether each local date is a Polish public holiday (statutory day off)."""
    index = pd.DatetimeIndex(days)
    out = np.zeros(len(index), dtype=bool)
    for year in np.unique(index.year):
        calendar = _holidays_of_year(int(year))
        in_year = index.year == year
        out[in_year] = [d in calendar for d in index[in_year].date]
    return out


def zone_labels(starts: pd.DatetimeIndex, tariff: Tariff) -> np.ndarray:
    """The zone of each interval, by its start on the local clock.

    Args:
        starts: aware interval starts (any time zone; read in Europe/Warsaw).
        tariff: G11, G12 or G12w.

    Returns:
        An array of ``Zone`` values, one per interval.

    Example:
        >>> idx = pd.DatetimeIndex(["2026-01-06T12:00+01:00", "2026-01-07T12:00+01:00"])
        >>> [str(z) for z in zone_labels(idx, Tariff.G12W)]  # 6 January is Epiphany
        ['off_peak', 'peak']
    """
    tariff = check_household(tariff)
    if starts.tz is None:
        raise InputError("interval starts have no time zone", field="ts")
    if tariff is Tariff.G11:
        return np.full(len(starts), Zone.ALL_DAY, dtype=object)
    local = starts.tz_convert(LOCAL_TZ_NAME)
    hour = local.hour.to_numpy()
    off = np.zeros(len(local), dtype=bool)
    for lo, hi in G12_OFF_PEAK_HOURS:
        off |= (hour >= lo) & (hour < hi)
    if tariff is Tariff.G12W:
        off |= local.dayofweek.to_numpy() >= 5
        off |= is_public_holiday(local.normalize().tz_localize(None))
    return np.where(off, Zone.OFF_PEAK, Zone.PEAK).astype(object)
