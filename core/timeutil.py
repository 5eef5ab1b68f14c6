"""Time conventions: stored in UTC, shown in Europe/Warsaw, intervals labelled by their start."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from core.exceptions import InputError

LOCAL_TZ_NAME = "Europe/Warsaw"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)


def require_aware(value: datetime | pd.Timestamp, field: str) -> pd.Timestamp:
    """Return ``value`` as a UTC ``pd.Timestamp``; naive values are an error.

    Example:
        >>> require_aware(pd.Timestamp("2026-03-29T00:00+01:00"), "start")
        Timestamp('2026-03-28 23:00:00+0000', tz='UTC')
    """
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        raise InputError(
            f"{field}: timestamp {value!s} has no time zone; give an offset or UTC "
            "(e.g. 2026-01-01T00:00+01:00)",
            field=field,
            value=str(value),
        )
    return ts.tz_convert("UTC")


def local_day_start(day: str | datetime | pd.Timestamp) -> pd.Timestamp:
    """Local midnight (Europe/Warsaw) of a calendar day, as an aware timestamp.

    Example:
        >>> local_day_start("2026-10-25")
        Timestamp('2026-10-25 00:00:00+0200', tz='Europe/Warsaw')
    """
    ts = pd.Timestamp(day)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(LOCAL_TZ_NAME).tz_localize(None)
    return ts.normalize().tz_localize(LOCAL_TZ_NAME)
