from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from forecasting.backtest import run_backtest
from forecasting.baselines import SeasonalNaive
from forecasting.combiner import Candidate, Strategy, candidates, choose
from forecasting.config import BacktestConfig, CombinerConfig, PipelineConfig
from forecasting.exceptions import ForecastWarning
from forecasting.model import Future, History
from forecasting.registry import ForecasterRegistry
from tests.forecasting.conftest import synthetic_history


class _Shifted(SeasonalNaive):
    """The weekly seasonal naive plus a constant: a model worse than its baseline."""

    def __init__(self, offset: float, name: str):
        super().__init__(period_days=7)
        self.offset = offset
        self.name = name

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        return super().predict(future, quantiles) + self.offset


class _Oracle:
    """Knows the future: the best possible model."""

    name = "oracle"

    def __init__(self, truth: pd.Series):
        self.truth = truth
        self.is_fitted = False

    def fit(self, history: History, horizon_steps: int) -> "_Oracle":
        self.is_fitted = True
        return self

    def predict(self, future: Future, quantiles: Sequence[float] = ()) -> pd.DataFrame:
        y = self.truth.reindex(future.index).to_numpy()
        frame = pd.DataFrame({"yhat": y}, index=future.index)
        for q in quantiles:
            frame[f"q{q:g}"] = y + (q - 0.5)
        return frame


def _config(models: tuple[str, ...]) -> PipelineConfig:
    return PipelineConfig(models=models, backtest=BacktestConfig(folds=4, stride_steps=24))


def test_no_model_better_than_seasonal_naive_means_the_seasonal_naive_with_a_warning() -> None:
    history, _, _ = synthetic_history(days=28, with_temperature=False)
    registry = ForecasterRegistry()
    registry.register("bad", lambda config: _Shifted(5.0, "bad"))
    config = _config(("seasonal_naive_daily", "bad"))

    result = run_backtest(history, 24, config, registry=registry)
    with pytest.warns(ForecastWarning, match="no combination beat"):
        combination = choose(result, config.combiner)

    assert combination.strategy is Strategy.FALLBACK
    assert combination.weights == {combination.reference: 1.0}
    assert len(result.folds) == 4


def test_a_better_model_is_chosen_and_weights_sum_to_one() -> None:
    history, truth, _ = synthetic_history(days=28, with_temperature=False)
    registry = ForecasterRegistry()
    registry.register("oracle", lambda config: _Oracle(truth))
    config = _config(("seasonal_naive_daily", "seasonal_naive_weekly", "climatology", "oracle"))

    combination = choose(run_backtest(history, 24, config, registry=registry), config.combiner)

    assert combination.strategy in (Strategy.BEST, Strategy.BLEND)
    assert combination.weights["oracle"] > 0.9
    assert sum(combination.weights.values()) == pytest.approx(1.0)
    assert combination.cv_mase < 0.1 * combination.reference_mase


def test_a_model_short_of_history_is_left_out_of_the_backtest() -> None:
    history, _, _ = synthetic_history(days=9, with_temperature=False)
    config = PipelineConfig(
        models=("seasonal_naive_daily", "seasonal_naive_weekly", "lightgbm"),
        backtest=BacktestConfig(folds=3, min_train_days=2),
    )
    result = run_backtest(history, 24, config)
    assert "seasonal_naive_weekly" in result.skipped
    assert result.models() == ["lightgbm", "seasonal_naive_daily"]
    assert np.isfinite(result.metrics("lightgbm").mase)


def test_candidates_are_the_complete_fixed_ensembles_then_the_learnt_ones() -> None:
    config = CombinerConfig(
        ensembles=(("seasonal_ridge", "lightgbm"), ("seasonal_ridge", "prophet")),
        mean_of_all=True,
        blend_sizes=(2, 9),
    )
    models = ["climatology", "lightgbm", "seasonal_naive_daily", "seasonal_ridge"]

    found = candidates(models, config)

    assert found == [
        Candidate(Strategy.ENSEMBLE, 2, ("seasonal_ridge", "lightgbm")),  # prophet is missing
        Candidate(Strategy.ENSEMBLE, 3, ("climatology", "lightgbm", "seasonal_ridge")),
        Candidate(Strategy.BEST),
        Candidate(Strategy.BLEND, 2),  # a blend of 9 needs 9 models
    ]
    weights = found[1].weights([], models)
    assert weights == pytest.approx(dict.fromkeys(found[1].members, 1 / 3))
