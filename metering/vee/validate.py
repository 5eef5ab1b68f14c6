"""Validation of a meter's readings (pure: frames in, frames and findings out).

Frames have columns ``ts`` (aware), ``value`` and ``quality`` (a ``Quality`` value) and
optionally ``reason``, one meter, sorted by time. Functions return new frames; a value is
never changed by validation, only its quality and reason (the original quality is kept in
``original_quality`` the first time a row is flagged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from core.enums import Quality

VEE = "vee"  # who changes a flag when no person does


@dataclass(frozen=True)
class Finding:
    """Something validation found over a time span."""

    kind: str  # "gap", "flat_line"
    start: datetime
    end: datetime
    detail: str


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "reason" not in out.columns:
        out["reason"] = None
    out["reason"] = out["reason"].astype(object)
    if "original_quality" not in out.columns:
        out["original_quality"] = None
    out["ts"] = pd.to_datetime(out["ts"], utc=True)
    return out.sort_values("ts", kind="stable").reset_index(drop=True)


def _flag(out: pd.DataFrame, mask: np.ndarray | pd.Series, reasons: pd.Series | str) -> None:
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return
    first = mask & out["original_quality"].isna().to_numpy()
    out.loc[first, "original_quality"] = out.loc[first, "quality"]
    out.loc[mask, "quality"] = Quality.INVALID.value
    if isinstance(reasons, str):
        out.loc[mask, "reason"] = f"{VEE}: {reasons}"
    else:
        out.loc[mask, "reason"] = (f"{VEE}: " + reasons[mask]).to_numpy()


def register_events(
    frame: pd.DataFrame, register_span: float | None, max_rate_per_h: float | None = None
) -> pd.DataFrame:
    """Find the falls of a cumulative register and number its register series.

    A fall is a rollover when adding the register's span (2^bits x scale) explains it within
    ``max_rate_per_h``; any other fall is a reset (a meter replacement): a new series starts.

    Returns:
        The frame with ``event`` (``rollover``/``reset``/None), ``series`` (0, 1, ...) and
        ``unwrapped``: the value plus the spans of the rollovers before it (within a series).
        Invalid rows are carried along but take part in nothing.
    """
    out = _prepare(frame)
    out["event"] = None
    out["series"] = 0
    out["unwrapped"] = np.nan
    valid = (out["quality"] != Quality.INVALID.value) & out["value"].notna()
    series, wraps = 0, 0.0
    prev_v, prev_t = None, None
    for i in np.flatnonzero(valid.to_numpy()):
        v, t = float(out.at[i, "value"]), out.at[i, "ts"]
        if prev_v is not None and v < prev_v:
            wrapped = v - prev_v + register_span if register_span else None
            dt_h = max((t - prev_t).total_seconds(), 1.0) / 3600.0
            ok = wrapped is not None and wrapped >= 0
            if ok and max_rate_per_h is not None:
                ok = wrapped <= max_rate_per_h * dt_h * 1.5
            if ok:
                wraps += float(register_span or 0.0)
                out.at[i, "event"] = "rollover"
            else:
                series, wraps = series + 1, 0.0
                out.at[i, "event"] = "reset"
        out.at[i, "series"] = series
        out.at[i, "unwrapped"] = v + wraps
        prev_v, prev_t = v, t
    return out


def flag_implausible(
    frame: pd.DataFrame, min_value: float | None = None, max_value: float | None = None
) -> pd.DataFrame:
    """Flag values outside [min_value, max_value] invalid (limits by meter type and size)."""
    out = _prepare(frame)
    v = out["value"]
    measured = out["quality"] != Quality.INVALID.value
    if min_value is not None:
        low = measured & (v < min_value)
        _flag(out, low, v.map(lambda x: f"implausible: {x:.6g} below {min_value:g}"))
    if max_value is not None:
        high = measured & (v > max_value)
        _flag(out, high, v.map(lambda x: f"implausible: {x:.6g} above {max_value:g}"))
    return out


def flag_spikes(
    intervals: pd.DataFrame, *, window: int = 96, factor: float = 8.0, floor: float = 0.0
) -> pd.DataFrame:
    """Flag interval consumption far above the meter's own recent level (a spike).

    A value is a spike when it exceeds ``factor`` times the rolling median of the ``window``
    values around it plus ``floor`` (a floor keeps near-zero baselines from flagging noise),
    or when it is negative.
    """
    out = _prepare(intervals)
    valid = out["quality"] != Quality.INVALID.value
    v = out["value"].where(valid)
    median = v.rolling(window, center=True, min_periods=max(3, window // 4)).median()
    spike = valid & (v > factor * median.fillna(np.inf) + floor)
    negative = valid & (v < 0)
    _flag(out, spike, v.map(lambda x: f"spike: {x:.6g} above {factor:g} x the rolling median"))
    _flag(out, negative, "negative consumption")
    return out


def find_flat_lines(
    frame: pd.DataFrame, min_duration_s: float, *, tolerance: float = 0.0
) -> list[Finding]:
    """Spans of at least ``min_duration_s`` where a cumulative register did not move.

    Call it for meters where consumption is expected (a household's electricity, a heated
    building in winter): a register that stands still there is a stuck meter or a bypass.
    """
    out = _prepare(frame)
    out = out[(out["quality"] != Quality.INVALID.value) & out["value"].notna()].reset_index(
        drop=True
    )
    findings: list[Finding] = []
    if len(out) < 2:
        return findings
    start = 0
    values, stamps = out["value"].to_numpy(), out["ts"]
    for i in range(1, len(out) + 1):
        if i == len(out) or abs(values[i] - values[start]) > tolerance:
            span = (stamps[i - 1] - stamps[start]).total_seconds()
            if span >= min_duration_s:
                findings.append(
                    Finding(
                        "flat_line",
                        stamps[start].to_pydatetime(),
                        stamps[i - 1].to_pydatetime(),
                        f"register stayed at {values[start]:.6g} for {span / 3600:.1f} h",
                    )
                )
            start = i
    return findings


def find_gaps(
    frame: pd.DataFrame, interval_s: int, start: datetime | None = None, end: datetime | None = None
) -> list[Finding]:
    """Missing or invalid readings on the meter's interval grid within [start, end)."""
    out = _prepare(frame)
    good = out.loc[(out["quality"] != Quality.INVALID.value) & out["value"].notna(), "ts"]
    lo = pd.Timestamp(start) if start is not None else (good.min() if len(good) else None)
    hi = (
        pd.Timestamp(end)
        if end is not None
        else (good.max() + pd.Timedelta(seconds=interval_s) if len(good) else None)
    )
    if lo is None or hi is None:
        return []
    grid = pd.date_range(lo.ceil(f"{interval_s}s"), hi, freq=f"{interval_s}s", inclusive="left")
    missing = grid.difference(pd.DatetimeIndex(good))
    findings: list[Finding] = []
    if missing.empty:
        return findings
    run_start = prev = missing[0]
    for ts in [*missing[1:], None]:
        if ts is not None and (ts - prev).total_seconds() == interval_s:
            prev = ts
            continue
        n = int((prev - run_start).total_seconds() // interval_s) + 1
        findings.append(
            Finding(
                "gap",
                run_start.to_pydatetime(),
                (prev + pd.Timedelta(seconds=interval_s)).to_pydatetime(),
                f"{n} reading(s) missing",
            )
        )
        if ts is not None:
            run_start = prev = ts
    return findings
