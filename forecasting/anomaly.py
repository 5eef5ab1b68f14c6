"""Anomaly scores from residuals: how unusual actuals are under the forecast distribution.

Each actual is placed in the forecast's quantile function (linear between the forecast
quantiles, Gaussian tails beyond the outermost ones), which gives its probability integral
transform u and the equivalent standard-normal score z = Phi^-1(u). A window of latest actuals is
summarised by its largest |z|, its mean z (a level shift) and the share of points outside the
forecast interval; a point is anomalous when |z| exceeds ``z_threshold`` (3 by default: about
3 in 1,000 points of a well-calibrated forecast).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from forecasting.model import quantile_column

_NORMAL = NormalDist()


@dataclass(frozen=True)
class AnomalySummary:
    """Scores of a window of actuals.

    Attributes:
        n: actuals scored.
        max_abs_z: the largest |z| in the window.
        mean_z: the mean z (positive: consumption above forecast).
        share_outside: share of actuals outside the forecast interval.
        n_anomalous: points with |z| above the threshold.
        score: -log10 of the probability of a |z| as large as ``max_abs_z`` among ``n``
            independent points (0: nothing unusual; 3: a one-in-a-thousand window).
    """

    n: int
    max_abs_z: float
    mean_z: float
    share_outside: float
    n_anomalous: int
    score: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def pit_values(
    actual: np.ndarray, quantile_values: np.ndarray, levels: Sequence[float]
) -> np.ndarray:
    """Probability integral transform of each actual under the forecast quantiles."""
    z = z_values(actual, quantile_values, levels)
    return np.array([np.nan if np.isnan(v) else _NORMAL.cdf(float(np.clip(v, -40, 40))) for v in z])


def z_values(
    actual: np.ndarray, quantile_values: np.ndarray, levels: Sequence[float]
) -> np.ndarray:
    """Standard-normal score of each actual under the forecast quantiles (NaN where unknown).

    Args:
        actual: shape (n,).
        quantile_values: shape (n, k), forecast quantiles at ``levels`` (sorted).
        levels: k quantile levels, increasing; at least two.
    """
    levels_arr = np.asarray(levels, dtype=float)
    z_levels = np.array([_NORMAL.inv_cdf(float(q)) for q in levels_arr])
    out = np.full(len(actual), np.nan)
    for i, (a, qv) in enumerate(zip(actual, quantile_values, strict=True)):
        if not (np.isfinite(a) and np.isfinite(qv).all()):
            continue
        qv = np.maximum.accumulate(qv)
        # scale of the Gaussian tails from the outermost quantiles
        spread = (qv[-1] - qv[0]) / (z_levels[-1] - z_levels[0])
        if a < qv[0]:
            z = z_levels[0] + ((a - qv[0]) / spread if spread > 0 else -np.inf)
        elif a > qv[-1]:
            z = z_levels[-1] + ((a - qv[-1]) / spread if spread > 0 else np.inf)
        else:
            z = float(np.interp(a, qv, z_levels)) if qv[-1] > qv[0] else 0.0
        out[i] = z
    return out


def anomaly_scores(
    actual: pd.Series, forecast: pd.DataFrame, quantiles: Sequence[float], z_threshold: float = 3.0
) -> pd.DataFrame:
    """Per point: ``actual``, ``yhat``, ``u`` (PIT), ``z`` and ``is_anomaly``, on the forecast index."""
    levels = sorted(q for q in quantiles if quantile_column(q) in forecast.columns)
    if len(levels) < 2:
        raise ValueError("anomaly scores need a forecast with at least two quantiles")
    a = actual.reindex(forecast.index).to_numpy(dtype=float)
    qv = forecast[[quantile_column(q) for q in levels]].to_numpy(dtype=float)
    z = z_values(a, qv, levels)
    u = np.array([np.nan if np.isnan(v) else _NORMAL.cdf(float(np.clip(v, -40, 40))) for v in z])
    return pd.DataFrame(
        {
            "actual": a,
            "yhat": forecast["yhat"].to_numpy(dtype=float),
            "u": u,
            "z": z,
            "is_anomaly": np.abs(np.nan_to_num(z)) > z_threshold,
        },
        index=forecast.index,
    )


def summarise(
    scores: pd.DataFrame, quantiles: Sequence[float], z_threshold: float = 3.0
) -> AnomalySummary:
    """One summary of a window of per-point scores (see ``anomaly_scores``)."""
    z = scores["z"].to_numpy(dtype=float)
    z = np.clip(z[~np.isnan(z)], -40.0, 40.0)
    if not len(z):
        return AnomalySummary(0, float("nan"), float("nan"), float("nan"), 0, float("nan"))
    levels = sorted(quantiles)
    u = scores["u"].to_numpy(dtype=float)
    u = u[np.isfinite(u)]
    outside = float(np.mean((u < levels[0]) | (u > levels[-1])))
    max_abs = float(np.max(np.abs(z)))
    p_point = 2.0 * (1.0 - _NORMAL.cdf(max_abs))
    p_window = 1.0 - (1.0 - p_point) ** len(z)
    return AnomalySummary(
        n=len(z),
        max_abs_z=max_abs,
        mean_z=float(np.mean(z)),
        share_outside=outside,
        n_anomalous=int(np.sum(np.abs(z) > z_threshold)),
        score=float(-np.log10(max(p_window, 1e-300))),
    )
