"""Pick or weight the models of a series from its backtest, never worse than seasonal naive.

Candidates are scored by leave-one-fold-out cross-validation (the weights used on a fold are
learnt from the other folds, so the score is honest): BEST takes the model with the lowest MASE,
BLEND-k weights the k best models by inverse mean squared scaled error (k from
``CombinerConfig.blend_sizes``). The candidate with the lowest cross-validated MASE wins,
refitted on all folds. If it does not beat the better
seasonal naive, that seasonal naive is used and a ``ForecastWarning`` says so.

Quantiles of a blend are the weighted means of the members' quantiles (Vincentisation), with
the interval widened or narrowed by one factor so that its backtest coverage is the nominal one.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from forecasting.backtest import BacktestResult, Fold, pooled_metrics
from forecasting.config import CombinerConfig
from forecasting.exceptions import ForecastError, ForecastWarning
from forecasting.metrics import Metrics
from forecasting.model import quantile_column, sort_quantiles
from forecasting.registry import SEASONAL_NAIVE_NAMES

logger = logging.getLogger(__name__)

_WIDTH_FACTORS = np.round(np.arange(0.5, 3.01, 0.05), 2)


class Strategy(StrEnum):
    """How the combined forecast was formed."""

    BEST = "best"
    BLEND = "blend"
    FALLBACK = "fallback"  # no model beat seasonal naive: the seasonal naive itself


@dataclass(frozen=True)
class Combination:
    """Weights of the models in the combined forecast and the evidence for them.

    Attributes:
        weights: model name to weight (sum 1), only models with a positive weight.
        strategy: BEST, BLEND or FALLBACK.
        size: the number of models a BLEND weights (1 otherwise).
        reference: the seasonal naive the combination had to beat.
        cv_mase: the cross-validated MASE of the combination.
        reference_mase: the backtest MASE of the reference.
        width_factor: the interval width calibration.
        note: why this choice (shown to operators).
    """

    weights: dict[str, float]
    strategy: Strategy
    reference: str
    cv_mase: float
    reference_mase: float
    width_factor: float = 1.0
    note: str = ""
    size: int = 1
    model_mase: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """A short description, e.g. ``blend(lightgbm=0.62,prophet=0.38)``."""
        if len(self.weights) == 1:
            return next(iter(self.weights))
        parts = ",".join(
            f"{k}={v:.2f}" for k, v in sorted(self.weights.items(), key=lambda i: -i[1])
        )
        return f"blend({parts})"

    def apply(
        self, forecasts: Mapping[str, pd.DataFrame], quantiles: Sequence[float]
    ) -> pd.DataFrame:
        """The combined forecast frame from the members' frames (same index)."""
        return combine_frames(forecasts, self.weights, quantiles, self.width_factor)


def combine_frames(
    forecasts: Mapping[str, pd.DataFrame],
    weights: Mapping[str, float],
    quantiles: Sequence[float],
    width_factor: float = 1.0,
) -> pd.DataFrame:
    """Weighted mean of ``yhat`` and of each quantile; quantiles scaled about ``yhat``."""
    missing = [m for m in weights if m not in forecasts]
    if missing:
        raise ForecastError(f"no forecast of {missing[0]} to combine", model=missing[0])
    first = forecasts[next(iter(weights))]
    out = pd.DataFrame(index=first.index)
    cols = ["yhat", *[quantile_column(q) for q in quantiles]]
    for col in cols:
        out[col] = sum(w * forecasts[m][col].to_numpy(dtype=float) for m, w in weights.items())
    for q in quantiles:
        col = quantile_column(q)
        out[col] = out["yhat"] + width_factor * (out[col] - out["yhat"])
    return sort_quantiles(out, quantiles)


def _scaled_errors(folds: Sequence[Fold], model: str) -> np.ndarray:
    return np.concatenate(
        [
            (f.actual.to_numpy(dtype=float) - f.forecasts[model]["yhat"].to_numpy(dtype=float))
            / (f.scale if np.isfinite(f.scale) and f.scale > 0 else 1.0)
            for f in folds
        ]
    )


def _weights(
    folds: Sequence[Fold], models: Sequence[str], strategy: Strategy, size: int
) -> dict[str, float]:
    mase = {m: float(np.nanmean(np.abs(_scaled_errors(folds, m)))) for m in models}
    ranked = sorted(models, key=lambda m: (mase[m], m))
    if strategy is Strategy.BEST:
        return {ranked[0]: 1.0}
    chosen = ranked[:size]
    inverse = {
        m: 1.0 / max(float(np.nanmean(_scaled_errors(folds, m) ** 2)), 1e-12) for m in chosen
    }
    total = sum(inverse.values())
    return {m: v / total for m, v in inverse.items() if v / total > 1e-3}


def _cross_validated(
    result: BacktestResult, models: Sequence[str], strategy: Strategy, size: int
) -> list[pd.DataFrame]:
    """Per fold, the combination learnt on the other folds applied to that fold."""
    folds = result.folds
    frames = []
    for i, fold in enumerate(folds):
        others = [f for j, f in enumerate(folds) if j != i] or [fold]
        weights = _weights(others, models, strategy, size)
        frames.append(combine_frames(fold.forecasts, weights, result.quantiles))
    return frames


def _width_factor(result: BacktestResult, frames: Sequence[pd.DataFrame]) -> float:
    qs = sorted(result.quantiles)
    lo, hi = quantile_column(qs[0]), quantile_column(qs[-1])
    nominal = qs[-1] - qs[0]
    a = np.concatenate([f.actual.to_numpy(dtype=float) for f in result.folds])
    yhat = np.concatenate([fr["yhat"].to_numpy() for fr in frames])
    lower = np.concatenate([fr[lo].to_numpy() for fr in frames])
    upper = np.concatenate([fr[hi].to_numpy() for fr in frames])
    ok = np.isfinite(a) & np.isfinite(lower) & np.isfinite(upper)
    if ok.sum() < 20:
        return 1.0
    a, yhat, lower, upper = a[ok], yhat[ok], lower[ok], upper[ok]
    for factor in _WIDTH_FACTORS:
        inside = (a >= yhat + factor * (lower - yhat)) & (a <= yhat + factor * (upper - yhat))
        if inside.mean() >= nominal:
            return float(factor)
    return float(_WIDTH_FACTORS[-1])


def choose(result: BacktestResult, config: CombinerConfig | None = None) -> Combination:
    """The combination for one series from its backtest.

    Raises:
        ForecastError: no seasonal naive in the backtest (it is the reference).
    """
    config = config or CombinerConfig()
    models = result.models()
    references = [m for m in SEASONAL_NAIVE_NAMES if m in models]
    if not references:
        raise ForecastError(
            "the backtest has no seasonal naive forecast to compare with; "
            f"skipped: {result.skipped}",
            model="seasonal_naive_daily",
        )
    table: dict[str, Metrics] = {m: result.metrics(m) for m in models}
    model_mase = {m: table[m].mase for m in models}
    reference = min(references, key=lambda m: (np.nan_to_num(table[m].mase, nan=np.inf), m))
    ref_mase = table[reference].mase
    candidates = [(Strategy.BEST, 1)] + [
        (Strategy.BLEND, k) for k in config.blend_sizes if k <= len(models)
    ]
    scores: dict[tuple[Strategy, int], tuple[float, list[pd.DataFrame]]] = {}
    for strategy, size in candidates:
        frames = _cross_validated(result, models, strategy, size)
        mase = pooled_metrics(result.folds, frames, result.quantiles).mase
        scores[(strategy, size)] = (mase, frames)
    strategy, size = min(scores, key=lambda c: (np.nan_to_num(scores[c][0], nan=np.inf), c[1]))
    cv_mase, frames = scores[(strategy, size)]
    weights = _weights(result.folds, models, strategy, size)
    beats = np.isfinite(cv_mase) and cv_mase < (1.0 - config.margin) * ref_mase
    if not beats:
        note = (
            f"no combination beat {reference} in the backtest (cross-validated MASE "
            f"{cv_mase:.3f} vs {ref_mase:.3f}); using {reference}"
        )
        warnings.warn(note, ForecastWarning, stacklevel=2)
        ref_frames = [f.forecasts[reference] for f in result.folds]
        return Combination(
            weights={reference: 1.0},
            strategy=Strategy.FALLBACK,
            reference=reference,
            cv_mase=ref_mase,
            reference_mase=ref_mase,
            width_factor=_width_factor(result, ref_frames),
            note=note,
            model_mase=model_mase,
        )
    note = f"{strategy.value}: cross-validated MASE {cv_mase:.3f} vs {reference} {ref_mase:.3f}"
    logger.info("%s", note)
    return Combination(
        weights=weights,
        strategy=strategy,
        size=size,
        reference=reference,
        cv_mase=cv_mase,
        reference_mase=ref_mase,
        width_factor=_width_factor(result, frames),
        note=note,
        model_mase=model_mase,
    )


def cross_validated_frames(result: BacktestResult, combination: Combination) -> list[pd.DataFrame]:
    """The honest per-fold combined forecasts behind ``combination`` (for reporting)."""
    if combination.strategy is Strategy.FALLBACK:
        frames = [f.forecasts[combination.reference] for f in result.folds]
    else:
        frames = _cross_validated(result, result.models(), combination.strategy, combination.size)
    return [
        combine_frames({"c": fr}, {"c": 1.0}, result.quantiles, combination.width_factor)
        for fr in frames
    ]
