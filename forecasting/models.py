"""Tables of the forecasting package: catalogued series, runs, forecasts and their accuracy.

A forecast row is keyed by (series, issue time, target time); its quantiles are rows of
``forecast_quantiles``. ``forecast_series_runs`` keeps the model chosen for each series at each
run with its backtest evidence; ``forecast_accuracy`` the scores of past forecasts once their
actuals are known, with the anomaly score of those actuals; ``forecast_model_states`` the last
fitted parameters of each warm-startable model per series, which the next run starts from.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base
from core.db.types import UtcDateTime, enum_column
from forecasting.model import SeriesLevel, SeriesQuantity, SeriesRunStatus


class ForecastSeries(Base):
    """A series of the catalogue: what is summed, where, in which unit and step."""

    __tablename__ = "forecast_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_key: Mapped[str] = mapped_column(String(120), unique=True)
    level: Mapped[SeriesLevel] = mapped_column(enum_column(SeriesLevel, "series_level"))
    quantity: Mapped[SeriesQuantity] = mapped_column(enum_column(SeriesQuantity, "series_quantity"))
    entity_id: Mapped[int | None] = mapped_column(Integer)  # building, district or meter id
    unit: Mapped[str] = mapped_column(String(16))
    step_s: Mapped[int] = mapped_column(Integer)
    n_meters: Mapped[int] = mapped_column(Integer)


class ForecastRun(Base):
    """One scheduled run: every catalogued series forecast from one issue time."""

    __tablename__ = "forecast_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    horizon_s: Mapped[int] = mapped_column(Integer)
    n_series: Mapped[int] = mapped_column(Integer)
    n_failed: Mapped[int] = mapped_column(Integer)
    scheduler: Mapped[str] = mapped_column(String(120))


class Forecast(Base):
    """The point forecast and interval of one series for one target time, as issued."""

    __tablename__ = "forecasts"
    __table_args__ = ({"sqlite_with_rowid": False},)

    series_id: Mapped[int] = mapped_column(ForeignKey("forecast_series.id"), primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    target_ts: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_runs.id"), index=True)
    model: Mapped[str] = mapped_column(String(160))
    yhat: Mapped[float] = mapped_column(Float)
    yhat_lower: Mapped[float] = mapped_column(Float)
    yhat_upper: Mapped[float] = mapped_column(Float)


class ForecastQuantile(Base):
    """One quantile of a forecast."""

    __tablename__ = "forecast_quantiles"
    __table_args__ = (
        ForeignKeyConstraint(
            ["series_id", "issued_at", "target_ts"],
            ["forecasts.series_id", "forecasts.issued_at", "forecasts.target_ts"],
            ondelete="CASCADE",
        ),
        {"sqlite_with_rowid": False},
    )

    series_id: Mapped[int] = mapped_column(primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    target_ts: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    quantile: Mapped[float] = mapped_column(Float, primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class ForecastSeriesRun(Base):
    """The outcome for one series in one run: the model chosen and the backtest behind it."""

    __tablename__ = "forecast_series_runs"

    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_runs.id"), primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("forecast_series.id"), primary_key=True)
    status: Mapped[SeriesRunStatus] = mapped_column(
        enum_column(SeriesRunStatus, "series_run_status")
    )
    model: Mapped[str | None] = mapped_column(String(160))
    backtest_mase: Mapped[float | None] = mapped_column(Float)
    seasonal_naive_mase: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str | None] = mapped_column(Text)


class ForecastAccuracy(Base):
    """How a past forecast did once its actuals were in, and how unusual those actuals were."""

    __tablename__ = "forecast_accuracy"

    series_id: Mapped[int] = mapped_column(ForeignKey("forecast_series.id"), primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    evaluated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    model: Mapped[str] = mapped_column(String(160))
    n_points: Mapped[int] = mapped_column(Integer)
    mae: Mapped[float | None] = mapped_column(Float)
    rmse: Mapped[float | None] = mapped_column(Float)
    mase: Mapped[float | None] = mapped_column(Float)
    smape_percent: Mapped[float | None] = mapped_column(Float)
    pinball: Mapped[float | None] = mapped_column(Float)
    coverage: Mapped[float | None] = mapped_column(Float)
    anomaly_score: Mapped[float | None] = mapped_column(Float)
    max_abs_z: Mapped[float | None] = mapped_column(Float)


class ForecastModelState(Base):
    """The last fit of a warm-startable model (Prophet) for one series, for the next run.

    ``params_json`` holds the parameter layout and values (``forecasting.warm_start.ModelState``);
    ``fingerprint`` hashes the layout, so a changed configuration is seen without reading it.
    ``issued_at`` is the issue time of the run that fitted it: a run starts only from states of
    earlier issue times, so a rerun of an issue time gives the same forecasts.
    """

    __tablename__ = "forecast_model_states"

    series_id: Mapped[int] = mapped_column(ForeignKey("forecast_series.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(160), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("forecast_runs.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    history_end: Mapped[datetime] = mapped_column(UtcDateTime())
    fitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    fingerprint: Mapped[str] = mapped_column(String(64))
    params_json: Mapped[str] = mapped_column(Text)
