"""Evaluate scenario series on a time index, refusing wrong lengths and gaps.

Given values (``values``, ``csv``) are checked against the index: ``values`` must have one value
per horizon step; a CSV must cover the index with no missing timestamp and no empty value. A
CSV finer than the index is averaged; a coarser one is held constant within its interval.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from energy_cluster.config_series import (
    ConstantSeries,
    CsvSeries,
    DegreeDaySeries,
    ProfileSeries,
    SeriesSpec,
    SolarSeries,
    ValuesSeries,
    WindSeries,
)
from energy_cluster.exceptions import ScenarioError
from energy_cluster.profiles import (
    degree_day_heat,
    profile_values,
    solar_capacity_factor,
    wind_capacity_factor,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeriesContext:
    """Where a series comes from, for reading relative files and naming errors.

    Attributes:
        file: the scenario file.
        base_dir: folder that relative CSV paths are read from.
        horizon_index: the scenario horizon's interval starts (UTC); ``values`` align to it.
    """

    file: str
    base_dir: Path
    horizon_index: pd.DatetimeIndex


def evaluate_series(
    name: str, spec: SeriesSpec, index: pd.DatetimeIndex, ctx: SeriesContext
) -> np.ndarray:
    """The series ``name`` at the interval starts ``index`` (UTC, regular).

    Raises:
        ScenarioError: wrong length, gaps, an unreadable CSV, or a range the series does not cover.
    """
    step_h = _step_h(index)
    field = f"series.{name}"
    try:
        if isinstance(spec, ValuesSeries):
            return _given_values(name, spec, index, ctx)
        if isinstance(spec, CsvSeries):
            return _csv_values(name, spec, index, ctx)
        if isinstance(spec, ConstantSeries):
            return np.full(len(index), spec.constant, dtype=float)
        if isinstance(spec, ProfileSeries):
            return profile_values(spec.profile, index)
        if isinstance(spec, SolarSeries):
            return solar_capacity_factor(spec.solar, index, step_h)
        if isinstance(spec, WindSeries):
            return wind_capacity_factor(spec.wind, index)
        if isinstance(spec, DegreeDaySeries):
            return degree_day_heat(spec.degree_days, index)
    except ValueError as err:
        raise ScenarioError(str(err), file=ctx.file, unit=name, kind="series", field=field) from err
    raise ScenarioError(
        f"unsupported series form {type(spec).__name__}", file=ctx.file, field=field
    )


def _step_h(index: pd.DatetimeIndex) -> float:
    if len(index) < 2:
        return 1.0
    return (index[1] - index[0]) / pd.Timedelta(hours=1)


def _given_values(
    name: str, spec: ValuesSeries, index: pd.DatetimeIndex, ctx: SeriesContext
) -> np.ndarray:
    horizon = ctx.horizon_index
    field = f"series.{name}.values"
    if len(spec.values) != len(horizon):
        raise ScenarioError(
            f"has {len(spec.values)} values; the horizon has {len(horizon)} steps "
            f"(from {horizon[0].isoformat()} every {_step_h(horizon) * 60:g} min)",
            file=ctx.file,
            unit=name,
            kind="series",
            field=field,
            value=len(spec.values),
        )
    for position, value in enumerate(spec.values):
        if value is None or not np.isfinite(value):
            raise ScenarioError(
                f"gap at position {position} ({horizon[position].isoformat()}): no value",
                file=ctx.file,
                unit=name,
                kind="series",
                field=f"{field}[{position}]",
            )
    series = pd.Series(np.asarray(spec.values, dtype=float), index=horizon)
    return _align(name, series, index, ctx.file, field)


def _csv_values(
    name: str, spec: CsvSeries, index: pd.DatetimeIndex, ctx: SeriesContext
) -> np.ndarray:
    path = Path(spec.csv)
    if not path.is_absolute():
        path = ctx.base_dir / path
    field = f"series.{name}.csv"
    try:
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ScenarioError(
            f"cannot read {path}: {err}", file=ctx.file, unit=name, kind="series", field=field
        ) from err
    for column in (spec.time_column, spec.column):
        if column not in frame.columns:
            raise ScenarioError(
                f"{path} has no column {column!r} (columns: {', '.join(map(str, frame.columns))})",
                file=ctx.file,
                unit=name,
                kind="series",
                field=field,
            )
    try:
        stamps = pd.to_datetime(frame[spec.time_column], utc=False, format="ISO8601")
    except (ValueError, TypeError) as err:
        raise ScenarioError(
            f"{path}: column {spec.time_column!r} holds values that are not timestamps: {err}",
            file=ctx.file,
            unit=name,
            kind="series",
            field=field,
        ) from err
    if getattr(stamps.dt, "tz", None) is None:
        raise ScenarioError(
            f"{path}: timestamps have no time zone; give an offset or Z",
            file=ctx.file,
            unit=name,
            kind="series",
            field=field,
        )
    values = pd.to_numeric(frame[spec.column], errors="coerce")
    empty = np.flatnonzero(values.isna().to_numpy())
    if len(empty):
        row = int(empty[0])
        raise ScenarioError(
            f"{path}: gap at row {row + 2} ({stamps.iloc[row]}): empty or non-numeric value",
            file=ctx.file,
            unit=name,
            kind="series",
            field=field,
        )
    series = pd.Series(
        values.to_numpy(dtype=float), index=pd.DatetimeIndex(stamps).tz_convert("UTC")
    )
    series = series.sort_index()
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()][0]
        raise ScenarioError(
            f"{path}: timestamp {dup.isoformat()} appears twice",
            file=ctx.file,
            unit=name,
            kind="series",
            field=field,
        )
    if len(series) > 1:
        steps = np.diff(series.index.asi8)
        regular = steps.min()
        if (steps != regular).any():
            at = series.index[int(np.flatnonzero(steps != regular)[0]) + 1]
            raise ScenarioError(
                f"{path}: gap before {at.isoformat()} (timestamps must be regular, "
                f"every {pd.Timedelta(int(regular), 'ns') / pd.Timedelta(minutes=1):g} min)",
                file=ctx.file,
                unit=name,
                kind="series",
                field=field,
            )
    return _align(name, series, index, ctx.file, field, source=f"{path}: ")


def _align(
    name: str,
    series: pd.Series,
    index: pd.DatetimeIndex,
    file: str,
    field: str,
    source: str = "",
) -> np.ndarray:
    """Values of a regular ``series`` on ``index``: averaged if finer, held if coarser."""
    if len(series) == 0:
        raise ScenarioError("the series is empty", file=file, unit=name, kind="series", field=field)
    src_step = series.index[1] - series.index[0] if len(series) > 1 else index[1] - index[0]
    dst_step = index[1] - index[0] if len(index) > 1 else src_step
    end = series.index[-1] + src_step
    if index[0] < series.index[0] or index[-1] + dst_step > end:
        raise ScenarioError(
            f"{source}covers {series.index[0].isoformat()} to {end.isoformat()}; needed "
            f"{index[0].isoformat()} to {(index[-1] + dst_step).isoformat()}",
            file=file,
            unit=name,
            kind="series",
            field=field,
        )
    if src_step == dst_step:
        return series.reindex(index).to_numpy(dtype=float)
    if src_step < dst_step:
        labels = (series.index - index[0]) // dst_step
        grouped = series.groupby(np.asarray(labels)).mean()
        positions = (index - index[0]) // dst_step
        return grouped.reindex(np.asarray(positions)).to_numpy(dtype=float)
    held = series.reindex(series.index.union(index)).ffill()
    return held.reindex(index).to_numpy(dtype=float)
