import numpy as np
import pandas as pd
import pytest

from forecasting.exceptions import EmptySeriesError, ForecastWarning, MissingRegressorError
from forecasting.horizon import infer_role, parse_horizon, parse_instant, split_history
from forecasting.model import MissingRegressorPolicy, RegressorRole
from forecasting.prepare import prepare_frame


def _prepared(n: int = 72, temp_missing_from: int | None = None, target_nan: bool = False):
    index = pd.date_range("2026-01-01T00:00Z", periods=n, freq="h")
    temp = np.linspace(-5, 5, n)
    if temp_missing_from is not None:
        temp[temp_missing_from:] = np.nan
    frame = pd.DataFrame(
        {
            "ts": [t.isoformat() for t in index],
            "heat_kwh": np.nan if target_nan else np.arange(n, dtype=float),
            "t_out": temp,
        }
    )
    return prepare_frame(frame, time_col="ts", target="heat_kwh", regressors=("t_out",))


def test_history_ends_at_train_until_and_the_horizon_takes_regressors_from_the_file() -> None:
    prepared = _prepared()
    until = pd.Timestamp("2026-01-02T00:00Z")

    split = split_history(
        prepared, train_until=until, horizon_steps=12, calendar_tz="Europe/Warsaw", country="PL"
    )

    assert split.history.end == until
    assert split.future.index[0] == until + pd.Timedelta(hours=1)
    assert len(split.future.index) == 12
    assert split.future.regressors["t_out"].notna().all()
    assert split.history.roles == {"t_out": RegressorRole.TEMPERATURE}


def test_a_regressor_missing_in_the_horizon_is_dropped_with_a_warning_or_is_an_error() -> None:
    prepared = _prepared(temp_missing_from=30)
    until = pd.Timestamp("2026-01-02T00:00Z")  # row 24; the horizon reaches row 36
    with pytest.warns(ForecastWarning, match="'t_out' has no value for 7 of the 12"):
        split = split_history(
            prepared, train_until=until, horizon_steps=12, calendar_tz="UTC", country=""
        )
    assert list(split.history.regressors.columns) == []

    with pytest.raises(MissingRegressorError) as info:
        split_history(
            prepared,
            train_until=until,
            horizon_steps=12,
            calendar_tz="UTC",
            country="",
            policy=MissingRegressorPolicy.ERROR,
        )
    assert info.value.field == "t_out"
    assert info.value.missing_steps == 7


def test_an_all_missing_target_is_an_error() -> None:
    with pytest.raises(EmptySeriesError, match="no value"):
        split_history(
            _prepared(target_nan=True),
            train_until=pd.Timestamp("2026-01-02T00:00Z"),
            horizon_steps=4,
            calendar_tz="UTC",
            country="",
        )


def test_horizons_and_instants() -> None:
    assert parse_horizon("96", 900) == 96
    assert parse_horizon("24h", 900) == 96
    assert parse_horizon("1D", 3600) == 24
    utc = _prepared().display_tz
    assert parse_instant("2026-01-02 00:00", utc, False, "train_until") == pd.Timestamp(
        "2026-01-02T00:00Z"
    )
    assert infer_role("radiation") is RegressorRole.IRRADIANCE
    assert infer_role("windspeed_100m") is RegressorRole.LINEAR
