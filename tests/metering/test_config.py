"""The devices file: refusals name the file, the device and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from metering.config import load_devices, parse_devices
from metering.exceptions import DevicesFileError, ProfileError


def _doc() -> dict:
    return {
        "endpoints": [
            {
                "name": "gw-herby",
                "host": "127.0.0.1",
                "port": 5020,
                "devices": [
                    {
                        "name": "flat-1",
                        "unit_id": 1,
                        "profile": "eastron_sdm630",
                        "meter": {"serial": "E1"},
                    },
                    {"name": "flat-2", "unit_id": 2, "profile": "carlo_gavazzi_em340"},
                ],
            }
        ]
    }


def test_a_good_file_resolves_profiles_and_plans() -> None:
    devices = parse_devices(_doc(), "devices.yaml")
    first = devices.device("gw-herby/flat-1")
    assert first.profile.name == "eastron_sdm630"
    assert first.feeds() == {"energy_import_kwh": first.meter}
    assert len(first.plan) == 4
    assert devices.poll.timeout_s == 1.0


@pytest.mark.parametrize(
    ("change", "device", "field", "message"),
    [
        (
            lambda d: d["endpoints"][0]["devices"][1].update(profile="abb_b23"),
            "gw-herby/flat-2",
            "devices[1].profile",
            "profile 'abb_b23' does not exist",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][1].update(unit_id=1),
            "gw-herby/flat-2",
            "devices[1].unit_id",
            "unit id 1 is already used by 'flat-1'",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][1].update(unit_id=300),
            "gw-herby/flat-2",
            "devices[1].unit_id",
            "less than or equal to 247",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][0].update(unitid=3),
            "gw-herby/flat-1",
            "devices[0].unitid",
            "unknown field",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][0].update(faults=[{"kind": "rollover"}]),
            "gw-herby/flat-1",
            "faults[0].kind",
            "rollover needs an integer register",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][0].update(faults=[{"kind": "meltdown"}]),
            "gw-herby/flat-1",
            "faults[0].kind",
            "'meltdown' is not one of",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][0].update(
                faults=[{"kind": "reset", "quantities": ["power_w"]}]
            ),
            "gw-herby/flat-1",
            "faults[0].quantities",
            "needs a cumulative register",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][0].update(
                channels={"power_kw": {"serial": "E9"}}
            ),
            "gw-herby/flat-1",
            "channels.power_kw",
            "has no quantity 'power_kw'",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][1].update(meter={"serial": "E1"}),
            "gw-herby/flat-2",
            "devices[1]",
            "already fed by gw-herby/flat-1",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][1].update(meter={"serial": "E1", "meter_id": 4}),
            "gw-herby/flat-2",
            "devices[1].meter",
            "exactly one of serial or meter_id",
        ),
        (
            lambda d: d["endpoints"][0]["devices"][1].update(name="flat-1"),
            "gw-herby/flat-1",
            "devices[1].name",
            "used twice",
        ),
    ],
)
def test_bad_devices_are_refused(change, device: str, field: str, message: str) -> None:
    doc = _doc()
    change(doc)
    with pytest.raises(DevicesFileError) as info:
        parse_devices(doc, "site/devices.yaml")
    err = info.value
    assert err.file == "site/devices.yaml"
    assert err.device == device
    assert field in err.field
    assert message in str(err)
    assert str(err).startswith(f"site/devices.yaml: device {device}: ")


def test_endpoint_level_errors() -> None:
    doc = _doc()
    doc["endpoints"].append(dict(doc["endpoints"][0], name="gw-2"))
    with pytest.raises(DevicesFileError, match="127.0.0.1:5020 is also endpoint 'gw-herby'"):
        parse_devices(doc, "d.yaml")
    with pytest.raises(DevicesFileError, match="'endpoints'"):
        parse_devices(["not", "a", "mapping"], "d.yaml")
    with pytest.raises(DevicesFileError, match="endpoints: Field required"):
        parse_devices({"poll": {}}, "d.yaml")


def test_files_and_custom_profiles(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    custom = yaml.safe_load(
        (Path(__file__).parents[2] / "metering/profiles/mbus_water_meter.yaml").read_text()
    )
    custom["name"] = "site_water"
    (tmp_path / "profiles" / "site_water.yaml").write_text(yaml.safe_dump(custom))
    doc = _doc()
    doc["profiles_dir"] = "profiles"
    doc["endpoints"][0]["devices"][1]["profile"] = "site_water"
    path = tmp_path / "devices.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert load_devices(path).device("gw-herby/flat-2").profile.name == "site_water"

    custom["registers"][0]["type"] = "uint48"
    (tmp_path / "profiles" / "site_water.yaml").write_text(yaml.safe_dump(custom))
    with pytest.raises(ProfileError, match=r"site_water.yaml: registers\[0\] \(volume_m3\).type"):
        load_devices(path)

    path.write_text("endpoints: [\n")
    with pytest.raises(DevicesFileError, match="not valid YAML"):
        load_devices(path)


def test_the_shipped_demo_file_loads() -> None:
    path = Path(__file__).parents[2] / "metering" / "examples" / "demo_devices.yaml"
    devices = load_devices(path)
    assert {d.profile.name for d in devices.devices} == {
        "eastron_sdm630",
        "carlo_gavazzi_em340",
        "schneider_pm5300",
        "kamstrup_multical",
        "mbus_water_meter",
    }
