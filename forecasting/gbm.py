"""LightGBM forecaster: one direct model for every lead, on lags, calendar and regressors.

The recent tail of the history (``validation_days``) is held out once: boosting stops when it
no longer improves there, and its residuals (honest, out-of-sample) give the quantiles. The
model is then refitted on the whole history with the number of rounds found.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import pandas as pd

from forecasting.base import ResidualQuantiles, with_quantiles
from forecasting.config import GbmConfig, PipelineConfig
from forecasting.exceptions import ForecastError, InsufficientHistoryError, NotFittedError
from forecasting.features import FeatureBuilder
from forecasting.model import Future, History

logger = logging.getLogger(__name__)

_LEAD_SAMPLES = 3
_MIN_HISTORY_DAYS = 3.0


class GbmForecaster:
    """Gradient-boosted trees (LightGBM) over lead-aware features.

    Example:
        >>> GbmForecaster().name
        'lightgbm'
    """

    name = "lightgbm"

    def __init__(self, config: GbmConfig | None = None):
        self.config = config or GbmConfig()
        self._history: History | None = None
        self._horizon_steps = 0
        self._booster: Any = None
        self._spread: ResidualQuantiles | None = None

    @property
    def is_fitted(self) -> bool:
        return self._booster is not None

    def _params(self) -> dict[str, Any]:
        c = self.config
        return {
            "objective": "l2",
            "learning_rate": c.learning_rate,
            "num_leaves": c.num_leaves,
            "min_data_in_leaf": c.min_child_samples,
            "feature_fraction": c.feature_fraction,
            "lambda_l2": c.lambda_l2,
            "max_bin": c.max_bin,
            "num_threads": c.n_threads,
            "seed": c.seed,
            "deterministic": True,
            "force_col_wise": True,
            "verbosity": -1,
        }

    def fit(self, history: History, horizon_steps: int) -> Self:
        import lightgbm as lgb

        c = self.config
        if c.train_window_days:
            history = history.tail_days(c.train_window_days)
        needed = int(_MIN_HISTORY_DAYS * history.steps_per_day)
        if history.n_observed < needed:
            raise InsufficientHistoryError(
                f"{self.name} needs at least {_MIN_HISTORY_DAYS:g} days of observations "
                f"({needed} steps); {history.name or 'the series'} has {history.n_observed}",
                field="history",
                needed_steps=needed,
                available_steps=history.n_observed,
            )
        builder = FeatureBuilder(
            history,
            horizon_steps,
            pd.DatetimeIndex([], tz="UTC"),
            history.regressors.iloc[:0],
            c.heating_base_degc,
        )
        targets, leads = builder.training_leads(_LEAD_SAMPLES, c.seed)
        y = history.y.to_numpy(dtype=float)
        n = len(y)
        val_steps = int(min(c.validation_days * history.steps_per_day, 0.25 * n))
        val_steps = max(val_steps, min(horizon_steps, n // 4))
        is_val = targets >= n - val_steps
        x_all = builder.rows(targets, leads)
        y_t = y[targets]
        params = self._params()
        rounds = c.n_estimators
        spread = None
        if is_val.any() and (~is_val).sum() > needed:
            train_set = lgb.Dataset(x_all[~is_val], y_t[~is_val], free_raw_data=True)
            val_set = lgb.Dataset(x_all[is_val], y_t[is_val], reference=train_set)
            booster = self._train(lgb, params, train_set, c.n_estimators, val_set)
            best = booster.best_iteration or c.n_estimators
            rounds = max(c.min_rounds, int(best * 1.1))
            pred = booster.predict(x_all[is_val], num_iteration=max(best, c.min_rounds))
            index = history.y.index[targets[is_val]]
            spread = ResidualQuantiles.from_series(
                pd.Series(y[targets[is_val]] - pred, index=index), history.tz
            )
        full = lgb.Dataset(x_all, y_t, free_raw_data=True)
        self._booster = self._train(lgb, params, full, rounds, None)
        if spread is None:  # too short to hold a tail out: in-sample residuals (narrower)
            fitted = self._booster.predict(x_all)
            index = history.y.index[targets]
            spread = ResidualQuantiles.from_series(
                pd.Series(y[targets] - fitted, index=index), history.tz
            )
        self._spread = spread
        self._history = history
        self._horizon_steps = horizon_steps
        return self

    def _train(
        self, lgb: Any, params: dict[str, Any], train_set: Any, rounds: int, val_set: Any
    ) -> Any:
        callbacks = []
        if val_set is not None and self.config.early_stopping_rounds:
            callbacks.append(lgb.early_stopping(self.config.early_stopping_rounds, verbose=False))
        try:
            return lgb.train(
                params,
                train_set,
                num_boost_round=rounds,
                valid_sets=[val_set] if val_set is not None else None,
                callbacks=callbacks,
            )
        except lgb.basic.LightGBMError as err:
            raise ForecastError(f"LightGBM failed: {err}", model=self.name) from err

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        if self._booster is None or self._history is None:
            raise NotFittedError(f"{self.name} is not fitted", model=self.name)
        history = self._history
        if future.horizon_steps > self._horizon_steps:
            raise ForecastError(
                f"{self.name} was fitted for {self._horizon_steps} steps ahead; "
                f"{future.horizon_steps} asked",
                model=self.name,
            )
        builder = FeatureBuilder(
            history,
            self._horizon_steps,
            future.index,
            future.regressors,
            self.config.heating_base_degc,
        )
        n = len(history.y)
        targets = n + np.arange(future.horizon_steps)
        leads = np.arange(1, future.horizon_steps + 1)
        yhat = self._booster.predict(builder.rows(targets, leads))
        return with_quantiles(yhat, future.index, quantiles, self._spread, history.tz)


def build(config: PipelineConfig) -> GbmForecaster:
    """Registry factory."""
    return GbmForecaster(config.lightgbm)
