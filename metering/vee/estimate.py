"""Interval consumption from cumulative registers; estimation of gaps; editing.

Every estimated or edited value says who or what made it (``vee.linear``, ``vee.profile``,
``user:<name>``) in ``reason`` and keeps what was there before in ``original_value`` and
``original_quality``; the store keeps a device's value in ``raw_value`` when it is replaced.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from core.enums import Quality
from core.timeutil import LOCAL_TZ_NAME
from metering.vee.validate import register_events

_M, _E, _I = Quality.MEASURED.value, Quality.ESTIMATED.value, Quality.INVALID.value


def interval_consumption(
    cumulative: pd.DataFrame,
    interval_s: int,
    start: datetime,
    end: datetime,
    *,
    register_span: float | None = None,
    max_rate_per_h: float | None = None,
    max_interpolation_s: float = 3 * 3600,
) -> pd.DataFrame:
    """Consumption per interval in [start, end) derived from a cumulative register.

    The register's value at each interval boundary is a reading at that instant, or a linear
    interpolation between the readings around it when they are at most
    ``max_interpolation_s`` apart and in the same register series (short gaps); rollovers are
    unwrapped; across a reset (meter replacement) the consumption is unknown. Intervals whose
    boundaries are unknown get no value (NaN) and quality ``invalid``: long gaps for
    ``estimate_from_profile``.

    Returns:
        Columns ts (interval start, UTC), value, quality (``measured`` when both boundaries
        were read exactly, else ``estimated``), reason.
    """
    events = register_events(cumulative, register_span, max_rate_per_h)
    good = events[(events["quality"] != _I) & events["value"].notna()]
    grid = pd.date_range(
        pd.Timestamp(start).tz_convert("UTC"),
        pd.Timestamp(end).tz_convert("UTC"),
        freq=f"{interval_s}s",
    )
    t_read = good["ts"].to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
    unwrapped = good["unwrapped"].to_numpy(dtype=float)
    series = good["series"].to_numpy()
    t_grid = grid.to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
    values = np.full(len(grid), np.nan)
    exact = np.zeros(len(grid), dtype=bool)
    ser = np.full(len(grid), -1)
    for k, t in enumerate(t_grid):
        j = np.searchsorted(t_read, t)
        if j < len(t_read) and t_read[j] == t:
            values[k], exact[k], ser[k] = unwrapped[j], True, series[j]
        elif (
            0 < j < len(t_read)
            and series[j - 1] == series[j]
            and t_read[j] - t_read[j - 1] <= max_interpolation_s
        ):
            w = (t - t_read[j - 1]) / (t_read[j] - t_read[j - 1])
            values[k] = unwrapped[j - 1] + w * (unwrapped[j] - unwrapped[j - 1])
            ser[k] = series[j]
    delta = values[1:] - values[:-1]
    same = (ser[1:] == ser[:-1]) & (ser[1:] >= 0)
    delta = np.where(same, delta, np.nan)
    both_exact = exact[1:] & exact[:-1]
    quality = np.where(np.isnan(delta), _I, np.where(both_exact, _M, _E))
    reason = np.where(
        np.isnan(delta),
        "vee: register unknown at a boundary (gap or reset)",
        np.where(both_exact, None, "vee.linear: register interpolated at a boundary"),
    )
    return pd.DataFrame({"ts": grid[:-1], "value": delta, "quality": quality, "reason": reason})


def estimate_short_gaps(
    cumulative: pd.DataFrame, interval_s: int, max_gap_s: float
) -> pd.DataFrame:
    """Register values at the missing interval boundaries of short gaps, linear in time.

    Returns only the new rows: ts, value, quality ``estimated``, reason naming the method and
    the two readings it used. A gap longer than ``max_gap_s`` or across a reset gets none.
    """
    events = register_events(cumulative, None)
    good = events[(events["quality"] != _I) & events["value"].notna()].reset_index(drop=True)
    rows = []
    for i in range(1, len(good)):
        a, b = good.iloc[i - 1], good.iloc[i]
        span = (b["ts"] - a["ts"]).total_seconds()
        if span <= interval_s or span > max_gap_s or a["series"] != b["series"]:
            continue
        t = a["ts"].floor(f"{interval_s}s") + pd.Timedelta(seconds=interval_s)
        while t < b["ts"]:
            w = (t - a["ts"]).total_seconds() / span
            rows.append(
                (
                    t,
                    a["value"] + w * (b["value"] - a["value"]),
                    _E,
                    f"vee.linear: between {a['ts']:%Y-%m-%dT%H:%MZ} ({a['value']:.6g}) and "
                    f"{b['ts']:%Y-%m-%dT%H:%MZ} ({b['value']:.6g})",
                )
            )
            t += pd.Timedelta(seconds=interval_s)
    return pd.DataFrame(rows, columns=["ts", "value", "quality", "reason"])


def premise_profile(intervals: pd.DataFrame) -> pd.DataFrame:
    """The premise's own typical consumption by local day type and time of day.

    Day types: workday, Saturday, Sunday (local calendar, Europe/Warsaw). Only intervals not
    flagged invalid count. Returns columns day_type, slot (minutes after local midnight), value.
    """
    good = intervals[(intervals["quality"] != _I) & intervals["value"].notna()]
    local = pd.DatetimeIndex(good["ts"]).tz_convert(LOCAL_TZ_NAME)
    frame = pd.DataFrame(
        {
            "day_type": np.select([local.dayofweek == 5, local.dayofweek == 6], [1, 2], 0),
            "slot": local.hour * 60 + local.minute,
            "value": good["value"].to_numpy(),
        }
    )
    return frame.groupby(["day_type", "slot"], as_index=False)["value"].mean()


def estimate_from_profile(
    intervals: pd.DataFrame,
    profile: pd.DataFrame,
    *,
    totals: dict[tuple[datetime, datetime], float] | None = None,
) -> pd.DataFrame:
    """Fill intervals without a value from the premise's own profile.

    Args:
        intervals: interval consumption (``interval_consumption``), NaN where unknown.
        profile: ``premise_profile`` of the same meter.
        totals: (gap start, gap end) -> consumption the register says the gap held (the
            register difference across it); the gap's estimates are scaled to match, so the
            estimates never invent or lose energy.

    Returns:
        The intervals with the gaps filled: quality ``estimated``, reason ``vee.profile``,
        ``original_value``/``original_quality`` keeping what was there.
    """
    out = intervals.copy().reset_index(drop=True)
    for column in ("original_value", "original_quality"):
        if column not in out.columns:
            out[column] = None if column == "original_quality" else np.nan
    out["reason"] = out["reason"].astype(object)
    missing = out["value"].isna().to_numpy()
    if not missing.any() or profile.empty:
        return out
    local = pd.DatetimeIndex(out["ts"]).tz_convert(LOCAL_TZ_NAME)
    keys = pd.DataFrame(
        {
            "day_type": np.select([local.dayofweek == 5, local.dayofweek == 6], [1, 2], 0),
            "slot": local.hour * 60 + local.minute,
        }
    )
    typical = keys.merge(profile, on=["day_type", "slot"], how="left")["value"].to_numpy()
    fallback = float(profile["value"].mean())
    typical = np.where(np.isnan(typical), fallback, typical)
    estimate = typical.copy()
    note = np.array(["vee.profile: premise's own day-type profile"] * len(out), dtype=object)
    for (g_start, g_end), total in (totals or {}).items():
        in_gap = (
            missing
            & (out["ts"] >= pd.Timestamp(g_start)).to_numpy()
            & (out["ts"] < pd.Timestamp(g_end)).to_numpy()
        )
        base = typical[in_gap].sum()
        if in_gap.any():
            estimate[in_gap] = (
                typical[in_gap] * (total / base) if base > 0 else total / in_gap.sum()
            )
            note[in_gap] = (
                f"vee.profile: premise profile scaled to the register's {total:.6g} over the gap"
            )
    out.loc[missing, "original_quality"] = out.loc[missing, "quality"]
    out.loc[missing, "original_value"] = out.loc[missing, "value"]
    out.loc[missing, "value"] = estimate[missing]
    out.loc[missing, "quality"] = _E
    out.loc[missing, "reason"] = note[missing]
    return out


def edit_value(
    frame: pd.DataFrame, ts: datetime, value: float, *, by: str, why: str
) -> pd.DataFrame:
    """Replace the value at ``ts`` by hand: quality ``edited``, the original kept, who and why.

    Raises:
        KeyError: there is no row at ``ts``.
    """
    out = frame.copy().reset_index(drop=True)
    for column in ("original_value", "original_quality"):
        if column not in out.columns:
            out[column] = None if column == "original_quality" else np.nan
    out["reason"] = out.get("reason", pd.Series([None] * len(out))).astype(object)
    hit = (pd.to_datetime(out["ts"], utc=True) == pd.Timestamp(ts).tz_convert("UTC")).to_numpy()
    if not hit.any():
        raise KeyError(f"no reading at {ts}")
    first = hit & out["original_quality"].isna().to_numpy()
    out.loc[first, "original_value"] = out.loc[first, "value"]
    out.loc[first, "original_quality"] = out.loc[first, "quality"]
    out.loc[hit, "value"] = value
    out.loc[hit, "quality"] = Quality.EDITED.value
    out.loc[hit, "reason"] = f"edited by {by}: {why}"[:200]
    return out
