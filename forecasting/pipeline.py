"""One series end to end: backtest the zoo, combine, refit on the whole history, forecast.

Documented fallbacks (each with a ``ForecastWarning`` and a note in the result):
- a constant history: the forecast is that constant, with a zero-width interval;
- a model that cannot fit (too little history for it, a solver failure) is left out;
- too little history for even one backtest fold: the daily seasonal naive alone;
- no combination beats seasonal naive in the backtest: the seasonal naive (see combiner).
Too little history for the daily seasonal naive (less than one day) is an error.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.backtest import BacktestResult, run_backtest
from forecasting.bounds import apply_physical_bounds
from forecasting.combiner import Combination, Strategy, choose, cross_validated_frames
from forecasting.config import PipelineConfig
from forecasting.exceptions import (
    EmptySeriesError,
    ForecastError,
    ForecastWarning,
    InsufficientHistoryError,
)
from forecasting.metrics import Metrics
from forecasting.model import Future, History, quantile_column
from forecasting.registry import ForecasterRegistry, default_registry
from forecasting.warm_start import FitInfo, ModelState, collect_states, seed_forecasters

logger = logging.getLogger(__name__)

CONSTANT_MODEL = "constant"


@dataclass
class ForecastOutcome:
    """A forecast and how it was made.

    Attributes:
        forecast: ``yhat`` and one column per quantile, indexed by target time (UTC).
        model: the combination's label (``lightgbm``, ``blend(...)``, ``constant``).
        combination: the weights and the backtest evidence (None for a single model or a
            constant series).
        backtest: the backtest behind the combination, if one ran.
        notes: the fallbacks that happened, as shown to operators.
        states: per model name, the last fit of each warm-startable forecaster (to store for
            the next run's warm start).
        fits: how each fit of a warm-startable forecaster started (warm or cold, and why).
    """

    forecast: pd.DataFrame
    model: str
    combination: Combination | None = None
    backtest: BacktestResult | None = None
    notes: list[str] = field(default_factory=list)
    states: dict[str, ModelState] = field(default_factory=dict)
    fits: list[FitInfo] = field(default_factory=list)


def _note(notes: list[str], message: str) -> None:
    notes.append(message)
    warnings.warn(message, ForecastWarning, stacklevel=3)


def check_history(history: History) -> None:
    """Refuse a history with no value or less than a day of values."""
    if history.n_observed == 0:
        raise EmptySeriesError(
            f"{history.name or 'series'}: the target has no value in the history",
            field=str(history.y.name or "target"),
        )
    if history.n_observed < history.steps_per_day:
        raise InsufficientHistoryError(
            f"{history.name or 'series'}: at least one day of values ({history.steps_per_day} "
            f"steps) is needed; the history has {history.n_observed}",
            field="history",
            needed_steps=history.steps_per_day,
            available_steps=history.n_observed,
        )


def constant_value(history: History) -> float | None:
    """The value of a history whose observations are all equal, else None."""
    values = history.y.dropna().to_numpy()
    if len(values) and np.allclose(values, values[0], rtol=0.0, atol=1e-12):
        return float(values[0])
    return None


def _constant_forecast(value: float, future: Future, quantiles: tuple[float, ...]) -> pd.DataFrame:
    frame = pd.DataFrame({"yhat": value}, index=future.index.rename("timestamp"))
    for q in quantiles:
        frame[quantile_column(q)] = value
    return frame


def forecast_series(
    history: History,
    future: Future,
    config: PipelineConfig | None = None,
    registry: ForecasterRegistry | None = None,
    warm_states: Mapping[str, ModelState] | None = None,
) -> ForecastOutcome:
    """Forecast ``future`` from ``history`` with the combination chosen by a backtest.

    With a single model in ``config.models``, that model is fitted and used directly.
    ``warm_states`` (per model name, a previous run's fit) are offered to the warm-startable
    forecasters (Prophet) for their first fit; the outcome carries their new states.

    Raises:
        EmptySeriesError, InsufficientHistoryError: see ``check_history``.
    """
    config = config or PipelineConfig()
    registry = registry or default_registry()
    check_history(history)
    notes: list[str] = []
    quantiles = config.quantiles
    value = constant_value(history)
    if value is not None:
        _note(
            notes,
            f"{history.name or 'series'}: the history is constant ({value:g}); "
            "the forecast is that constant",
        )
        return ForecastOutcome(
            _constant_forecast(value, future, quantiles), CONSTANT_MODEL, notes=notes
        )
    horizon = future.horizon_steps
    if len(config.models) == 1:
        name = config.models[0]
        model = registry.create(name, config)
        seed_forecasters({name: model}, warm_states or {})
        model.fit(history, horizon)
        forecast = apply_physical_bounds(model.predict(future, quantiles), history)
        states, fits = collect_states({name: model})
        return ForecastOutcome(forecast, name, notes=notes, states=states, fits=fits)
    try:
        result = run_backtest(history, horizon, config, registry=registry, warm_states=warm_states)
        combination = choose(result, config.combiner)
    except InsufficientHistoryError as err:
        _note(
            notes,
            f"{history.name or 'series'}: no backtest possible ({err}); using seasonal_naive_daily",
        )
        model = registry.create("seasonal_naive_daily", config).fit(history, horizon)
        forecast = apply_physical_bounds(model.predict(future, quantiles), history)
        return ForecastOutcome(forecast, "seasonal_naive_daily", notes=notes)
    if combination.strategy is Strategy.FALLBACK:
        notes.append(combination.note)
    frames: dict[str, pd.DataFrame] = {}
    for name in combination.weights:
        try:
            model = result.forecasters.get(name) or registry.create(name, config)
            model.fit(history, horizon)
            frames[name] = apply_physical_bounds(model.predict(future, quantiles), history)
        except ForecastError as err:
            _note(
                notes, f"{name} failed on the full history ({err}); using {combination.reference}"
            )
            model = registry.create(combination.reference, config).fit(history, horizon)
            frames = {combination.reference: model.predict(future, quantiles)}
            combination = Combination(
                weights={combination.reference: 1.0},
                strategy=Strategy.FALLBACK,
                reference=combination.reference,
                cv_mase=combination.reference_mase,
                reference_mase=combination.reference_mase,
                width_factor=combination.width_factor,
                note=notes[-1],
                model_mase=combination.model_mase,
            )
            break
    forecast = apply_physical_bounds(combination.apply(frames, quantiles), history)
    states, fits = collect_states(result.forecasters)
    return ForecastOutcome(
        forecast, combination.label, combination, result, notes, states=states, fits=fits
    )


@dataclass
class BacktestReport:
    """Per-model and combined backtest metrics of one series."""

    result: BacktestResult
    combination: Combination
    metrics: dict[str, Metrics]
    combined: Metrics
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        ref = self.combination.reference
        ref_mase = self.metrics[ref].mase
        return {
            "folds": [f.origin.isoformat() for f in self.result.folds],
            "horizon_steps": self.result.horizon_steps,
            "step_s": self.result.step_s,
            "quantiles": list(self.result.quantiles),
            "models": {m: v.as_dict() for m, v in self.metrics.items()},
            "combined": {
                **self.combined.as_dict(),
                "model": self.combination.label,
                "strategy": self.combination.strategy.value,
                "weights": {k: round(v, 4) for k, v in self.combination.weights.items()},
            },
            "reference": ref,
            "seasonal_naive": {**self.metrics[ref].as_dict(), "model": ref},
            "combined_mase_ratio_to_seasonal_naive": (
                round(self.combined.mase / ref_mase, 4) if ref_mase else None
            ),
            "skipped": self.result.skipped,
            "notes": self.notes,
        }


def backtest_series(
    history: History,
    horizon_steps: int,
    config: PipelineConfig | None = None,
    registry: ForecasterRegistry | None = None,
) -> BacktestReport:
    """Backtest every model of ``config.models`` and the combination on ``history``.

    The combined forecast of each fold uses weights learnt on the other folds only.
    """
    config = config or PipelineConfig()
    check_history(history)
    notes: list[str] = []
    if constant_value(history) is not None:
        _note(notes, f"{history.name or 'series'}: the history is constant; MASE is undefined")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForecastWarning)
        result = run_backtest(history, horizon_steps, config, registry=registry)
        combination = choose(result, config.combiner)
    for item in caught:
        if issubclass(item.category, ForecastWarning):
            _note(notes, str(item.message))
    metrics = {m: result.metrics(m) for m in result.models()}
    frames = cross_validated_frames(result, combination, config.combiner)
    combined = result.metrics(frames)
    return BacktestReport(result, combination, metrics, combined, notes)
