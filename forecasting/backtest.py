"""Rolling-origin backtests: refit at each origin, forecast the horizon, score against actuals.

Origins are ``stride_steps`` apart and end so that the last test window closes at the end of
the data. Each forecaster is refitted at every origin in time order (Prophet warm-starts from
the previous origin). Metrics are pooled over the folds, each fold's errors scaled by its own
seasonal-naive MASE denominator.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.base import Forecaster
from forecasting.bounds import apply_physical_bounds
from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.exceptions import (
    ForecastError,
    ForecastWarning,
    InsufficientHistoryError,
)
from forecasting.metrics import Metrics, coverage, pinball_loss, seasonal_naive_scale, smape_percent
from forecasting.model import Future, History, future_index, quantile_column
from forecasting.registry import ForecasterRegistry, default_registry
from forecasting.warm_start import ModelState, seed_forecasters

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fold:
    """One origin of a backtest: the forecasts of every model and the actuals.

    Attributes:
        origin: the last time of the training data (UTC).
        scale: the MASE denominator (seasonal-naive in-sample MAE of the training data).
        actual: the target on the test steps (NaN where missing).
        forecasts: per model, the forecast frame on the test steps.
    """

    origin: pd.Timestamp
    scale: float
    actual: pd.Series
    forecasts: dict[str, pd.DataFrame]


@dataclass
class BacktestResult:
    """Forecasts of every model at every origin, and what was left out and why."""

    folds: list[Fold]
    quantiles: tuple[float, ...]
    horizon_steps: int
    step_s: int
    skipped: dict[str, str] = field(default_factory=dict)
    forecasters: dict[str, Forecaster] = field(default_factory=dict, repr=False)
    """The forecasters as fitted at the last origin (a refit on more data warm-starts)."""

    def models(self) -> list[str]:
        """Models with a forecast at every origin (the ones the combiner may use)."""
        if not self.folds:
            return []
        names = set(self.folds[0].forecasts)
        for fold in self.folds[1:]:
            names &= set(fold.forecasts)
        return sorted(names)

    def metrics(self, forecasts: Sequence[pd.DataFrame] | str) -> Metrics:
        """Pooled metrics of one model (by name) or of one forecast frame per fold."""
        frames = (
            [f.forecasts[forecasts] for f in self.folds]
            if isinstance(forecasts, str)
            else list(forecasts)
        )
        return pooled_metrics(self.folds, frames, self.quantiles)


def pooled_metrics(
    folds: Sequence[Fold], frames: Sequence[pd.DataFrame], quantiles: Sequence[float]
) -> Metrics:
    """Metrics over all folds' points; MASE uses each fold's own scale."""
    actual, yhat, scaled = [], [], []
    quantile_values: dict[float, list[np.ndarray]] = {q: [] for q in quantiles}
    for fold, frame in zip(folds, frames, strict=True):
        a = fold.actual.reindex(frame.index).to_numpy(dtype=float)
        f = frame["yhat"].to_numpy(dtype=float)
        actual.append(a)
        yhat.append(f)
        scaled.append(
            np.abs(a - f) / fold.scale if np.isfinite(fold.scale) else np.full_like(a, np.nan)
        )
        for q in quantiles:
            col = quantile_column(q)
            quantile_values[q].append(
                frame[col].to_numpy(dtype=float) if col in frame else f * np.nan
            )
    a, f = np.concatenate(actual), np.concatenate(yhat)
    ok = np.isfinite(a) & np.isfinite(f)
    err = a[ok] - f[ok]
    s = np.concatenate(scaled)
    s = s[np.isfinite(s)]
    qs = sorted(quantiles)
    q_arrays = {q: np.concatenate(quantile_values[q]) for q in qs}
    pin = [pinball_loss(a, q_arrays[q], q) for q in qs]
    pin = [p for p in pin if np.isfinite(p)]
    return Metrics(
        n=int(ok.sum()),
        mae=float(np.mean(np.abs(err))) if len(err) else float("nan"),
        rmse=float(np.sqrt(np.mean(err**2))) if len(err) else float("nan"),
        smape_percent=smape_percent(a, f),
        mase=float(np.mean(s)) if len(s) else float("nan"),
        pinball=float(np.mean(pin)) if pin else float("nan"),
        coverage=coverage(a, q_arrays[qs[0]], q_arrays[qs[-1]]) if len(qs) >= 2 else float("nan"),
        interval_nominal=qs[-1] - qs[0] if len(qs) >= 2 else float("nan"),
    )


def rolling_origins(
    history: History, horizon_steps: int, config: BacktestConfig
) -> list[pd.Timestamp]:
    """Origins for the backtest, oldest first; fewer than asked when the history is short.

    Raises:
        InsufficientHistoryError: not even one origin leaves ``min_train_days`` of training.
    """
    step = pd.Timedelta(seconds=history.step_s)
    stride = config.stride_steps or horizon_steps
    first_observed = history.y.first_valid_index()
    earliest = first_observed + pd.Timedelta(days=config.min_train_days)
    last = history.end - horizon_steps * step
    origins = [last - i * stride * step for i in range(config.folds)]
    kept = sorted(o for o in origins if o >= earliest)
    if not kept:
        needed = int((pd.Timedelta(days=config.min_train_days) / step) + horizon_steps)
        raise InsufficientHistoryError(
            f"a backtest with a {horizon_steps}-step horizon needs at least "
            f"{config.min_train_days:g} days of training plus the horizon ({needed} steps); "
            f"{history.name or 'the series'} has {len(history.y)}",
            field="history",
            needed_steps=needed,
            available_steps=len(history.y),
        )
    if len(kept) < config.folds:
        message = (
            f"{history.name or 'series'}: only {len(kept)} of {config.folds} backtest folds fit "
            "in the history"
        )
        logger.info("%s", message)
    return kept


def run_backtest(
    history: History,
    horizon_steps: int,
    config: PipelineConfig,
    models: Sequence[str] | None = None,
    registry: ForecasterRegistry | None = None,
    warm_states: Mapping[str, ModelState] | None = None,
) -> BacktestResult:
    """Backtest ``models`` (default: ``config.models``) on ``history``.

    A model that cannot fit at some origin (too little history for it, a solver failure) is
    left out of the result, with the reason in ``skipped``. ``warm_states`` (per model name, a
    previous run's fit) are offered to the warm-startable forecasters for their first fit.
    """
    registry = registry or default_registry()
    names = list(models or config.models)
    origins = rolling_origins(history, horizon_steps, config.backtest)
    forecasters = {name: registry.create(name, config) for name in names}
    seed_forecasters(forecasters, warm_states or {})
    folds: list[Fold] = []
    skipped: dict[str, str] = {}
    for origin in origins:
        train = history.head_until(origin)
        index = future_index(origin, history.step_s, horizon_steps)
        future = Future(index=index, regressors=history.regressors.reindex(index))
        scale = seasonal_naive_scale(train.y, history.tz)
        forecasts: dict[str, pd.DataFrame] = {}
        for name, forecaster in forecasters.items():
            if name in skipped:
                continue
            try:
                forecaster.fit(train, horizon_steps)
                forecasts[name] = apply_physical_bounds(
                    forecaster.predict(future, config.quantiles), train
                )
            except InsufficientHistoryError as err:
                skipped[name] = str(err)
            except ForecastError as err:
                skipped[name] = str(err)
                warnings.warn(
                    f"{name} left out of the backtest: {err}", ForecastWarning, stacklevel=2
                )
        folds.append(
            Fold(origin=origin, scale=scale, actual=history.y.reindex(index), forecasts=forecasts)
        )
    for fold in folds:
        for name in skipped:
            fold.forecasts.pop(name, None)
    return BacktestResult(
        folds=folds,
        quantiles=config.quantiles,
        horizon_steps=horizon_steps,
        step_s=history.step_s,
        skipped=skipped,
        forecasters={k: v for k, v in forecasters.items() if k not in skipped},
    )
