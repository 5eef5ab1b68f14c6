"""Pick or weight the models of a series from its backtest, never worse than seasonal naive.

Candidates:

- ENSEMBLE: equal weights over a fixed set of models (``CombinerConfig.ensembles``, and the
  mean of every model that is not a seasonal naive). Nothing is learnt from the folds, so the
  backtest score of an ensemble is honest as it is; an equal-weight mean of a few diverse
  models is hard to beat with weights learnt from a handful of days (the "forecast
  combination puzzle").
- BEST (the model with the lowest MASE) and BLEND-k (the k best by inverse mean squared
  scaled error), learnt from the folds.

Every candidate is scored by leave-one-fold-out cross-validation (the weights used on a fold
are learnt from the other folds). The best ensemble is taken unless a learnt candidate beats it
by ``learned_margin``. If the choice is worse than the better seasonal naive by more than
``fallback_tolerance`` over at least two folds, that seasonal naive is used and a
``ForecastWarning`` says so.

The backtest's honest figure of this procedure (``cross_validated_frames``) is nested: the
forecast of each fold comes from the whole choice (candidate, weights, fallback) made on the
other folds only.

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
from forecasting.model import quantile_column, sort_quantiles
from forecasting.registry import SEASONAL_NAIVE_NAMES

logger = logging.getLogger(__name__)

_WIDTH_FACTORS = np.round(np.arange(0.5, 3.01, 0.05), 2)
# One fold is one day of a day-ahead forecast: not enough to overrule the ensemble.
_MIN_FALLBACK_FOLDS = 2


class Strategy(StrEnum):
    """How the combined forecast was formed."""

    BEST = "best"
    BLEND = "blend"
    ENSEMBLE = "ensemble"  # equal weights over a fixed set of models
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


@dataclass(frozen=True)
class Candidate:
    """One way to combine: a fixed ensemble (``members``) or a learnt BEST / BLEND-k."""

    strategy: Strategy
    size: int = 1
    members: tuple[str, ...] = ()

    @property
    def learnt(self) -> bool:
        return self.strategy is not Strategy.ENSEMBLE

    def weights(self, folds: Sequence[Fold], models: Sequence[str]) -> dict[str, float]:
        """The weights (sum 1) on ``folds``; an ensemble ignores them."""
        if self.strategy is Strategy.ENSEMBLE:
            return {m: 1.0 / len(self.members) for m in self.members}
        mase = {m: float(np.nanmean(np.abs(_scaled_errors(folds, m)))) for m in models}
        ranked = sorted(models, key=lambda m: (np.nan_to_num(mase[m], nan=np.inf), m))
        if self.strategy is Strategy.BEST:
            return {ranked[0]: 1.0}
        chosen = ranked[: self.size]
        inverse = {
            m: 1.0 / max(float(np.nanmean(_scaled_errors(folds, m) ** 2)), 1e-12) for m in chosen
        }
        total = sum(inverse.values())
        return {m: v / total for m, v in inverse.items() if v / total > 1e-3}


def candidates(models: Sequence[str], config: CombinerConfig) -> list[Candidate]:
    """The candidates for these models: ensembles first (in config order), then learnt ones."""
    out: list[Candidate] = []
    non_naive = tuple(m for m in models if m not in SEASONAL_NAIVE_NAMES)
    sets = [tuple(s) for s in config.ensembles if s and all(m in models for m in s)]
    for members in [*sets, non_naive] if non_naive and config.mean_of_all else sets:
        candidate = Candidate(Strategy.ENSEMBLE, len(members), members)
        if candidate not in out:
            out.append(candidate)
    out.append(Candidate(Strategy.BEST))
    out += [Candidate(Strategy.BLEND, k) for k in config.blend_sizes if k <= len(models)]
    return out


def _mase(
    folds: Sequence[Fold], frames: Sequence[pd.DataFrame], quantiles: Sequence[float]
) -> float:
    return pooled_metrics(folds, frames, quantiles).mase


def _loo_frames(
    folds: Sequence[Fold], models: Sequence[str], candidate: Candidate, quantiles: Sequence[float]
) -> list[pd.DataFrame]:
    """Per fold, the candidate's weights learnt on the other folds applied to that fold."""
    frames = []
    for i, fold in enumerate(folds):
        others = [f for j, f in enumerate(folds) if j != i] or [fold]
        frames.append(combine_frames(fold.forecasts, candidate.weights(others, models), quantiles))
    return frames


@dataclass(frozen=True)
class _Choice:
    candidate: Candidate | None  # None: the reference seasonal naive
    weights: dict[str, float]
    cv_mase: float
    reference: str
    reference_mase: float
    frames: list[pd.DataFrame]


def _select(
    folds: Sequence[Fold],
    models: Sequence[str],
    references: Sequence[str],
    quantiles: Sequence[float],
    config: CombinerConfig,
) -> _Choice:
    """The whole choice made on ``folds``: candidate, weights, or the seasonal naive."""
    ref_mase = {m: _mase(folds, [f.forecasts[m] for f in folds], quantiles) for m in references}
    reference = min(references, key=lambda m: (np.nan_to_num(ref_mase[m], nan=np.inf), m))
    pool = candidates(models, config)
    if len(folds) < 2:  # nothing to cross-validate a learnt candidate on: the first ensemble
        pool = [c for c in pool if not c.learnt][:1] or pool[:1]
    scored = []
    for candidate in pool:
        frames = _loo_frames(folds, models, candidate, quantiles)
        scored.append(
            (np.nan_to_num(_mase(folds, frames, quantiles), nan=np.inf), candidate, frames)
        )
    fixed = [c for c in scored if not c[1].learnt]
    learnt = [c for c in scored if c[1].learnt]
    best = min(fixed or learnt, key=lambda c: c[0])
    if learnt and fixed:
        best_learnt = min(learnt, key=lambda c: c[0])
        if best_learnt[0] < (1.0 - config.learned_margin) * best[0]:
            best = best_learnt
    cv_mase, candidate, frames = best
    weights = candidate.weights(folds, models)
    worse = not cv_mase <= (1.0 + config.fallback_tolerance) * ref_mase[reference]
    if worse and len(folds) >= _MIN_FALLBACK_FOLDS:
        frames = [f.forecasts[reference] for f in folds]
        return _Choice(
            None, {reference: 1.0}, ref_mase[reference], reference, ref_mase[reference], frames
        )
    return _Choice(candidate, weights, float(cv_mase), reference, ref_mase[reference], frames)


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
    model_mase = {m: result.metrics(m).mase for m in models}
    choice = _select(result.folds, models, references, result.quantiles, config)
    width = _width_factor(result, choice.frames)
    alone = next(iter(choice.weights)) if len(choice.weights) == 1 else None
    if choice.candidate is None or alone in SEASONAL_NAIVE_NAMES:
        reference = alone or choice.reference
        note = (
            f"no combination beat {choice.reference} in the backtest (cross-validated MASE "
            f"{choice.cv_mase:.3f} vs {choice.reference_mase:.3f}, fallback tolerance "
            f"{config.fallback_tolerance:.0%}); using {reference}"
        )
        warnings.warn(note, ForecastWarning, stacklevel=2)
        return Combination(
            weights={reference: 1.0},
            strategy=Strategy.FALLBACK,
            reference=reference,
            cv_mase=model_mase[reference],
            reference_mase=choice.reference_mase,
            width_factor=width,
            note=note,
            model_mase=model_mase,
        )
    candidate = choice.candidate
    note = (
        f"{candidate.strategy.value}: cross-validated MASE {choice.cv_mase:.3f} vs "
        f"{choice.reference} {choice.reference_mase:.3f}"
    )
    if choice.cv_mase > choice.reference_mase:
        note += (
            f" (behind {choice.reference} on these folds but within the fallback tolerance "
            f"{config.fallback_tolerance:.0%}: a few folds are a few days, and across series "
            "the choice beats seasonal naive out of sample more often than switching does)"
        )
    logger.info("%s", note)
    return Combination(
        weights=choice.weights,
        strategy=candidate.strategy,
        size=candidate.size,
        reference=choice.reference,
        cv_mase=choice.cv_mase,
        reference_mase=choice.reference_mase,
        width_factor=width,
        note=note,
        model_mase=model_mase,
    )


def cross_validated_frames(
    result: BacktestResult, combination: Combination, config: CombinerConfig | None = None
) -> list[pd.DataFrame]:
    """The honest per-fold combined forecasts (for reporting), by nested cross-validation.

    The forecast of each fold is the one the whole procedure (candidate, weights, fallback to
    seasonal naive) chooses on the other folds; ``combination``'s interval calibration is kept.
    """
    models = result.models()
    references = [m for m in SEASONAL_NAIVE_NAMES if m in models]
    config = config or CombinerConfig()
    frames = []
    for i, fold in enumerate(result.folds):
        others = [f for j, f in enumerate(result.folds) if j != i]
        if not others:
            frames.append(fold.forecasts[combination.reference])
            continue
        choice = _select(others, models, references, result.quantiles, config)
        frames.append(combine_frames(fold.forecasts, choice.weights, result.quantiles))
    return [
        combine_frames({"c": fr}, {"c": 1.0}, result.quantiles, combination.width_factor)
        for fr in frames
    ]
