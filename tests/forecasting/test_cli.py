"""``kof forecast`` as an operator runs it, on real and on malformed files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.cli_main import main
from tests.forecasting.conftest import HEAT_METER, read_substation


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["forecast", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def substation_csv(tmp_path: Path) -> Path:
    """Five weeks of a real substation, as exported (unnamed index, UTC offsets)."""
    frame = read_substation("MNZL")
    frame = frame[(frame["datetime"] >= "2021-09-01") & (frame["datetime"] < "2021-10-06")]
    path = tmp_path / "mnzl.csv"
    frame.to_csv(path)
    return path


def test_predict_writes_the_published_columns(
    capsys: pytest.CaptureFixture[str], substation_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "forecast.csv"
    code, stdout, stderr = _run(
        capsys,
        "predict",
        str(substation_csv),
        "--time-col",
        "datetime",
        "--target",
        "total_substation",
        "--regressors",
        "radiation,windspeed_100m",
        "--train-until",
        "2021-10-04T00:00:00+00:00",
        "--horizon",
        "24h",
        "--out",
        str(out),
        "--country",
        "NL",
        "--folds",
        "2",
        "--json",
    )
    assert code == 0, stderr
    summary = json.loads(stdout)
    table = pd.read_csv(out)
    assert list(table.columns) == ["timestamp", "yhat", "yhat_lower", "yhat_upper"]
    assert len(table) == 96 == summary["rows"]
    assert table["timestamp"].iloc[0] == "2021-10-04T00:15:00+00:00"
    assert (table["yhat_lower"] <= table["yhat"]).all()
    assert (table["yhat"] <= table["yhat_upper"]).all()
    assert summary["backtest_mase"] <= summary["seasonal_naive_mase"]


def test_backtest_json_has_every_model_and_the_combination(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    heat = pd.read_csv(HEAT_METER).iloc[: 24 * 40]
    path = tmp_path / "heat.csv"
    heat.to_csv(path, index=False)
    code, stdout, stderr = _run(
        capsys,
        "backtest",
        str(path),
        "--time-col",
        "time_rounded",
        "--target",
        "energy_heat_kwh",
        "--cumulative",
        "--freq",
        "1h",
        "--horizon",
        "24",
        "--folds",
        "2",
        "--country",
        "DK",
        "--models",
        "seasonal_naive_daily,seasonal_naive_weekly,climatology,lightgbm",
        "--json",
    )
    assert code == 0, stderr
    document = json.loads(stdout)
    assert set(document["models"]) == {
        "seasonal_naive_daily",
        "seasonal_naive_weekly",
        "climatology",
        "lightgbm",
    }
    for metrics in [*document["models"].values(), document["combined"]]:
        assert {"mae", "rmse", "smape_percent", "mase", "pinball", "coverage"} <= set(metrics)
    assert len(document["folds"]) == 2
    assert document["seasonal_naive"]["model"] == document["reference"]


def _write(tmp_path: Path, stamps: list[str], **columns: list[float]) -> Path:
    path = tmp_path / "input.csv"
    pd.DataFrame({"ts": stamps, "kwh": np.arange(len(stamps), dtype=float), **columns}).to_csv(
        path, index=False
    )
    return path


def test_naive_timestamps_without_tz_fail_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stamps = [str(t) for t in pd.date_range("2026-01-01", periods=72, freq="h")]
    path = _write(tmp_path, stamps)
    code, _, stderr = _run(
        capsys,
        "predict",
        str(path),
        "--time-col",
        "ts",
        "--target",
        "kwh",
        "--train-until",
        "2026-01-02 23:00",
        "--horizon",
        "24",
        "--out",
        str(tmp_path / "o.csv"),
    )
    assert code == 2
    assert stderr.strip().count("\n") == 0
    assert "kof: error: time column 'ts': timestamps have no time zone" in stderr
    assert "--tz" in stderr


def test_naive_local_timestamps_with_tz_are_forecast_in_local_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stamps = [
        str(t)
        for t in pd.date_range(
            "2026-03-20", periods=24 * 12, freq="h", tz="Europe/Warsaw"
        ).tz_localize(None)
    ]
    path = _write(tmp_path, stamps)
    out = tmp_path / "o.csv"
    code, _, stderr = _run(
        capsys,
        "predict",
        str(path),
        "--time-col",
        "ts",
        "--target",
        "kwh",
        "--tz",
        "Europe/Warsaw",
        "--train-until",
        "2026-03-28 23:00",
        "--horizon",
        "24",
        "--out",
        str(out),
        "--models",
        "seasonal_naive_daily",
    )
    assert code == 0, stderr
    table = pd.read_csv(out)
    assert table["timestamp"].iloc[0] == "2026-03-29T00:00:00+01:00"
    assert table["timestamp"].iloc[3] == "2026-03-29T04:00:00+02:00"  # 02:00 does not exist


def test_duplicates_fail_and_a_missing_regressor_is_dropped_with_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stamps = [
        t.isoformat() for t in pd.date_range("2026-01-01", periods=24 * 10, freq="h", tz="UTC")
    ]
    dup = _write(tmp_path, [*stamps[:50], stamps[49], *stamps[51:]])
    code, _, stderr = _run(
        capsys,
        "predict",
        str(dup),
        "--time-col",
        "ts",
        "--target",
        "kwh",
        "--train-until",
        stamps[200],
        "--horizon",
        "24",
        "--out",
        str(tmp_path / "o.csv"),
    )
    assert code == 2
    assert "duplicate timestamp" in stderr
    assert "rows 49, 50" in stderr

    temp = [float(i % 24) if i <= 200 else np.nan for i in range(len(stamps))]
    path = _write(tmp_path, stamps, t_out=temp)
    code, _, stderr = _run(
        capsys,
        "predict",
        str(path),
        "--time-col",
        "ts",
        "--target",
        "kwh",
        "--regressors",
        "t_out",
        "--train-until",
        stamps[200],
        "--horizon",
        "24",
        "--out",
        str(tmp_path / "o.csv"),
        "--models",
        "lightgbm",
    )
    assert code == 0, stderr
    assert "kof: warning: regressor 't_out' has no value for 24 of the 24 horizon step(s)" in stderr

    code, _, stderr = _run(
        capsys,
        "predict",
        str(path),
        "--time-col",
        "ts",
        "--target",
        "kwh",
        "--regressors",
        "t_out",
        "--train-until",
        stamps[200],
        "--horizon",
        "24",
        "--out",
        str(tmp_path / "o.csv"),
        "--on-missing-regressor",
        "error",
    )
    assert code == 2
    assert "kof: error: regressor 't_out' has no value" in stderr
