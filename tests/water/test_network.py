"""The network adapter: any .inp, bad files, sensors, DMAs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.water.conftest import network_file
from water.dma import metered_areas
from water.exceptions import NetworkFileError, UnknownElementError
from water.model import Sensor, SensorKind
from water.network import load_network, repeat_time_controls


def test_loads_the_shipped_networks() -> None:
    net3 = load_network(network_file("Net3"))
    ky10 = load_network(network_file("ky10"))
    assert len(net3.junctions) == 92
    assert len(ky10.junctions) == 920
    assert {"River", "Lake"} <= set(net3.sources)


def test_a_file_wntr_cannot_read_is_a_network_file_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.inp"
    bad.write_text("[JUNCTIONS]\nJ1 not-a-number 0\n[END]\n")
    with pytest.raises(NetworkFileError, match=r"bad\.inp") as info:
        load_network(bad)
    assert info.value.file == str(bad)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(NetworkFileError, match="does not exist"):
        load_network(tmp_path / "nope.inp")


def test_unknown_sensor_elements_are_named() -> None:
    net = load_network(network_file("Net3"))
    net.check_sensors([Sensor(SensorKind.PRESSURE, "10"), Sensor(SensorKind.FLOW, "335")])
    with pytest.raises(UnknownElementError, match="pressure:J-999") as info:
        net.check_sensors([Sensor(SensorKind.PRESSURE, "J-999")])
    assert info.value.sensor == "pressure:J-999"
    with pytest.raises(UnknownElementError, match="no link 'P-1'"):
        net.check_sensors([Sensor(SensorKind.FLOW, "P-1")])


def test_sensor_names_parse() -> None:
    assert Sensor.parse("pressure: 10 ") == Sensor(SensorKind.PRESSURE, "10")
    with pytest.raises(ValueError, match="unknown kind"):
        Sensor.parse("level:T1")
    with pytest.raises(ValueError, match="not 'pressure"):
        Sensor.parse("flow")


def test_metered_areas_close_the_network_between_meters() -> None:
    net = load_network(network_file("Net3"))
    areas = metered_areas(net, ["10", "20", "40", "50", "60"])
    assert len(areas) == 1
    assert len(areas[0].nodes) == 92
    assert dict(areas[0].inflows) == {"10": 1, "20": 1, "40": 1, "50": 1, "60": 1}
    assert metered_areas(net, ["10"]) == []  # nothing closed off


def test_design_week_time_controls_repeat_daily() -> None:
    net = load_network(network_file("Net3"))
    wn = net.wn
    kept = repeat_time_controls(wn)
    assert kept == 2  # pump 10 opens at 1:00 and closes at 15:00, every day
    assert sum(1 for _ in wn.controls()) == 2 + 4  # plus the 4 tank-level controls
