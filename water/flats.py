"""Leaks in flats from customer water meters: continuous flow and sudden jumps.

A household draws water in events (a flush, a shower), so its meter shows hours without
consumption every night. A running cistern or a dripping tap never stops: no hour without
consumption for 24 hours or more is a continuous-flow alert, its lowest hourly volume in the
run the leak's flow. A day's consumption far above the household's recent normal is a sudden
jump (a burst hose, a tap left open). Missing hours break a run: a gap is not consumption.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from core.timeutil import LOCAL_TZ_NAME

CONTINUOUS_MIN_HOURS = 24
ZERO_M3 = 0.0005  # below half a litre an hour counts as no consumption (register resolution)
JUMP_RATIO = 3.0  # a day above 3x the trailing median ...
JUMP_MIN_EXTRA_M3 = 0.3  # ... and at least 300 L more
JUMP_HISTORY_DAYS = 14


class FlatAlertKind(StrEnum):
    """Why a flat's meter raised an alert."""

    CONTINUOUS_FLOW = "continuous_flow"
    SUDDEN_JUMP = "sudden_jump"


@dataclass(frozen=True)
class FlatAlert:
    """An alert for the resident portal.

    Attributes:
        meter_id: the flat's water meter.
        kind: continuous flow or sudden jump.
        start, end: the run of continuous flow, or the day of the jump (aware, UTC).
        flow_l_per_h: the smallest hourly flow in the run (the leak), or the day's excess
            over normal spread over 24 h.
        hours: length of the run.
        ongoing: the run lasts to the end of the data.
    """

    meter_id: int
    kind: FlatAlertKind
    start: pd.Timestamp
    end: pd.Timestamp
    flow_l_per_h: float
    hours: int
    ongoing: bool

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["kind"] = self.kind.value
        out["start"] = self.start.isoformat()
        out["end"] = self.end.isoformat()
        out["flow_l_per_h"] = round(self.flow_l_per_h, 2)
        return out


def continuous_flow(
    meter_id: int, hourly_m3: pd.Series, min_hours: int = CONTINUOUS_MIN_HOURS
) -> list[FlatAlert]:
    """Runs of at least ``min_hours`` hours, each with consumption (hourly volumes in m³)."""
    series = hourly_m3.sort_index()
    if series.empty:
        return []
    full = series.reindex(pd.date_range(series.index[0], series.index[-1], freq="1h"))
    flowing = (full > ZERO_M3).to_numpy()
    alerts = []
    start = None
    for i, on in enumerate(np.append(flowing, False)):
        if on and start is None:
            start = i
        elif not on and start is not None:
            length = i - start
            if length >= min_hours:
                run = full.iloc[start:i]
                alerts.append(
                    FlatAlert(
                        meter_id=meter_id,
                        kind=FlatAlertKind.CONTINUOUS_FLOW,
                        start=run.index[0].tz_convert("UTC"),
                        end=(run.index[-1] + pd.Timedelta(hours=1)).tz_convert("UTC"),
                        flow_l_per_h=float(run.min() * 1000.0),
                        hours=length,
                        ongoing=i == len(flowing),
                    )
                )
            start = None
    return alerts


def sudden_jumps(meter_id: int, hourly_m3: pd.Series, tz: str = LOCAL_TZ_NAME) -> list[FlatAlert]:
    """Days whose consumption is far above the trailing median of the household."""
    local = hourly_m3.tz_convert(tz)
    daily = local.groupby(local.index.normalize()).sum(min_count=20)
    normal = daily.shift(1).rolling(JUMP_HISTORY_DAYS, min_periods=7).median()
    jump = (daily > JUMP_RATIO * normal) & (daily - normal > JUMP_MIN_EXTRA_M3)
    alerts = []
    for day in daily.index[jump.fillna(False).to_numpy()]:
        extra = float(daily[day] - normal[day])
        alerts.append(
            FlatAlert(
                meter_id=meter_id,
                kind=FlatAlertKind.SUDDEN_JUMP,
                start=day.tz_convert("UTC"),
                end=(day + pd.Timedelta(days=1)).tz_convert("UTC"),
                flow_l_per_h=extra * 1000.0 / 24.0,
                hours=24,
                ongoing=False,
            )
        )
    return alerts


def flat_alerts(readings: pd.DataFrame) -> list[FlatAlert]:
    """Alerts of many meters from hourly readings (columns meter_id, ts, value in m³)."""
    alerts: list[FlatAlert] = []
    for meter_id, rows in readings.groupby("meter_id"):
        series = pd.Series(rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["ts"]))
        alerts += continuous_flow(int(meter_id), series)
        alerts += sudden_jumps(int(meter_id), series)
    return sorted(alerts, key=lambda a: (a.meter_id, a.start))
