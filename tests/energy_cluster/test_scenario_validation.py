"""Bad scenario input is refused at load, naming the file, the unit and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from energy_cluster.exceptions import ScenarioError
from energy_cluster.scenario import load_scenario
from tests.energy_cluster.conftest import el_demand, heat_demand, tiny

BOILER = {
    "name": "gb",
    "type": "boiler",
    "heat_node": "dh",
    "q_th_max_mw": 10,
    "eta_th": 0.9,
    "fuel_price_pln_per_mwh": 200,
}
GRID = {
    "name": "grid",
    "type": "grid",
    "bus": "b1",
    "import_max_mw": 5,
    "export_max_mw": 5,
    "price_pln_per_mwh": 300,
}


def write(tmp_path: Path, raw: dict[str, Any], name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def valid() -> dict[str, Any]:
    return tiny(
        units=[GRID, BOILER],
        series={"d_el": {"values": [1, 2, 3, 4]}, "d_heat": {"constant": 3}},
        demands=[el_demand(), heat_demand()],
    )


def refused(tmp_path: Path, raw: dict[str, Any]) -> ScenarioError:
    path = write(tmp_path, raw)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_a_valid_file_loads(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, valid()))
    assert scenario.config.horizon.steps == 4
    assert list(scenario.series("d_el")) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("unit_index", "change", "field", "words"),
    [
        (1, {"q_th_min_mw": 12}, "q_th_min_mw", "above q_th_max_mw"),
        (1, {"eta_th": 1.05}, "eta_th", "above 1"),
        (
            1,
            {"part_load": [{"load": 0.5, "eta": 0.8}, {"load": 1.0, "eta": 1.2}], "eta_th": None},
            "part_load[1].eta",
            "above 1",
        ),
        (0, {"bus": "nowhere"}, "bus", "unknown bus 'nowhere'"),
        (1, {"heat_node": "elsewhere"}, "heat_node", "unknown heat node"),
        (
            1,
            {"fuel_price_pln_per_mwh": "gas_price"},
            "fuel_price_pln_per_mwh",
            "unknown series 'gas_price'",
        ),
        (1, {"q_th_max": 10}, "q_th_max", "unknown field"),
        (1, {"count": 2, "initial_on": 3}, "initial_on", "above count"),
        (1, {"type": "fusion"}, "type", "unknown unit type"),
    ],
)
def test_unit_errors_name_file_unit_and_field(
    tmp_path: Path, unit_index: int, change: dict[str, Any], field: str, words: str
) -> None:
    raw = valid()
    unit = raw["units"][unit_index]
    for key, value in change.items():
        if value is None:
            unit.pop(key, None)
        else:
            unit[key] = value

    err = refused(tmp_path, raw)

    assert err.unit == unit["name"]
    assert err.field == field
    assert words in str(err)
    assert f"unit {unit['name']!r}" in str(err)


def test_chp_total_efficiency_above_one_is_refused(tmp_path: Path) -> None:
    raw = valid()
    raw["units"].append(
        {
            "name": "gt",
            "type": "gas_chp",
            "bus": "b1",
            "heat_node": "dh",
            "p_el_max_mw": 7,
            "power_to_heat": 0.5,
            "eta_el": 0.4,
            "fuel_price_pln_per_mwh": 150,
        }
    )
    err = refused(tmp_path, raw)
    assert (err.unit, err.field) == ("gt", "eta_el")
    assert "total efficiency" in str(err)


def test_storage_efficiency_above_one_is_refused(tmp_path: Path) -> None:
    raw = valid()
    raw["units"].append(
        {
            "name": "bat",
            "type": "battery",
            "bus": "b1",
            "e_max_mwh": 2,
            "p_charge_max_mw": 1,
            "p_discharge_max_mw": 1,
            "eta_charge": 1.1,
        }
    )
    err = refused(tmp_path, raw)
    assert (err.unit, err.field) == ("bat", "eta_charge")


def test_series_of_wrong_length_is_refused(tmp_path: Path) -> None:
    raw = valid()
    raw["series"]["d_el"] = {"values": [1, 2, 3]}
    err = refused(tmp_path, raw)
    assert (err.kind, err.unit, err.field) == ("series", "d_el", "series.d_el.values")
    assert "has 3 values; the horizon has 4 steps" in str(err)


def test_series_with_a_gap_is_refused(tmp_path: Path) -> None:
    raw = valid()
    raw["series"]["d_el"] = {"values": [1, None, 3, 4]}
    err = refused(tmp_path, raw)
    assert err.field == "series.d_el.values[1]"
    assert "gap at position 1" in str(err)


def test_csv_series_with_a_missing_timestamp_is_refused(tmp_path: Path) -> None:
    (tmp_path / "load.csv").write_text(
        "timestamp,value\n2026-01-14T00:00+01:00,1\n2026-01-14T01:00+01:00,2\n2026-01-14T03:00+01:00,4\n2026-01-14T04:00+01:00,4\n"
    )
    raw = valid()
    raw["series"]["d_el"] = {"csv": "load.csv"}
    err = refused(tmp_path, raw)
    assert err.unit == "d_el"
    assert "gap before 2026-01-14T02:00:00+00:00" in str(err)


def test_csv_series_with_an_empty_value_is_refused(tmp_path: Path) -> None:
    (tmp_path / "load.csv").write_text(
        "timestamp,value\n2026-01-14T00:00+01:00,1\n2026-01-14T01:00+01:00,\n2026-01-14T02:00+01:00,3\n2026-01-14T03:00+01:00,4\n"
    )
    raw = valid()
    raw["series"]["d_el"] = {"csv": "load.csv"}
    err = refused(tmp_path, raw)
    assert "gap at row 3" in str(err)


def test_csv_series_at_15_minutes_is_averaged_to_hours(tmp_path: Path) -> None:
    rows = ["timestamp,mw"] + [
        f"2026-01-14T{h:02d}:{m:02d}+01:00,{h * 4 + m // 15}"
        for h in range(4)
        for m in (0, 15, 30, 45)
    ]
    (tmp_path / "load.csv").write_text("\n".join(rows) + "\n")
    raw = valid()
    raw["series"]["d_el"] = {"csv": "load.csv", "column": "mw"}
    scenario = load_scenario(write(tmp_path, raw))
    assert list(scenario.series("d_el")) == [1.5, 5.5, 9.5, 13.5]


def test_availability_outside_zero_one_is_refused(tmp_path: Path) -> None:
    raw = valid()
    raw["series"]["cf"] = {"values": [0.2, 1.3, 0.1, 0.0]}
    raw["units"].append(
        {"name": "pv", "type": "pv", "bus": "b1", "p_el_max_mw": 3, "availability": "cf"}
    )
    err = refused(tmp_path, raw)
    assert (err.unit, err.field) == ("pv", "availability")
    assert "must lie in [0, 1]" in str(err)


def test_demand_on_unknown_bus_and_shares_not_adding_up(tmp_path: Path) -> None:
    raw = valid()
    raw["demands"][0]["buses"] = {"b1": 0.5, "b9": 0.5}
    err = refused(tmp_path, raw)
    assert (err.kind, err.unit, err.field) == ("demand", "load", "buses.b9")
    raw["demands"][0]["buses"] = {"b1": 0.7}
    err = refused(tmp_path, raw)
    assert "add up to 1" in str(err)


def test_duplicate_unit_names_and_broken_yaml(tmp_path: Path) -> None:
    raw = valid()
    raw["units"].append(dict(BOILER))
    err = refused(tmp_path, raw)
    assert "used twice" in str(err)
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nunits: [\n")
    with pytest.raises(ScenarioError, match="not valid YAML at line"):
        load_scenario(path)
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")


def test_horizon_not_a_whole_number_of_steps(tmp_path: Path) -> None:
    raw = valid()
    raw["horizon"]["hours"] = 1.1
    raw["horizon"]["resolution_min"] = 15
    err = refused(tmp_path, raw)
    assert err.field == "horizon.hours"


def test_the_readme_example_loads_and_plans(tmp_path: Path) -> None:
    from energy_cluster.planner import plan_scenario
    from tests.energy_cluster.conftest import assert_physical

    readme = Path(__file__).resolve().parents[2] / "energy_cluster" / "README.md"
    text = readme.read_text(encoding="utf-8")
    example = text.split("### A full example", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")

    plan = plan_scenario(load_scenario(path), network_check=True)

    assert_physical(plan)
    assert plan.network
    assert plan.network[-1].violations == 0
