"""From a table of rows to a regular series: timestamps, zones, duplicates, grid, gaps.

Pure: takes a DataFrame (from a CSV or the store), returns a ``PreparedSeries`` on a regular UTC
grid with NaN in the gaps. Every problem is an error that names the column, the row and what was
expected; see ``forecasting.horizon`` for cutting it into a history and a horizon.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from core.timeutil import LOCAL_TZ_NAME
from forecasting.exceptions import (
    DuplicateTimestampError,
    ForecastInputError,
    IrregularTimestampError,
    NaiveTimestampError,
)

logger = logging.getLogger(__name__)

# an offset after a time of day: "...T00:00Z", "... 00:00:00+01:00", "...T00:00:00.5-0100"
_OFFSET_RE = re.compile(r"[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$")
_OFFSET_RE_GROUP = re.compile(r"(Z|[+-]\d{2}(?::?\d{2})?)$")
_DAY_S = 86_400


class Aggregation(StrEnum):
    """How rows finer than the requested frequency are combined into one step.

    MEAN: power, temperature, flow (instantaneous or average quantities).
    SUM: energy or volume per interval.
    """

    MEAN = "mean"
    SUM = "sum"


@dataclass(frozen=True)
class PreparedSeries:
    """A target and its regressors on a regular UTC grid.

    Attributes:
        y: the target (NaN in gaps and where the file has no value).
        regressors: the regressor columns on the same index (NaN where missing).
        step_s: the grid step in seconds.
        display_tz: the zone to write timestamps in (the file's offset or ``--tz``).
        source: the file or series the data came from, for messages.
        n_gap_steps: grid steps that had no row.
    """

    y: pd.Series
    regressors: pd.DataFrame
    step_s: int
    display_tz: tzinfo
    source: str
    n_gap_steps: int


def zone(name: str, field: str = "tz") -> ZoneInfo:
    """The IANA zone ``name``; an unknown name is an error naming the option."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ForecastInputError(
            f"{field}: {name!r} is not an IANA time zone (e.g. Europe/Warsaw, UTC)",
            field=field,
            value=name,
        ) from err


def parse_step(freq: str, field: str = "freq") -> int:
    """Seconds of a fixed frequency such as ``15min``, ``1h``, ``h``, ``900s`` or ``1D``.

    Example:
        >>> parse_step("15min")
        900
    """
    text = freq.strip()
    normalised = re.sub(r"(?<=\d)T$|^T$", "min", re.sub(r"(?<=\d)H$|^H$", "h", text))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            step_s = pd.Timedelta(to_offset(normalised)).total_seconds()
    except (ValueError, TypeError) as err:
        raise ForecastInputError(
            f"{field}: {freq!r} is not a fixed frequency (e.g. 15min, 1h, 1D)",
            field=field,
            value=freq,
        ) from err
    if step_s <= 0 or step_s > _DAY_S or _DAY_S % step_s:
        raise ForecastInputError(
            f"{field}: {freq!r} must divide a day evenly (e.g. 15min, 30min, 1h, 1D)",
            field=field,
            value=freq,
        )
    return int(step_s)


def _offset_seconds(suffix: str) -> float:
    """Seconds east of UTC of an ISO 8601 offset suffix (``Z``, ``+01``, ``+0100``, ``-01:30``)."""
    if suffix == "Z":
        return 0.0
    sign = -1.0 if suffix[0] == "-" else 1.0
    digits = suffix[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return sign * minutes * 60.0


def _first_row(mask: np.ndarray | pd.Series) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


def _parse_aware(text: pd.Series, field: str) -> pd.Series:
    try:
        return pd.to_datetime(text, utc=True, format="ISO8601")
    except (ValueError, TypeError):
        parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        row = _first_row(parsed.isna())
        raise ForecastInputError(
            f"time column {field!r}: {text.iloc[row]!r} at row {row} is not an ISO 8601 "
            "timestamp (e.g. 2026-01-01T00:00+01:00)",
            field=field,
            value=text.iloc[row],
            row=row,
        ) from None


def _localise(wall: pd.DatetimeIndex, tz: str, field: str) -> pd.DatetimeIndex:
    """Naive local times to UTC; the repeated autumn hour is resolved by its order in the file."""
    probe = wall.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    if not probe.isna().any():
        return probe.tz_convert("UTC")
    either = wall.tz_localize(tz, ambiguous=np.ones(len(wall), dtype=bool), nonexistent="NaT")
    if either.isna().any():
        row = _first_row(either.isna())
        raise ForecastInputError(
            f"time column {field!r}: {wall[row]} at row {row} does not exist in {tz} (the clock "
            "jumps forward at the DST change); give timestamps with an offset",
            field=field,
            value=str(wall[row]),
            row=row,
        )
    try:
        return wall.tz_localize(tz, ambiguous="infer").tz_convert("UTC")
    except Exception as err:  # pytz.AmbiguousTimeError: the file does not repeat the hour
        row = _first_row(probe.isna())
        raise ForecastInputError(
            f"time column {field!r}: {wall[row]} at row {row} is ambiguous in {tz} (the clock "
            "repeats an hour at the DST change) and the file does not show which; give "
            "timestamps with an offset",
            field=field,
            value=str(wall[row]),
            row=row,
        ) from err


def _display_zone(offsets: pd.Series, utc: pd.Series) -> tzinfo:
    unique = offsets.dropna().unique()
    if len(unique) == 1:
        return timezone(timedelta(seconds=int(unique[0])))
    local_offsets = utc.dt.tz_convert(LOCAL_TZ_NAME).map(lambda t: t.utcoffset().total_seconds())
    if np.array_equal(local_offsets.to_numpy(), offsets.to_numpy()):
        return ZoneInfo(LOCAL_TZ_NAME)
    return UTC


def parse_timestamps(column: pd.Series, field: str, tz: str | None) -> tuple[pd.Series, tzinfo]:
    """Timestamps as UTC, and the zone to show results in.

    Aware values (ISO 8601 with an offset, or an aware dtype) are taken as they are; ``tz``
    then only sets the display zone. Naive values need ``tz``: they are read as local times of
    that zone (DST gaps are an error; the repeated autumn hour is resolved by file order).

    Raises:
        NaiveTimestampError: naive timestamps and no ``tz``.
        ForecastInputError: a missing or unparseable timestamp, naive mixed with aware.
    """
    column = column.reset_index(drop=True)
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        utc = column.dt.tz_convert("UTC")
        return utc, zone(tz) if tz else column.dt.tz
    missing = column.isna() | column.astype(str).str.strip().eq("")
    if missing.any():
        row = _first_row(missing)
        raise ForecastInputError(
            f"time column {field!r}: missing timestamp at row {row}", field=field, row=row
        )
    text = column.astype(str).str.strip()
    aware = text.str.contains(_OFFSET_RE)
    if aware.all():
        utc = _parse_aware(text, field)
        suffix = text.str.extract(_OFFSET_RE_GROUP, expand=False)
        seconds = {v: _offset_seconds(v) for v in suffix.unique()}
        offsets = suffix.map(seconds)
        return utc, zone(tz) if tz else _display_zone(offsets, utc)
    if aware.any():
        row = _first_row(~aware)
        try:
            pd.Timestamp(text.iloc[row])
        except ValueError:
            raise ForecastInputError(
                f"time column {field!r}: {text.iloc[row]!r} at row {row} is not an ISO 8601 "
                "timestamp (e.g. 2026-01-01T00:00+01:00)",
                field=field,
                value=text.iloc[row],
                row=row,
            ) from None
        raise ForecastInputError(
            f"time column {field!r}: {text.iloc[row]!r} at row {row} has no offset while other "
            "rows have one; use one convention for the whole column",
            field=field,
            value=text.iloc[row],
            row=row,
        )
    if tz is None:
        raise NaiveTimestampError(
            f"time column {field!r}: timestamps have no time zone (row 0: {text.iloc[0]}); pass "
            "--tz ZONE (e.g. --tz Europe/Warsaw) to read them as local time, or give offsets",
            field=field,
            value=text.iloc[0],
            row=0,
        )
    zone(tz)
    try:
        wall = pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601"))
    except (ValueError, TypeError):
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        row = _first_row(parsed.isna())
        raise ForecastInputError(
            f"time column {field!r}: {text.iloc[row]!r} at row {row} is not a timestamp",
            field=field,
            value=text.iloc[row],
            row=row,
        ) from None
    return pd.Series(_localise(wall, tz, field)), zone(tz)


def _numeric(column: pd.Series, field: str) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna() & column.notna() & column.astype(str).str.strip().ne("")
    if bad.any():
        row = _first_row(bad)
        raise ForecastInputError(
            f"column {field!r}: {column.iloc[row]!r} at row {row} is not a number",
            field=field,
            value=column.iloc[row],
            row=row,
        )
    out = values.to_numpy(dtype=float)
    out[~np.isfinite(out)] = np.nan
    return out


def _check_duplicates(utc: pd.Series, field: str) -> None:
    dup = utc.duplicated(keep=False)
    if dup.any():
        first = utc[dup].iloc[0]
        rows = np.flatnonzero((utc == first).to_numpy())
        n = int(utc.duplicated().sum())
        raise DuplicateTimestampError(
            f"time column {field!r}: {n} duplicate timestamp(s), first {first.isoformat()} at "
            f"rows {', '.join(str(r) for r in rows[:4])}; each instant must appear once "
            "(aggregate or remove the duplicates)",
            field=field,
            timestamps=[t.isoformat() for t in utc[dup].drop_duplicates().iloc[:5]],
            row=int(rows[1]),
        )


def _infer_step(utc: pd.Series) -> int:
    diffs = np.diff(np.sort(utc.to_numpy(dtype="datetime64[s]").astype("int64")))
    diffs = diffs[diffs > 0]
    if len(diffs) == 0:
        raise ForecastInputError("the series has a single timestamp; no frequency", field="freq")
    values, counts = np.unique(diffs, return_counts=True)
    return int(values[np.argmax(counts)])


def prepare_frame(
    frame: pd.DataFrame,
    *,
    time_col: str,
    target: str,
    regressors: tuple[str, ...] = (),
    tz: str | None = None,
    freq: str | None = None,
    resample: Aggregation | None = None,
    cumulative: bool = False,
    source: str = "",
) -> PreparedSeries:
    """Validate a table and put its target and regressors on a regular UTC grid.

    Args:
        frame: one row per timestamp.
        time_col: the timestamp column (ISO 8601 with offsets; naive needs ``tz``).
        target: the column to forecast.
        regressors: known-in-advance driver columns.
        tz: the zone of naive timestamps; with aware ones, the zone results are shown in.
        freq: the grid step (``15min``, ``1h``); inferred (most common spacing) when None.
        resample: how to combine rows finer than ``freq``; None makes them an error.
        cumulative: the target is a register that only grows (a meter index); it is turned
            into the consumption of each step, labelled by the step's start. A decrease (a
            meter change) leaves that step missing.
        source: the file name, for messages.

    Raises:
        ForecastInputError: a missing column, bad timestamps or values, off-grid rows.
        DuplicateTimestampError: an instant that appears twice.
    """
    wanted = [time_col, target, *regressors]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise ForecastInputError(
            f"{source or 'input'}: no column {missing[0]!r}; columns are "
            f"{', '.join(map(str, frame.columns))}",
            field=missing[0],
        )
    if target in regressors or time_col in (target, *regressors):
        raise ForecastInputError(
            f"{target!r}: the target, the time column and the regressors must differ",
            field="regressors",
            value=target,
        )
    if frame.empty:
        raise ForecastInputError(f"{source or 'input'}: no rows", field=target)
    utc, display_tz = parse_timestamps(frame[time_col], time_col, tz)
    values = pd.DataFrame(
        {c: _numeric(frame[c].reset_index(drop=True), c) for c in (target, *regressors)}
    )
    values.index = pd.DatetimeIndex(utc).as_unit("ns")
    if resample is None:
        _check_duplicates(utc, time_col)
    step_s = parse_step(freq) if freq else _infer_step(utc)
    epoch_s = values.index.asi8 // 1_000_000_000
    off_grid = (epoch_s - epoch_s.min()) % step_s != 0
    if resample is not None:
        values.index = values.index.floor(f"{step_s}s")
        grouped = values.groupby(level=0)
        values = grouped.sum(min_count=1) if resample is Aggregation.SUM else grouped.mean()
    elif off_grid.any():
        row = _first_row(off_grid)
        raise IrregularTimestampError(
            f"time column {time_col!r}: {utc.iloc[row].isoformat()} at row {row} is not on the "
            f"{step_s} s grid of the series; give --freq, or --resample mean|sum to aggregate",
            field=time_col,
            value=utc.iloc[row].isoformat(),
            row=row,
        )
    values = values.sort_index()
    grid = pd.date_range(values.index[0], values.index[-1], freq=f"{step_s}s", name="timestamp")
    n_gap_steps = len(grid) - len(values.index)
    values = values.reindex(grid)
    if cumulative:
        delta = values[target].shift(-1) - values[target]
        n_negative = int((delta < 0).sum())
        if n_negative:
            logger.warning(
                "%s: the register %r decreases at %d step(s); those steps are left missing",
                source,
                target,
                n_negative,
            )
        values[target] = delta.where(delta >= 0)
    if n_gap_steps:
        logger.info("%s: %d missing step(s) on the %d s grid", source, n_gap_steps, step_s)
    return PreparedSeries(
        y=values[target].rename(target),
        regressors=values[list(regressors)],
        step_s=step_s,
        display_tz=display_tz,
        source=source,
        n_gap_steps=n_gap_steps,
    )
