"""Point and probabilistic accuracy: MAE, RMSE, sMAPE, MASE, pinball loss, interval coverage.

MASE divides the MAE by the in-sample MAE of the daily seasonal naive on the training data
(Hyndman & Koehler 2006, with the season m = one local day), so it compares across series and
a forecast that is as good as yesterday's profile scores about 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from forecasting.calendar import values_days_before
from forecasting.model import quantile_column


@dataclass(frozen=True)
class Metrics:
    """Accuracy of forecasts against actuals (NaN where not computable).

    Attributes:
        n: points scored (actuals present).
        mae, rmse: in the target's unit.
        smape_percent: symmetric MAPE in percent (0 where actual and forecast are both 0).
        mase: MAE / in-sample seasonal-naive MAE.
        pinball: mean pinball loss over the quantiles, in the target's unit.
        coverage: share of actuals inside [lowest quantile, highest quantile].
        interval_nominal: the interval's nominal coverage (highest - lowest level).
    """

    n: int
    mae: float
    rmse: float
    smape_percent: float
    mase: float
    pinball: float
    coverage: float
    interval_nominal: float

    def as_dict(self) -> dict[str, float]:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute error over finite pairs."""
    err = _errors(actual, predicted)
    return float(np.mean(np.abs(err))) if len(err) else float("nan")


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Root mean squared error over finite pairs."""
    err = _errors(actual, predicted)
    return float(np.sqrt(np.mean(err**2))) if len(err) else float("nan")


def smape_percent(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Symmetric MAPE, 200·|a-f|/(|a|+|f|), in percent; pairs of zeros count as 0."""
    a, f = _pairs(actual, predicted)
    if not len(a):
        return float("nan")
    denom = np.abs(a) + np.abs(f)
    ratio = np.divide(np.abs(a - f), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(200.0 * np.mean(ratio))


def pinball_loss(actual: np.ndarray, predicted: np.ndarray, level: float) -> float:
    """Mean pinball (quantile) loss of the ``level`` quantile forecast."""
    a, f = _pairs(actual, predicted)
    if not len(a):
        return float("nan")
    diff = a - f
    return float(np.mean(np.maximum(level * diff, (level - 1.0) * diff)))


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actuals within [lower, upper]."""
    a = np.asarray(actual, dtype=float)
    ok = np.isfinite(a) & np.isfinite(lower) & np.isfinite(upper)
    if not ok.any():
        return float("nan")
    return float(np.mean((a[ok] >= lower[ok]) & (a[ok] <= upper[ok])))


def seasonal_naive_scale(y_train: pd.Series, tz: str, period_days: int = 1) -> float:
    """In-sample MAE of the seasonal naive with a season of ``period_days`` local days.

    A zero scale (a constant training series) is returned as NaN: MASE is undefined then.
    """
    index = pd.DatetimeIndex(y_train.index)
    lagged = values_days_before(y_train, index, period_days, tz)
    value = mae(y_train.to_numpy(dtype=float), lagged)
    return value if value > 0 else float("nan")


def score(
    actual: pd.Series,
    forecast: pd.DataFrame,
    scale: float,
    quantiles: Sequence[float] = (),
) -> Metrics:
    """Score a forecast frame (``yhat`` and quantile columns) against actuals on its index."""
    a = actual.reindex(forecast.index).to_numpy(dtype=float)
    f = forecast["yhat"].to_numpy(dtype=float)
    levels = sorted(q for q in quantiles if quantile_column(q) in forecast.columns)
    pin = (
        float(
            np.mean([pinball_loss(a, forecast[quantile_column(q)].to_numpy(), q) for q in levels])
        )
        if levels
        else float("nan")
    )
    cover = (
        coverage(
            a,
            forecast[quantile_column(levels[0])].to_numpy(),
            forecast[quantile_column(levels[-1])].to_numpy(),
        )
        if len(levels) >= 2
        else float("nan")
    )
    value_mae = mae(a, f)
    return Metrics(
        n=int(np.isfinite(a).sum()),
        mae=value_mae,
        rmse=rmse(a, f),
        smape_percent=smape_percent(a, f),
        mase=value_mae / scale if scale and np.isfinite(scale) else float("nan"),
        pinball=pin,
        coverage=cover,
        interval_nominal=levels[-1] - levels[0] if len(levels) >= 2 else float("nan"),
    )


def _pairs(actual: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual, dtype=float)
    f = np.asarray(predicted, dtype=float)
    ok = np.isfinite(a) & np.isfinite(f)
    return a[ok], f[ok]


def _errors(actual: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    a, f = _pairs(actual, predicted)
    return a - f
