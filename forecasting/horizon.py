"""Cut a prepared series into the history to fit on and the horizon to forecast.

Regressors: short interior gaps are interpolated (history and horizon); a regressor with no
value at all in the history is dropped; one that is missing for part of the horizon is dropped
(``MissingRegressorPolicy.DROP``, with a ``ForecastWarning``) or is an error (``ERROR``).
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import pandas as pd

from forecasting.exceptions import (
    EmptySeriesError,
    ForecastInputError,
    ForecastWarning,
    MissingRegressorError,
)
from forecasting.model import Future, History, MissingRegressorPolicy, RegressorRole, future_index
from forecasting.prepare import PreparedSeries, zone

logger = logging.getLogger(__name__)

_ROLE_PATTERNS: tuple[tuple[RegressorRole, re.Pattern[str]], ...] = (
    (RegressorRole.TEMPERATURE, re.compile(r"temp|t_air|_degc|degc_|^t_|tout|outdoor", re.I)),
    (RegressorRole.IRRADIANCE, re.compile(r"radiation|irradiance|ghi|solar|insolation", re.I)),
)


def infer_role(name: str) -> RegressorRole:
    """The role of a regressor from its name (documented in the README), LINEAR otherwise.

    Example:
        >>> infer_role("t_air_degc")
        <RegressorRole.TEMPERATURE: 'temperature'>
    """
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(name):
            return role
    return RegressorRole.LINEAR


def parse_horizon(value: str | int, step_s: int) -> int:
    """Horizon steps from an integer count or a duration (``24h``, ``1D``, ``96``).

    Example:
        >>> parse_horizon("1D", 900)
        96
    """
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        steps = int(text)
    else:
        try:
            seconds = pd.Timedelta(text).total_seconds()
        except ValueError as err:
            raise ForecastInputError(
                f"horizon: {value!r} is neither a number of steps nor a duration (e.g. 96, 24h)",
                field="horizon",
                value=value,
            ) from err
        if seconds % step_s:
            raise ForecastInputError(
                f"horizon: {value!r} is not a whole number of {step_s} s steps",
                field="horizon",
                value=value,
            )
        steps = int(seconds // step_s)
    if steps < 1:
        raise ForecastInputError("horizon: must be at least one step", field="horizon", value=value)
    return steps


def parse_instant(value: str, display_tz: tzinfo, tz_given: bool, field: str) -> pd.Timestamp:
    """An aware UTC instant; a naive value is read in ``display_tz`` when that is unambiguous."""
    try:
        ts = pd.Timestamp(value)
    except ValueError as err:
        raise ForecastInputError(
            f"{field}: {value!r} is not a timestamp", field=field, value=value
        ) from err
    if ts.tzinfo is None:
        fixed = display_tz.utcoffset(None) is not None
        if not (tz_given or fixed):
            raise ForecastInputError(
                f"{field}: {value!r} has no offset and the file mixes offsets; give one "
                "(e.g. 2026-01-01T00:00+01:00) or --tz",
                field=field,
                value=value,
            )
        ts = ts.tz_localize(display_tz)
    return ts.tz_convert("UTC")


@dataclass(frozen=True)
class Split:
    """A history, its horizon, and the warnings raised while cutting them."""

    history: History
    future: Future
    notes: tuple[str, ...]


def _fill_history(values: pd.Series) -> pd.Series:
    """Regressor gaps in the history: interpolated in time, the ends held (no NaN for fitting)."""
    filled = values.interpolate(method="time", limit_area="inside")
    return filled.ffill().bfill()


def _warn(notes: list[str], message: str) -> None:
    notes.append(message)
    warnings.warn(message, ForecastWarning, stacklevel=3)


def split_history(
    prepared: PreparedSeries,
    *,
    train_until: pd.Timestamp,
    horizon_steps: int,
    calendar_tz: str,
    country: str,
    roles: dict[str, RegressorRole] | None = None,
    policy: MissingRegressorPolicy = MissingRegressorPolicy.DROP,
    max_gap_steps: int = 4,
) -> Split:
    """The history up to ``train_until`` (inclusive) and the next ``horizon_steps`` steps.

    With ``horizon_steps = 0`` only the history is built (for backtests).

    Raises:
        ForecastInputError: ``train_until`` before the data.
        EmptySeriesError: no value of the target in the history.
        MissingRegressorError: policy ERROR and a regressor missing in the horizon.
    """
    zone(calendar_tz, "tz")
    y_all, step_s = prepared.y, prepared.step_s
    origin = y_all.index[0]
    if train_until < origin:
        raise ForecastInputError(
            f"train-until {train_until.isoformat()} is before the first row ({origin.isoformat()})",
            field="train_until",
            value=train_until.isoformat(),
        )
    n_steps = int((train_until - origin).total_seconds() // step_s)
    end = origin + pd.Timedelta(seconds=n_steps * step_s)
    y = y_all[y_all.index <= end]
    first = y.first_valid_index()
    if first is None:
        raise EmptySeriesError(
            f"{prepared.source or 'series'}: target {y_all.name!r} has no value up to "
            f"{end.isoformat()}",
            field=str(y_all.name),
        )
    if end > y_all.index[-1]:
        y = y.reindex(pd.date_range(origin, end, freq=f"{step_s}s", name="timestamp"))
    y = y[y.index >= first]
    index = future_index(end, step_s, horizon_steps)
    notes: list[str] = []
    hist_x: dict[str, pd.Series] = {}
    fut_x: dict[str, pd.Series] = {}
    for name in prepared.regressors.columns:
        column = prepared.regressors[name]
        past = column.reindex(y.index)
        if past.isna().all():
            _warn(notes, f"regressor {name!r} has no value in the history; forecasting without it")
            continue
        if horizon_steps == 0:
            hist_x[name] = _fill_history(past)
            continue
        ahead = column.reindex(index)
        both = pd.concat([past, ahead]).interpolate(
            method="time", limit=max_gap_steps, limit_area="inside"
        )
        ahead = both.iloc[len(past) :]
        n_missing = int(ahead.isna().sum())
        if n_missing:
            message = (
                f"regressor {name!r} has no value for {n_missing} of the {horizon_steps} horizon "
                f"step(s) (first {ahead.index[np.argmax(ahead.isna().to_numpy())].isoformat()})"
            )
            if policy is MissingRegressorPolicy.ERROR:
                raise MissingRegressorError(
                    f"{message}; give its values for the horizon or use --on-missing-regressor drop",
                    field=name,
                    missing_steps=n_missing,
                )
            _warn(notes, f"{message}; forecasting without it")
            continue
        hist_x[name] = _fill_history(past)
        fut_x[name] = ahead
    all_roles = {name: (roles or {}).get(name, infer_role(name)) for name in hist_x}
    history = History(
        y=y.astype(float),
        regressors=pd.DataFrame(hist_x, index=y.index),
        step_s=step_s,
        tz=calendar_tz,
        country=country,
        roles=all_roles,
        name=prepared.source,
    )
    future = Future(index=index, regressors=pd.DataFrame(fut_x, index=index))
    return Split(history=history, future=future, notes=tuple(notes))
