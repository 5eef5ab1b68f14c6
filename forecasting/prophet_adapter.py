"""Prophet in the zoo, tuned for speed, with Polish holidays and weather regressors.

Speed (``ProphetConfig.speed_tuned``): the Stan data go to CmdStan as JSON written by the C
encoder (Prophet's own path serialises them value by value in Python, which costs more than the
fit); a 15-minute series is fitted on its hourly means (forecasts stay per step); intervals
are sampled only when quantiles are asked (``uncertainty_samples = 0`` otherwise), in the same
pass as the point forecast and with fewer samples; a refit starts from the previous fit's
parameters (warm start), in this process or, through ``start_from``, from a previous run's
stored fit (``forecasting.warm_start``) - only when the model's layout (seasonalities, holidays,
regressors, changepoints) and the parameter shapes are the same, else the fit starts cold and
``fit_log`` says why; the L-BFGS fit stops after ``max_iter`` iterations without a Newton
restart; the trend has fewer potential changepoints.

Seasonalities follow the history: daily from two days,
weekly from two weeks, yearly from two years; with weekly data on, the daily profile is
separate for workdays and for weekends and holidays. Prophet sees local wall-clock time, so
the profile follows the clock across DST changes. Nothing is downloaded: the holidays come
from the ``holidays`` package and the Stan model ships with Prophet.

This module builds, fits and predicts; the CmdStan JSON I/O is in ``forecasting.prophet_stan``
and the warm-start checks (layout, shapes, inits) in ``forecasting.prophet_warm_start``.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import pandas as pd

from forecasting.calendar import SUNDAY_OR_HOLIDAY, WORKDAY, _holiday_dates, day_type
from forecasting.config import PipelineConfig, ProphetConfig
from forecasting.exceptions import ForecastError, InsufficientHistoryError, NotFittedError
from forecasting.model import Future, History, RegressorRole, quantile_column, sort_quantiles
from forecasting.prophet_stan import StanCall, fast_stan_io, quiet_third_party_logs
from forecasting.prophet_warm_start import fitted_state, model_layout, warm_init
from forecasting.warm_start import FitInfo, ModelState, WarmSource, layout_fingerprint

logger = logging.getLogger(__name__)

_DAY_S = 86_400


def _wall(index: pd.DatetimeIndex, tz: str) -> pd.Series:
    return pd.Series(index.tz_convert(tz).tz_localize(None), index=index)


class ProphetForecaster:
    """Prophet (Taylor & Letham 2018) behind the ``Forecaster`` contract.

    Example:
        >>> ProphetForecaster().name
        'prophet'
    """

    def __init__(self, config: ProphetConfig | None = None, name: str = "prophet"):
        self.config = config or ProphetConfig()
        self.name = name
        self._model: Any = None
        self._history: History | None = None
        self._warm: ModelState | None = None  # what the next fit may start from
        self._warm_source = WarmSource.NONE
        self._fitted: ModelState | None = None  # the last successful fit
        self._regressor_columns: list[str] = []
        self.last_fit_warm = False
        self.fit_log: list[FitInfo] = []

    def start_from(self, state: ModelState) -> None:
        """Offer a previous run's fit as the start of the next fit (used if compatible)."""
        self._warm = state
        self._warm_source = WarmSource.STORED

    def warm_state(self) -> ModelState | None:
        """The parameters of the last successful fit, with their layout (None before one)."""
        return self._fitted

    @property
    def is_fitted(self) -> bool:
        return self._model is not None

    # --- frames -------------------------------------------------------------------------------

    def _design(
        self, index: pd.DatetimeIndex, regressors: pd.DataFrame, history: History
    ) -> pd.DataFrame:
        frame = pd.DataFrame({"ds": _wall(index, history.tz).to_numpy()}, index=index)
        types = day_type(index, history.tz, history.country)
        frame["workday"] = types == WORKDAY
        frame["offday"] = types != WORKDAY
        frame["sunday_or_holiday"] = types == SUNDAY_OR_HOLIDAY
        base = self.config.heating_base_degc
        for name, role in history.roles.items():
            if name not in regressors:
                continue
            values = regressors[name].to_numpy(dtype=float)
            frame[name] = values
            if role is RegressorRole.TEMPERATURE:
                frame[f"{name}__hdh"] = np.maximum(base - values, 0.0)
        return frame

    def _training_grid(self, history: History) -> tuple[pd.DatetimeIndex, np.ndarray, pd.DataFrame]:
        """The rows Prophet is fitted on.

        Speed-tuned, a series finer than ``fit_step_s`` (an hour) is fitted on its means over
        that step, stamped at the centre of the steps averaged: the Fourier terms (shortest
        period a few hours) and the linear regressors are the same functions of time, fitted on
        a quarter of the rows of 15-minute data. Forecasts are still made at every step of the horizon.
        """
        step = history.step_s
        fit_step = self.config.fit_step_s
        if not (self.config.speed_tuned and fit_step and step < fit_step and fit_step % step == 0):
            return history.y.index, history.y.to_numpy(dtype=float), history.regressors
        bins = history.y.index.floor(f"{fit_step}s")
        y = history.y.groupby(bins).mean()
        regressors = history.regressors.groupby(bins).mean()
        centre = pd.Timedelta(seconds=(fit_step - step) / 2)
        index = pd.DatetimeIndex(y.index) + centre
        regressors.index = index
        return index, y.to_numpy(dtype=float), regressors

    def _holidays(self, history: History, horizon_end: pd.Timestamp) -> pd.DataFrame | None:
        if not history.country:
            return None
        first = history.y.index[0].tz_convert(history.tz)
        last = horizon_end.tz_convert(history.tz)
        dates = _holiday_dates(history.country, first.year, last.year)
        if not dates:
            return None
        return pd.DataFrame({"holiday": "public_holiday", "ds": pd.to_datetime(sorted(dates))})

    def _build(self, history: History, horizon_end: pd.Timestamp) -> Any:
        from prophet import Prophet

        c = self.config
        span_days = (history.end - history.y.index[0]).total_seconds() / _DAY_S
        sub_daily = history.step_s < _DAY_S
        kwargs: dict[str, Any] = {
            "yearly_seasonality": c.yearly_fourier_order if span_days >= 730 else False,
            "weekly_seasonality": False,
            "daily_seasonality": False,
            "holidays": self._holidays(history, horizon_end),
        }
        if c.speed_tuned:
            kwargs |= {
                "n_changepoints": c.n_changepoints,
                "changepoint_prior_scale": c.changepoint_prior_scale,
                "uncertainty_samples": 0,
            }
        model = Prophet(**kwargs)
        weekly = span_days >= 14
        if weekly:
            model.add_seasonality("weekly", period=7, fourier_order=c.weekly_fourier_order)
        if sub_daily and span_days >= 2:
            if weekly and c.weekend_daily_profile:
                for cond in ("workday", "offday"):
                    model.add_seasonality(
                        f"daily_{cond}",
                        period=1,
                        fourier_order=c.daily_fourier_order,
                        condition_name=cond,
                    )
            else:
                model.add_seasonality("daily", period=1, fourier_order=c.daily_fourier_order)
        logger.debug(
            "%s: %s seasonality over %.1f days",
            history.name,
            "weekly" if weekly else "no weekly",
            span_days,
        )
        return model

    # --- contract ------------------------------------------------------------------------------

    def fit(self, history: History, horizon_steps: int) -> Self:
        c = self.config
        if c.train_window_days:
            history = history.tail_days(c.train_window_days)
        needed = 2 * history.steps_per_day
        if history.n_observed < needed:
            raise InsufficientHistoryError(
                f"{self.name} needs at least 2 days of observations ({needed} steps); "
                f"{history.name or 'the series'} has {history.n_observed}",
                field="history",
                needed_steps=needed,
                available_steps=history.n_observed,
            )
        quiet_third_party_logs()
        horizon_end = history.end + pd.Timedelta(seconds=history.step_s * horizon_steps)
        model = self._build(history, horizon_end)
        index, y, regressors = self._training_grid(history)
        frame = self._design(index, regressors, history)
        frame["y"] = y
        columns = []
        for name in frame.columns:
            is_regressor = name in history.regressors.columns or name.endswith("__hdh")
            if is_regressor and frame.loc[np.isfinite(y), name].std() > 0:
                model.add_regressor(name)
                columns.append(name)
        fit_kwargs: dict[str, Any] = {}
        if c.speed_tuned:
            # accept L-BFGS's point when its line search stalls (it is at the optimum to
            # within tolerance) instead of Prophet's restart with Newton, several times slower
            fit_kwargs |= {"iter": c.max_iter, "require_converged": False}
        layout = model_layout(model)
        fingerprint = layout_fingerprint(layout)
        source = self._warm_source if self._warm is not None else WarmSource.NONE
        init = warm_init(c, self._warm, fingerprint, layout)
        started = time.perf_counter()
        model, call, reason = self._fit(model, frame, fit_kwargs, init, history, horizon_end)
        self.last_fit_warm = call is not None and call.init_used
        self.fit_log.append(
            FitInfo(
                model=self.name,
                history_end=history.end,
                source=source,
                warm=self.last_fit_warm,
                reason="" if self.last_fit_warm else reason,
                n_iterations=call.n_iterations if call is not None else None,
                initial_log_prob=call.initial_log_prob if call is not None else None,
                fit_s=time.perf_counter() - started,
            )
        )
        if source is WarmSource.STORED and not self.last_fit_warm:
            logger.debug(
                "%s: %s does not start from the stored fit (%s); fitting cold",
                history.name or "series",
                self.name,
                reason,
            )
        self._model = model
        self._history = history
        self._regressor_columns = columns
        self._fitted = fitted_state(model, self.name, fingerprint, layout, history.end)
        self._warm = self._fitted
        self._warm_source = WarmSource.PREVIOUS_FIT
        return self

    def _fit(
        self,
        model: Any,
        frame: pd.DataFrame,
        fit_kwargs: dict[str, Any],
        init: dict[str, Any] | str,
        history: History,
        horizon_end: pd.Timestamp,
    ) -> tuple[Any, StanCall | None, str]:
        """Fit, warm when ``init`` is a dict; (fitted model, what Stan did, why cold)."""
        speed = self.config.speed_tuned
        call = fast_stan_io(model) if speed else None
        reason = init if isinstance(init, str) else ""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if isinstance(init, dict):
                try:
                    fitted = model.fit(frame.reset_index(drop=True), init=init, **fit_kwargs)
                    return fitted, call, call.refused if call is not None else ""
                except (RuntimeError, ValueError) as err:
                    reason = f"Stan failed from the warm start ({err})"
                    logger.debug("%s: %s; fitting cold", self.name, reason)
                    model = self._rebuild_like(model, history, horizon_end)
                    call = fast_stan_io(model) if speed else None
            try:
                return model.fit(frame.reset_index(drop=True), **fit_kwargs), call, reason
            except (RuntimeError, ValueError) as err:
                raise ForecastError(
                    f"Prophet failed to fit {history.name or 'the series'}: {err}",
                    series=history.name or "",
                    model=self.name,
                ) from err

    def _rebuild_like(self, model: Any, history: History, horizon_end: pd.Timestamp) -> Any:
        fresh = self._build(history, horizon_end)
        for name in model.extra_regressors:
            fresh.add_regressor(name)
        return fresh

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        if self._model is None or self._history is None:
            raise NotFittedError(f"{self.name} is not fitted", model=self.name)
        history = self._history
        frame = self._design(future.index, future.regressors, history).reset_index(drop=True)
        model = self._model
        levels = sorted(quantiles)
        symmetric = (
            len(levels) in (2, 3)
            and abs(levels[0] + levels[-1] - 1.0) < 1e-9
            and (len(levels) == 2 or abs(levels[1] - 0.5) < 1e-9)
        )
        samples = None
        rng_state = np.random.get_state()  # Prophet samples from numpy's global generator
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if quantiles:
                    np.random.seed(self.config.seed)
                    if self.config.speed_tuned:
                        model.uncertainty_samples = self.config.uncertainty_samples
                    if symmetric:  # one pass: Prophet's own interval is the outer quantiles
                        model.interval_width = levels[-1] - levels[0]
                    else:
                        samples = model.predictive_samples(frame)["yhat"]
                        model.uncertainty_samples = 0
                point = model.predict(frame)
        finally:
            np.random.set_state(rng_state)
            if self.config.speed_tuned:
                model.uncertainty_samples = 0
        out = pd.DataFrame(
            {"yhat": point["yhat"].to_numpy()}, index=future.index.rename("timestamp")
        )
        if samples is not None:
            qs = np.quantile(samples, levels, axis=1).T
            for j, level in enumerate(levels):
                out[quantile_column(level)] = qs[:, j]
        elif quantiles:
            out[quantile_column(levels[0])] = point["yhat_lower"].to_numpy()
            out[quantile_column(levels[-1])] = point["yhat_upper"].to_numpy()
            if len(levels) == 3:
                out[quantile_column(0.5)] = out["yhat"]
        if quantiles:
            out = out[["yhat", *[quantile_column(q) for q in levels]]]
            sort_quantiles(out, levels)
        return out


def build(config: PipelineConfig) -> ProphetForecaster:
    """Registry factory: the speed-tuned Prophet."""
    return ProphetForecaster(config.prophet)


def build_default(config: PipelineConfig) -> ProphetForecaster:
    """Registry factory: the same features with Prophet's own speed settings (benchmark)."""
    tuned = config.prophet.model_copy(update={"speed_tuned": False})
    return ProphetForecaster(tuned, name="prophet_default")
