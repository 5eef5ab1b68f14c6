"""An unsupervised model of normal behaviour for any multivariate telemetry (pumps,
substations, transformers, heat meters) and its anomaly score.

Features: every numeric column; cumulative registers (a column that never falls and mostly
rises: energy, volume counters) are differenced into per-interval amounts; the hour of day
enters as sine and cosine when the data are sub-daily. The model is a principal component
analysis of the robustly standardised features (median and interquartile range): Hotelling's
T² measures how far a point is inside the normal operating region, the squared prediction
error (SPE) how much it breaks the usual relations between signals (a current too high for the
flow, an energy register stuck while water flows). Both are divided by their limits, the
``quantile`` of their values on a calibration part of the training data that the components
were not fitted on (every third week of it); the score is the larger ratio, and a point is anomalous above 1.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.exceptions import InputError

logger = logging.getLogger(__name__)

EXPLAINED_VARIANCE = 0.9
MIN_TRAINING_ROWS = 30
_SCALE_FLOOR = 1e-9


@dataclass(frozen=True)
class AnomalyModel:
    """A fitted model of normal behaviour.

    Attributes:
        columns: the input columns used.
        cumulative: the columns differenced as cumulative registers.
        with_hour: whether hour-of-day features are used.
        center, scale: robust standardisation of the features.
        components: (k, n_features) principal directions; eigenvalues: their variances.
        t2_limit, spe_limit: calibrated limits of T² and SPE.
    """

    columns: tuple[str, ...]
    cumulative: tuple[str, ...]
    with_hour: bool
    center: np.ndarray
    scale: np.ndarray
    components: np.ndarray
    eigenvalues: np.ndarray
    t2_limit: float
    spe_limit: float

    def features(self, frame: pd.DataFrame) -> np.ndarray:
        return _features(frame, self.columns, self.cumulative, self.with_hour)

    def score(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Columns ``score`` (≥ 0; above 1 is anomalous), ``t2``, ``spe``, ``is_anomaly``;
        same index as ``frame`` (a DatetimeIndex)."""
        x = self.features(frame)
        valid = np.isfinite(x).any(axis=1)
        z = np.nan_to_num((x - self.center) / self.scale, nan=0.0)
        t = z @ self.components.T
        t2 = (t**2 / self.eigenvalues).sum(axis=1)
        spe = ((z - t @ self.components) ** 2).sum(axis=1)
        score = np.maximum(t2 / self.t2_limit, spe / self.spe_limit)
        score = np.where(valid, score, np.nan)
        return pd.DataFrame(
            {"score": score, "t2": t2, "spe": spe, "is_anomaly": np.nan_to_num(score) > 1.0},
            index=frame.index,
        )


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Numeric columns that vary (identifiers and constants are left out)."""
    out = []
    for column in frame.columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.notna().mean() < 0.5 or values.nunique(dropna=True) <= 1:
            continue
        out.append(column)
    return out


def cumulative_columns(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """Columns that behave like cumulative registers: never fall, rise in most steps."""
    found = []
    for column in columns:
        steps = pd.to_numeric(frame[column], errors="coerce").diff().dropna()
        if len(steps) > 10 and (steps >= 0).mean() >= 0.99 and (steps > 0).mean() >= 0.2:
            found.append(column)
    return found


def _features(
    frame: pd.DataFrame, columns: tuple[str, ...], cumulative: tuple[str, ...], with_hour: bool
) -> np.ndarray:
    parts = []
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        if column in cumulative:
            values = values.diff()
        parts.append(values.to_numpy(dtype=float))
    if with_hour:
        index = pd.DatetimeIndex(frame.index)
        angle = 2 * np.pi * (index.hour.to_numpy() + index.minute.to_numpy() / 60.0) / 24.0
        parts += [np.sin(angle), np.cos(angle)]
    return np.column_stack(parts)


def _split(index: pd.DatetimeIndex, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fit and calibration rows: every third block of time goes to calibration.

    Interleaved blocks (weeks when the data span ten weeks or more, else days, else rows)
    let the limits see every season of the training period, not just its end.
    """
    span = index[-1] - index[0] if len(index) else pd.Timedelta(0)
    if span >= pd.Timedelta(weeks=10):
        block = ((index - index[0]) // pd.Timedelta(weeks=1)).to_numpy()
    elif span >= pd.Timedelta(days=6):
        block = ((index - index[0]) // pd.Timedelta(days=1)).to_numpy()
    else:
        block = np.arange(len(x)) // max(len(x) // 9, 1)
    is_cal = block % 3 == 2
    if is_cal.sum() < 10 or (~is_cal).sum() < MIN_TRAINING_ROWS // 2:
        return x, x
    return x[~is_cal], x[is_cal]


def fit_anomaly_model(
    train: pd.DataFrame,
    *,
    columns: list[str] | None = None,
    quantile: float = 0.995,
) -> AnomalyModel:
    """Learn normal behaviour from a training frame (DatetimeIndex, one column per signal).

    Args:
        train: the normal period.
        columns: signals to use (default: every varying numeric column).
        quantile: the share of calibration points below the limits (sets the false-alarm rate).

    Raises:
        InputError: too few rows, or no usable numeric column.
    """
    if len(train) < MIN_TRAINING_ROWS:
        raise InputError(
            f"training data: {len(train)} rows; at least {MIN_TRAINING_ROWS} are needed",
            field="train",
            value=len(train),
        )
    cols = columns if columns is not None else numeric_columns(train)
    missing = [c for c in cols if c not in train.columns]
    if missing:
        raise InputError(
            f"column {missing[0]!r} is not in the data", field="columns", value=missing[0]
        )
    if not cols:
        raise InputError("the data have no numeric column that varies", field="columns")
    cumulative = cumulative_columns(train, cols)
    if cumulative:
        logger.info("cumulative registers differenced: %s", ", ".join(cumulative))
    steps = pd.Series(pd.DatetimeIndex(train.index)).diff().dropna()
    with_hour = bool(len(steps)) and steps.median() < pd.Timedelta(hours=24)
    x = _features(train, tuple(cols), tuple(cumulative), with_hour)
    complete = np.isfinite(x).all(axis=1)
    x = x[complete]
    if len(x) < MIN_TRAINING_ROWS:
        raise InputError("training data: too few complete rows", field="train", value=len(x))
    fit, cal = _split(pd.DatetimeIndex(train.index)[complete], x)
    center = np.median(fit, axis=0)
    q75, q25 = np.percentile(fit, [75, 25], axis=0)
    scale = (q75 - q25) / 1.349
    std = fit.std(axis=0)
    scale = np.where(scale > _SCALE_FLOOR, scale, np.maximum(std, _SCALE_FLOOR))
    z = (fit - center) / scale
    _, sv, vt = np.linalg.svd(z - z.mean(axis=0), full_matrices=False)
    var = sv**2 / max(len(z) - 1, 1)
    share = np.cumsum(var) / max(var.sum(), _SCALE_FLOOR)
    k = int(min(np.searchsorted(share, EXPLAINED_VARIANCE) + 1, max(z.shape[1] - 1, 1)))
    components, eigenvalues = vt[:k], np.maximum(var[:k], _SCALE_FLOOR)
    provisional = AnomalyModel(
        tuple(cols), tuple(cumulative), with_hour, center, scale, components, eigenvalues, 1.0, 1.0
    )
    zc = (cal - center) / scale
    t = zc @ components.T
    t2 = (t**2 / eigenvalues).sum(axis=1)
    spe = ((zc - t @ components) ** 2).sum(axis=1)
    # the score is the larger of two ratios: each limit gets half the false-alarm budget
    each = 1.0 - (1.0 - quantile) / 2.0
    t2_limit = max(float(np.quantile(t2, each)), _SCALE_FLOOR)
    spe_limit = max(float(np.quantile(spe, each)), _SCALE_FLOOR)
    logger.info(
        "anomaly model: %d features, %d components, limits T2 %.2f SPE %.2f",
        z.shape[1],
        k,
        t2_limit,
        spe_limit,
    )
    return AnomalyModel(
        provisional.columns,
        provisional.cumulative,
        with_hour,
        center,
        scale,
        components,
        eigenvalues,
        t2_limit,
        spe_limit,
    )
