"""Configuration of the forecasters, the backtest and the combiner (pydantic, extra="forbid").

Every model is configured by its own small model; ``PipelineConfig`` gathers them for the
``predict``/``backtest`` commands and the scheduled run. A misspelt key is an error, not ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from forecasting.exceptions import ForecastInputError
from forecasting.model import DEFAULT_QUANTILES, MissingRegressorPolicy, check_quantiles


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClimatologyConfig(_Config):
    """Climatology: the mean profile per day type and local clock slot over recent weeks."""

    n_weeks: int = Field(default=4, ge=1, le=52, description="weeks of history in the profile")
    recency_halflife_weeks: float = Field(
        default=2.0, gt=0, description="weight of a day halves every this many weeks back"
    )
    by_weekday: bool = Field(
        default=False, description="one profile per weekday instead of per day type"
    )


class ProphetConfig(_Config):
    """Prophet, tuned for speed unless ``speed_tuned`` is False (the library's defaults).

    Attributes:
        speed_tuned: False reproduces ``Prophet()`` with the library's defaults (for the benchmark).
        max_iter: L-BFGS iteration limit of the MAP fit (the library default is 10,000).
        n_changepoints: potential trend changepoints (library default 25).
        daily_fourier_order: Fourier terms of the daily profile (library default 4).
        uncertainty_samples: trend/noise samples drawn for intervals, only when quantiles are asked.
        warm_start: initialise a refit from the previous fit's parameters (same shapes only).
        heating_base_degc: base temperature of the heating degree-hours derived from a
            temperature regressor.
        weekend_daily_profile: a separate daily profile on weekends and holidays.
        train_window_days: fit on at most this many recent days (0: all history).
    """

    speed_tuned: bool = True
    max_iter: int = Field(default=300, ge=10, le=10_000)
    n_changepoints: int = Field(default=10, ge=0, le=100)
    changepoint_prior_scale: float = Field(default=0.05, gt=0)
    daily_fourier_order: int = Field(default=6, ge=1, le=20)
    weekly_fourier_order: int = Field(default=3, ge=1, le=10)
    yearly_fourier_order: int = Field(default=6, ge=1, le=20)
    uncertainty_samples: int = Field(default=200, ge=20, le=2000)
    warm_start: bool = True
    heating_base_degc: float = 15.0
    weekend_daily_profile: bool = True
    train_window_days: int = Field(default=0, ge=0)
    fit_step_s: int = Field(
        default=3600, ge=0, description="fit a finer series on means over this step (0: never)"
    )
    seed: int = 2030


class GbmConfig(_Config):
    """LightGBM on lags at whole days beyond the horizon, the local calendar and regressors.

    Attributes:
        n_estimators: upper bound on boosting rounds (early stopping on the validation tail).
        validation_days: the recent tail held out to stop boosting and measure residuals for
            the quantiles (at least the horizon).
        train_window_days: fit on at most this many recent days (0: all history).
        n_threads: LightGBM threads (1 under Dask, where the cores are used by workers).
    """

    n_estimators: int = Field(default=600, ge=10, le=5000)
    learning_rate: float = Field(default=0.1, gt=0, le=1)
    num_leaves: int = Field(default=31, ge=2, le=1024)
    min_child_samples: int = Field(default=20, ge=1)
    feature_fraction: float = Field(default=0.9, gt=0, le=1)
    lambda_l2: float = Field(default=1.0, ge=0)
    validation_days: float = Field(default=7.0, gt=0)
    early_stopping_rounds: int = Field(default=20, ge=0, description="0: no early stopping")
    min_rounds: int = Field(default=50, ge=1)
    max_bin: int = Field(default=63, ge=4, le=1024, description="histogram bins per feature")
    train_window_days: int = Field(default=0, ge=0)
    n_threads: int = Field(default=1, ge=1)
    seed: int = 2030
    heating_base_degc: float = 15.0


class SeasonalProfileConfig(_Config):
    """The same clock time averaged over recent days or weeks (``forecasting.seasonal_profile``).

    Attributes:
        daily_periods: numbers of recent days tried (1 is the daily seasonal naive).
        weekly_periods: numbers of recent weeks tried (1 is the weekly seasonal naive).
        day_type_periods: numbers of recent days of the target's day type tried.
        holdout_days: the recent days on which the candidates are scored (by MAE).
    """

    daily_periods: tuple[int, ...] = (1, 3, 5, 7, 14)
    weekly_periods: tuple[int, ...] = (1, 2, 3, 4)
    day_type_periods: tuple[int, ...] = (1, 2, 3, 5)
    holdout_days: float = Field(default=14.0, gt=0)


class SeasonalRidgeConfig(_Config):
    """Seasonal naive plus a ridge-shrunk linear model of its error (``forecasting.seasonal_ridge``).

    Attributes:
        alphas: ridge strengths tried (times the number of rows, on unit-scaled features); the
            one with the lowest MAE on the held-out tail wins, "no correction" included.
        holdout_days: the recent tail held out to choose the strength and measure residuals.
        anomaly_timescales_h: decay times of the origin's recent error over the lead.
        l1_iterations: iteratively reweighted solves that turn the squared loss toward the
            absolute loss (0: plain ridge).
        heating_base_degc: base of the heating degree-hours of a temperature regressor.
    """

    alphas: tuple[float, ...] = (0.001, 0.01, 0.1, 1.0)
    holdout_days: float = Field(default=7.0, gt=0)
    anomaly_timescales_h: tuple[float, ...] = (3.0, 24.0)
    l1_iterations: int = Field(default=4, ge=0, le=20, description="reweighted solves toward MAE")
    heating_base_degc: float = 15.0


class CombinerConfig(_Config):
    """How the combiner picks or weights models from the backtest (``forecasting.combiner``).

    Attributes:
        ensembles: fixed sets of models averaged with equal weights (a set is a candidate when
            all its models are in the backtest).
        mean_of_all: the mean of every model that is not a seasonal naive is a candidate.
        blend_sizes: the learnt blends tried: inverse-MSE weights of the k best models.
        learned_margin: a learnt candidate (BEST, BLEND) replaces the best ensemble only when
            its cross-validated MASE is lower by more than this share (weights learnt from a
            few days are noisy).
        fallback_tolerance: the better seasonal naive replaces the choice (with a warning) when
            the choice's cross-validated MASE exceeds the naive's by more than this share over
            at least two folds. A few
            folds are a few days: single-day errors of a seasonal naive vary several-fold, so
            a smaller gap is noise and switching on it loses accuracy out of sample.
    """

    ensembles: tuple[tuple[str, ...], ...] = (
        ("seasonal_ridge", "lightgbm", "prophet"),
        ("seasonal_ridge",),
        ("seasonal_ridge", "seasonal_profile", "lightgbm", "prophet"),
    )
    mean_of_all: bool = False
    blend_sizes: tuple[int, ...] = (2, 3)
    learned_margin: float = Field(default=0.2, ge=0, lt=1)
    fallback_tolerance: float = Field(default=0.3, ge=0)


class BacktestConfig(_Config):
    """Rolling-origin backtest: ``folds`` origins, ``stride_steps`` apart, ending at the data's end.

    Attributes:
        folds: number of forecast origins.
        stride_steps: steps between origins (0: the horizon, so test windows do not overlap).
        min_train_days: the first origin needs at least this much history.
    """

    folds: int = Field(default=4, ge=1, le=100)
    stride_steps: int = Field(default=0, ge=0)
    min_train_days: float = Field(default=7.0, gt=0)


class PipelineConfig(_Config):
    """Everything ``predict``, ``backtest`` and the scheduled run need.

    Attributes:
        models: the forecasters of the zoo (registry names) the combiner chooses among.
        quantiles: quantile levels to forecast; the outermost two make yhat_lower/yhat_upper.
        missing_regressor: what to do when a regressor is missing in the horizon.
        max_regressor_gap_steps: interior gaps of regressors up to this long are interpolated.
    """

    models: tuple[str, ...] = (
        "seasonal_naive_daily",
        "seasonal_naive_weekly",
        "climatology",
        "climatology_weekday",
        "lightgbm",
        "prophet",
        "seasonal_profile",
        "seasonal_ridge",
    )
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES
    missing_regressor: MissingRegressorPolicy = MissingRegressorPolicy.DROP
    max_regressor_gap_steps: int = Field(default=4, ge=0)
    backtest: BacktestConfig = BacktestConfig()
    combiner: CombinerConfig = CombinerConfig()
    climatology: ClimatologyConfig = ClimatologyConfig()
    climatology_weekday: ClimatologyConfig = ClimatologyConfig(n_weeks=3, by_weekday=True)
    prophet: ProphetConfig = ProphetConfig()
    lightgbm: GbmConfig = GbmConfig()
    seasonal_profile: SeasonalProfileConfig = SeasonalProfileConfig()
    seasonal_ridge: SeasonalRidgeConfig = SeasonalRidgeConfig()

    @field_validator("quantiles")
    @classmethod
    def _quantiles(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        try:
            levels = check_quantiles(value)
        except ForecastInputError as err:
            raise ValueError(str(err)) from err
        if len(levels) < 2:
            raise ValueError("give at least two quantiles (the interval's bounds)")
        return levels
