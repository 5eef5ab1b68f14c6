"""Prophet in the zoo, tuned for speed, with Polish holidays and weather regressors.

Speed (``ProphetConfig.speed_tuned``): the Stan data go to CmdStan as JSON written by the C
encoder (Prophet's own path serialises them value by value in Python, which costs more than the
fit); a 15-minute series is fitted on its 30-minute means (forecasts stay per step); intervals
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
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from forecasting.calendar import SUNDAY_OR_HOLIDAY, WORKDAY, _holiday_dates, day_type
from forecasting.config import PipelineConfig, ProphetConfig
from forecasting.exceptions import ForecastError, InsufficientHistoryError, NotFittedError
from forecasting.model import Future, History, RegressorRole, quantile_column, sort_quantiles
from forecasting.warm_start import (
    FitInfo,
    ModelState,
    WarmSource,
    layout_difference,
    layout_fingerprint,
)

logger = logging.getLogger(__name__)

_DAY_S = 86_400
_INIT_SCALARS = ("k", "m", "sigma_obs")
_INIT_VECTORS = ("delta", "beta")
_ITERATION_LINE = re.compile(r"^\s*(\d+)\s+[-+0-9.eE]+\s")
_QUIET_LOGGERS = ("cmdstanpy", "prophet", "prophet.models", "prophet.forecaster")


def _quiet_third_party_logs() -> None:
    """cmdstanpy configures its logger (DEBUG, own handler) on first use; quieten it after."""
    from cmdstanpy.utils.logging import get_logger

    get_logger()
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


@dataclass
class _StanCall:
    """What the wrapped Stan backend did with the warm start it was handed (set by the fit)."""

    init_used: bool = False
    refused: str = ""
    n_iterations: int | None = None
    initial_log_prob: float | None = None


def _shape_mismatch(default: dict[str, Any], custom: dict[str, Any]) -> str:
    """Why ``custom`` cannot replace Prophet's default inits ("" when it can, whole)."""
    for name in _INIT_VECTORS:
        want, got = np.shape(default[name]), np.shape(custom[name])
        if want != got:
            return f"{name} has shape {got}, the model needs {want}"
    return ""


def _progress(stan_fit: Any) -> tuple[float | None, int | None]:
    """The log density at the start and the L-BFGS iterations, from CmdStan's console output.

    CmdStan prints the initial log joint probability and the iteration line at which it
    stops; (None, None) when the output is not there.
    """
    try:
        text = Path(stan_fit.runset.stdout_files[0]).read_text()
    except (AttributeError, IndexError, OSError):
        return None, None
    _, found, progress = text.partition("Initial log joint probability =")
    if not found:
        return None, None
    first, _, rest = progress.partition("\n")
    try:
        initial = float(first.strip())
    except ValueError:
        initial = None
    last = None
    for line in rest.splitlines():
        if line.startswith("Optimization terminated"):
            break
        match = _ITERATION_LINE.match(line)
        if match:
            last = int(match.group(1))
    return initial, last


def _fast_stan_io(model: Any) -> _StanCall:
    """Hand the Stan data and inits to CmdStan as JSON files written by the C JSON encoder.

    Prophet passes them as dicts, which cmdstanpy serialises value by value in Python: for a
    few thousand rows that takes several times longer than the L-BFGS fit itself. The
    instance's backend is wrapped; the data and the optimiser are unchanged. A warm start
    (``init=``) is used whole or not at all (Prophet would silently mix it with its defaults
    where a shape differs); the returned record says which, and the iterations run.
    """
    backend = model.stan_backend
    original_fit = backend.fit
    call = _StanCall()

    def fit(stan_init: dict[str, Any], stan_data: dict[str, Any], **kwargs: Any) -> Any:
        if "init" in kwargs:
            custom = kwargs.pop("init")
            call.refused = _shape_mismatch(stan_init, custom)
            if not call.refused:
                stan_init = backend.sanitize_custom_inits(stan_init, custom)
                call.init_used = True
        inits, data = backend.prepare_data(stan_init, stan_data)
        with tempfile.TemporaryDirectory(prefix="kof-prophet-") as folder:
            data_path = Path(folder) / "data.json"
            init_path = Path(folder) / "inits.json"
            data_path.write_text(json.dumps(data))
            init_path.write_text(json.dumps(inits))
            params = original_fit(
                stan_init, stan_data, data=str(data_path), inits=str(init_path), **kwargs
            )
        call.initial_log_prob, call.n_iterations = _progress(backend.stan_fit)
        return params

    backend.fit = fit
    return call


def _layout(model: Any) -> dict[str, Any]:
    """What the Stan parameters of an unfitted ``model`` mean: changepoints, beta's columns."""
    holidays = model.holidays
    return {
        "growth": model.growth,
        "n_changepoints": int(model.n_changepoints),
        "auto_seasonalities": [
            model.yearly_seasonality,
            model.weekly_seasonality,
            model.daily_seasonality,
        ],
        "seasonalities": [
            [name, float(p["period"]), int(p["fourier_order"]), p["mode"], p["condition_name"]]
            for name, p in model.seasonalities.items()
        ],
        "holidays": sorted({str(h) for h in holidays["holiday"]}) if holidays is not None else [],
        "regressors": [[name, p["mode"]] for name, p in model.extra_regressors.items()],
    }


def _init_of(state: ModelState) -> dict[str, Any] | str:
    """Prophet's ``init`` dict from a state, or why the state cannot give one."""
    params = state.params
    for name in _INIT_SCALARS:
        if not isinstance(params.get(name), float):
            return f"the state has no scalar {name}"
    for name in _INIT_VECTORS:
        if not isinstance(params.get(name), tuple):
            return f"the state has no vector {name}"
    init: dict[str, Any] = {name: params[name] for name in _INIT_SCALARS}
    init |= {name: np.asarray(params[name], dtype=float) for name in _INIT_VECTORS}
    return init


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

        Speed-tuned, a series finer than ``fit_step_s`` (30 min) is fitted on its means over
        that step, stamped at the centre of the steps averaged: the Fourier terms (shortest
        period a few hours) and the linear regressors are the same functions of time, fitted on
        half (15-min data) of the rows. Forecasts are still made at every step of the horizon.
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
        _quiet_third_party_logs()
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
        layout = _layout(model)
        fingerprint = layout_fingerprint(layout)
        source = self._warm_source if self._warm is not None else WarmSource.NONE
        init = self._warm_init(fingerprint, layout)
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
        params = model.params
        self._fitted = ModelState(
            model=self.name,
            fingerprint=fingerprint,
            layout=layout,
            params={
                **{name: float(params[name][0][0]) for name in _INIT_SCALARS},
                **{
                    name: tuple(float(v) for v in np.asarray(params[name][0]).ravel())
                    for name in _INIT_VECTORS
                },
            },
            history_end=history.end,
            fitted_at=pd.Timestamp.now(tz="UTC"),
        )
        self._warm = self._fitted
        self._warm_source = WarmSource.PREVIOUS_FIT
        return self

    def _warm_init(self, fingerprint: str, layout: dict[str, Any]) -> dict[str, Any] | str:
        """Prophet's ``init`` from the state on offer, or why the fit starts cold."""
        c = self.config
        if not (c.speed_tuned and c.warm_start):
            return "warm start is off"
        state = self._warm
        if state is None:
            return "no previous fit"
        if state.fingerprint != fingerprint:
            return "the model layout changed: " + layout_difference(state.layout, layout)
        return _init_of(state)

    def _fit(
        self,
        model: Any,
        frame: pd.DataFrame,
        fit_kwargs: dict[str, Any],
        init: dict[str, Any] | str,
        history: History,
        horizon_end: pd.Timestamp,
    ) -> tuple[Any, _StanCall | None, str]:
        """Fit, warm when ``init`` is a dict; (fitted model, what Stan did, why cold)."""
        speed = self.config.speed_tuned
        call = _fast_stan_io(model) if speed else None
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
                    call = _fast_stan_io(model) if speed else None
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
