"""Series for the forecasting tests: generated with known structure, and real ones (subsets)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from core.enums import Medium
from core.timeseries import TimeSeriesStore
from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.model import Future, History, RegressorRole, future_index
from tests.factories import add_meters

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SUBSTATIONS = DATA / "electricity" / "substations_nl"
HEAT_METER = DATA / "heat" / "danish_heat_meter" / "processed_final_data_sample.csv"
TZ = "Europe/Warsaw"


def load_profile(index: pd.DatetimeIndex, tz: str = TZ) -> np.ndarray:
    """A building-like daily profile: night low, morning and evening peaks, quieter weekends."""
    wall = index.tz_convert(tz)
    hour = np.asarray(wall.hour + wall.minute / 60.0)
    weekend = np.asarray(wall.weekday >= 5)
    day = 1.0 + 0.6 * np.exp(-((hour - 8.0) ** 2) / 4.0) + 0.9 * np.exp(-((hour - 19.0) ** 2) / 6.0)
    return np.where(weekend, 0.8 * day + 0.2, day)


def synthetic_history(
    days: int = 35,
    step_s: int = 3600,
    seed: int = 7,
    noise: float = 0.05,
    start: str = "2026-01-05T00:00+01:00",
    with_temperature: bool = True,
    name: str = "synthetic",
) -> tuple[History, pd.Series, pd.DataFrame]:
    """A heat-like series: profile x (1 + heating from a temperature regressor) + AR noise.

    Returns:
        the whole history, the full target and the full regressors (for slicing futures).
    """
    rng = np.random.default_rng(seed)
    n = days * 86_400 // step_s
    index = pd.date_range(pd.Timestamp(start).tz_convert("UTC"), periods=n, freq=f"{step_s}s")
    t_out = (
        2.0
        + 6.0 * np.sin(np.arange(n) * 2 * np.pi / (n / 3))
        + rng.normal(0, 1.0, n).cumsum() * 0.05
    )
    heating = np.maximum(15.0 - t_out, 0.0) / 10.0 if with_temperature else 0.0
    ar = np.zeros(n)
    for i in range(1, n):
        ar[i] = 0.8 * ar[i - 1] + rng.normal(0, noise)
    y = 10.0 * load_profile(index) * (1.0 + heating) * (1.0 + ar)
    target = pd.Series(y, index=index, name="y")
    regressors = (
        pd.DataFrame({"t_air_degc": t_out}, index=index)
        if with_temperature
        else pd.DataFrame(index=index)
    )
    roles = {"t_air_degc": RegressorRole.TEMPERATURE} if with_temperature else {}
    history = History(
        y=target, regressors=regressors, step_s=step_s, tz=TZ, country="PL", roles=roles, name=name
    )
    return history, target, regressors


def split(
    history: History, regressors: pd.DataFrame, origin: pd.Timestamp, horizon: int
) -> tuple[History, Future]:
    """The history up to ``origin`` and the next ``horizon`` steps with their regressors."""
    index = future_index(origin, history.step_s, horizon)
    return history.head_until(origin), Future(index=index, regressors=regressors.reindex(index))


@pytest.fixture
def fast_config() -> PipelineConfig:
    """The zoo with small backtests, for tests."""
    return PipelineConfig(backtest=BacktestConfig(folds=3))


def read_substation(name: str) -> pd.DataFrame:
    return pd.read_csv(SUBSTATIONS / f"{name}.csv", index_col=0)


def require_data() -> None:
    if not DATA.exists():
        pytest.fail(f"the shared real data is missing at {DATA}")


START = pd.Timestamp("2026-01-05T00:00+01:00").tz_convert("UTC")
DAYS = 16


def fill_store(engine: Engine, seed: int = 11) -> None:
    """Two 15-min electricity meters and an hourly heat meter over DAYS days, with weather."""
    rng = np.random.default_rng(seed)
    store = TimeSeriesStore(engine)
    electric = add_meters(engine, 2, medium=Medium.ELECTRICITY, interval_s=900, prefix="E")
    heat = add_meters(engine, 1, medium=Medium.HEAT, interval_s=3600, prefix="H")
    hours = pd.date_range(START, periods=DAYS * 24, freq="h")
    t_air = -2.0 + 4.0 * np.sin(np.arange(len(hours)) / 40.0)
    store.write_weather(
        pd.DataFrame(
            {
                "station": "kielce-sukow",
                "ts": hours,
                "t_air_degc": t_air,
                "ghi_w_per_m2": 0.0,
                "wind_m_per_s": 3.0,
            }
        )
    )
    frames = []
    quarter = pd.date_range(START, periods=DAYS * 96, freq="15min")
    for meter in electric:
        value = 0.5 * load_profile(quarter) * (1 + rng.normal(0, 0.05, len(quarter)))
        frames.append(pd.DataFrame({"meter_id": meter, "ts": quarter, "value": value}))
    heat_value = (
        20.0
        * load_profile(hours)
        * (1 + np.maximum(15 - t_air, 0) / 10)
        * (1 + rng.normal(0, 0.03, len(hours)))
    )
    frames.append(pd.DataFrame({"meter_id": heat[0], "ts": hours, "value": heat_value}))
    store.write_readings(pd.concat(frames, ignore_index=True))
