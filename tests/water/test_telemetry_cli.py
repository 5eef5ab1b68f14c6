"""Telemetry files and ``kof water leaks``: bad input is named, good input gives JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from core.cli_main import main
from tests.water.conftest import LEAK_START, TRAIN_UNTIL, Bench, leak, network_file
from water.exceptions import TelemetryError, UnknownElementError
from water.model import LeakKind
from water.service import leaks_from_files
from water.telemetry import convert_units, read_telemetry


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("timestamp,sensor,value\n" + "\n".join(rows) + "\n")
    return path


def test_naive_timestamp_is_refused_with_its_line(tmp_path: Path) -> None:
    file = _write(
        tmp_path / "t.csv",
        ["2026-01-05T00:00:00Z,pressure:10,40.1", "2026-01-05T00:05:00,pressure:10,40.0"],
    )
    with pytest.raises(
        TelemetryError, match=r"line 3: timestamp '2026-01-05T00:05:00' has no UTC offset"
    ) as info:
        read_telemetry(file)
    assert info.value.row == 1
    assert info.value.file == str(file)


def test_malformed_value_names_line_and_sensor(tmp_path: Path) -> None:
    file = _write(
        tmp_path / "t.csv",
        ["2026-01-05T00:00:00Z,flow:10,12.5", "2026-01-05T00:05:00Z,flow:10,twelve"],
    )
    with pytest.raises(
        TelemetryError, match=r"line 3: sensor flow:10: value 'twelve' is not a number"
    ) as info:
        read_telemetry(file)
    assert info.value.sensor == "flow:10"


def test_unknown_sensor_kind_and_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(TelemetryError, match=r"line 2: .*unknown kind 'level'"):
        read_telemetry(_write(tmp_path / "a.csv", ["2026-01-05T00:00:00Z,level:1,3.2"]))
    bad = tmp_path / "b.csv"
    bad.write_text("time,sensor,value\n2026-01-05T00:00:00Z,flow:10,1\n")
    with pytest.raises(TelemetryError, match="missing column"):
        read_telemetry(bad)


def test_gaps_are_kept_as_missing_and_offsets_pick_the_clock(tmp_path: Path) -> None:
    file = _write(
        tmp_path / "t.csv",
        [
            "2026-03-28T23:00:00+01:00,flow:10,5",
            "2026-03-29T23:00:00+02:00,flow:10,",
            "2026-03-30T23:00:00+02:00,flow:10,6",
        ],
    )
    telemetry = read_telemetry(file)
    assert telemetry.wide["flow:10"].isna().sum() == 1
    assert telemetry.tz == "Europe/Warsaw"
    assert convert_units(telemetry, flow_unit="L/s").wide["flow:10"].iloc[0] == pytest.approx(18.0)


def test_sensor_absent_from_the_network_is_named(tmp_path: Path) -> None:
    file = _write(tmp_path / "t.csv", ["2026-01-05T00:00:00Z,pressure:J-42,40.1"])
    with pytest.raises(UnknownElementError, match="pressure:J-42"):
        leaks_from_files(network_file("Net3"), file)


@pytest.fixture(scope="module")
def burst_csv(net3: Bench, tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = net3.scenario([leak(net3, LeakKind.ABRUPT, 0.06, 14)], 14)
    frame = scenario.telemetry.assign(
        timestamp=scenario.telemetry["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    path = tmp_path_factory.mktemp("water") / "net3_burst.csv"
    frame.to_csv(path, index=False)
    return path


def test_kof_water_leaks_prints_the_leaks_as_json(
    burst_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "water",
            "leaks",
            "--network",
            str(network_file("Net3")),
            "--telemetry",
            str(burst_csv),
            "--train-until",
            TRAIN_UNTIL.isoformat(),
            "--json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    leaks = json.loads(out)
    assert len(leaks) == 1
    assert {"start", "location", "kind", "estimated_flow_m3_per_h", "score"} <= set(leaks[0])
    assert leaks[0]["kind"] == "abrupt"
    assert abs(pd.Timestamp(leaks[0]["start"]) - LEAK_START) <= pd.Timedelta(hours=6)


def test_kof_water_leaks_refuses_a_naive_train_until(
    burst_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "water",
            "leaks",
            "--network",
            str(network_file("Net3")),
            "--telemetry",
            str(burst_csv),
            "--train-until",
            "2026-01-19T00:00:00",
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "--train-until" in captured.err
    assert "no UTC offset" in captured.err


def test_flows_in_cubic_metres_per_second_are_recognised(
    burst_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """WNTR writes m³/s and bar is the platform's pressure unit: auto finds both."""
    frame = pd.read_csv(burst_csv)
    is_flow = frame["sensor"].str.startswith("flow:")
    frame.loc[is_flow, "value"] = frame.loc[is_flow, "value"] / 3600.0
    frame.loc[~is_flow, "value"] = frame.loc[~is_flow, "value"] / 10.197
    odd = tmp_path / "si.csv"
    frame.to_csv(odd, index=False)
    report = leaks_from_files(network_file("Net3"), odd, train_until=TRAIN_UNTIL.isoformat())
    assert any("m3/s" in n for n in report.notes)
    assert any("bar" in n for n in report.notes)
    assert len(report.detections) == 1
    assert abs(report.detections[0].start - LEAK_START) <= pd.Timedelta(hours=6)
