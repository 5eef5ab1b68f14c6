"""The anomaly scorer: synthetic pump telemetry and the real Danish heat meter with faults."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.cli_main import main
from core.exceptions import InputError
from core.maintenance.anomaly import cumulative_columns, fit_anomaly_model

HEAT_METER = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "data"
    / "heat"
    / "danish_heat_meter"
    / "processed_final_data_sample.csv"
)
FALSE_ALARM_MAX = 0.01  # share of normal points flagged (limits at 99.5 %)


def _pump(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-01-01", periods=n, freq="15min", tz="UTC")
    flow = 300 + 80 * np.sin(2 * np.pi * index.hour.to_numpy() / 24) + rng.normal(0, 5, n)
    head = 60 - 0.00005 * flow**2 + rng.normal(0, 0.3, n)
    power = 1000 * 9.81 * flow / 3600 * head / 0.75 / 1000 + rng.normal(0, 0.5, n)
    vibration = 2.0 + rng.normal(0, 0.1, n)
    return pd.DataFrame(
        {"flow_m3_per_h": flow, "head_m": head, "power_kw": power, "vibration_mm_per_s": vibration},
        index=index,
    )


def test_pump_faults_are_flagged_and_normal_is_quiet() -> None:
    train, test = _pump(4000, 1), _pump(2000, 2)
    model = fit_anomaly_model(train)
    assert model.score(test)["is_anomaly"].mean() < FALSE_ALARM_MAX
    worn = test.copy()
    worn.iloc[1000:1200, worn.columns.get_loc("power_kw")] *= 1.15  # efficiency loss
    worn.iloc[1500:1600, worn.columns.get_loc("vibration_mm_per_s")] += 1.0  # bearing
    flags = model.score(worn)["is_anomaly"]
    assert flags.iloc[1000:1200].mean() > 0.6
    assert flags.iloc[1500:1600].mean() > 0.8


def test_too_little_training_is_refused() -> None:
    with pytest.raises(InputError, match="at least"):
        fit_anomaly_model(_pump(10, 1))


@pytest.fixture(scope="module")
def heat_with_faults(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, pd.Series, dict[str, pd.Series]]:
    if not HEAT_METER.is_file():
        pytest.skip(f"{HEAT_METER} is not there")
    data = pd.read_csv(HEAT_METER)
    t = pd.to_datetime(data["time_rounded"], utc=True)
    cols = ["energy_heat_kwh", "volume_flow_m3", "inlet_flow_energy_m3xC", "back_flow_energy_m3xC"]
    steps = data[cols].diff().fillna(0.0)
    faults = {
        "register_stuck": (t >= "2019-11-05") & (t < "2019-11-08"),
        "flow_over_reads": (t >= "2020-01-10") & (t < "2020-01-17"),
    }
    steps.loc[faults["register_stuck"], "energy_heat_kwh"] = 0.0
    steps.loc[faults["flow_over_reads"], "volume_flow_m3"] *= 1.5
    data[cols] = steps.cumsum().to_numpy() + data[cols].iloc[0].to_numpy()
    path = tmp_path_factory.mktemp("heat") / "heat_meter_faults.csv"
    data.to_csv(path, index=False)
    labels = faults["register_stuck"] | faults["flow_over_reads"]
    return path, labels, faults


def test_kof_maintenance_anomalies_on_the_danish_heat_meter(
    heat_with_faults: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, labels, faults = heat_with_faults
    out = tmp_path / "scores.csv"
    code = main(
        [
            "maintenance",
            "anomalies",
            str(path),
            "--time-col",
            "time_rounded",
            "--train-until",
            "2018-12-31T23:00:00Z",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary["cumulative"]) == {
        "energy_heat_kwh",
        "volume_flow_m3",
        "inlet_flow_energy_m3xC",
        "back_flow_energy_m3xC",
    }
    scores = pd.read_csv(out)
    assert list(scores.columns) == ["timestamp", "score", "is_anomaly"]
    flags = scores["is_anomaly"].to_numpy()
    test = (pd.to_datetime(scores["timestamp"], utc=True) >= "2019-01-01").to_numpy()
    assert flags[faults["register_stuck"].to_numpy()].mean() > 0.7
    assert flags[faults["flow_over_reads"].to_numpy()].mean() > 0.7
    assert flags[test & ~labels.to_numpy()].mean() < FALSE_ALARM_MAX


def test_anomalies_bad_options_exit_2(
    heat_with_faults: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _, _ = heat_with_faults
    out = str(tmp_path / "x.csv")
    assert (
        main(["maintenance", "anomalies", str(path), "--time-col", "time_rounded", "--out", out])
        == 2
    )
    assert "exactly one of" in capsys.readouterr().err
    assert (
        main(
            [
                "maintenance",
                "anomalies",
                str(path),
                "--time-col",
                "nope",
                "--train-until",
                "2019-01-01T00:00Z",
                "--out",
                out,
            ]
        )
        == 2
    )
    assert "no column 'nope'" in capsys.readouterr().err


def test_cumulative_registers_are_recognised() -> None:
    frame = pd.DataFrame({"counter": np.arange(50.0) * 2, "level": np.sin(np.arange(50.0))})
    assert cumulative_columns(frame, ["counter", "level"]) == ["counter"]
