"""Device profiles: the shipped register maps, known-answer decoding, refusals at load."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from metering.decode import decode_value, encode_value
from metering.exceptions import ProfileError
from metering.plan import plan_reads
from metering.profiles import (
    DataType,
    RegisterFunction,
    builtin_profiles,
    load_profile,
    parse_profile,
)

PROFILES = builtin_profiles()


def test_every_shipped_profile_loads_and_cites_its_datasheet() -> None:
    assert set(PROFILES) == {
        "eastron_sdm630",
        "carlo_gavazzi_em340",
        "schneider_pm5300",
        "kamstrup_multical",
        "mbus_water_meter",
    }
    for profile in PROFILES.values():
        assert profile.datasheet
        assert profile.primary.kind.value == "cumulative"
        source = (
            Path(__file__).parents[2] / "metering" / "profiles" / f"{profile.name}.yaml"
        ).read_text()
        assert "Source" in source or "Sources" in source


@pytest.mark.parametrize(
    ("profile", "quantity", "function", "protocol_address"),
    [
        # SDM630: 3xxxx parameter numbers are 1-based; the hex start address is the protocol one
        ("eastron_sdm630", "voltage_l1_v", RegisterFunction.INPUT, 0),  # 30001
        ("eastron_sdm630", "power_w", RegisterFunction.INPUT, 52),  # 30053
        ("eastron_sdm630", "energy_import_kwh", RegisterFunction.INPUT, 72),  # 30073
        ("eastron_sdm630", "energy_total_kwh", RegisterFunction.INPUT, 342),  # 30343
        ("carlo_gavazzi_em340", "energy_import_kwh", RegisterFunction.HOLDING, 0x34),
        ("carlo_gavazzi_em340", "frequency_hz", RegisterFunction.HOLDING, 0x33),
        # PM5300's list numbers registers from 1: register 3060 is read at address 3059
        ("schneider_pm5300", "power_kw", RegisterFunction.HOLDING, 3059),
        ("schneider_pm5300", "energy_import_kwh", RegisterFunction.HOLDING, 2699),
        ("kamstrup_multical", "t_supply_degc", RegisterFunction.HOLDING, 0x10),
        ("mbus_water_meter", "volume_m3", RegisterFunction.HOLDING, 0),
    ],
)
def test_datasheet_addresses(
    profile: str, quantity: str, function: RegisterFunction, protocol_address: int
) -> None:
    spec = PROFILES[profile].register(quantity)
    assert spec.function is function
    assert spec.protocol_address == protocol_address


# Known answers: registers as the device sends them -> the datasheet's value.
@pytest.mark.parametrize(
    ("profile", "quantity", "registers", "expected"),
    [
        ("eastron_sdm630", "voltage_l1_v", [0x4366, 0x0000], 230.0),  # float32, high word first
        ("eastron_sdm630", "energy_import_kwh", [0x4640, 0xE400], 12345.0),
        ("carlo_gavazzi_em340", "energy_import_kwh", [0xE240, 0x0001], 12345.6),  # LSW first, x0.1
        ("carlo_gavazzi_em340", "power_w", [0xFF9C, 0xFFFF], -10.0),  # signed, LSW first
        ("carlo_gavazzi_em340", "frequency_hz", [500], 50.0),
        ("schneider_pm5300", "energy_import_wh", [0, 0, 0x00BC, 0x614E], 12345678.0),  # int64
        ("kamstrup_multical", "t_supply_degc", [0x428C, 0x0000], 70.0),
        ("mbus_water_meter", "volume_m3", [0xD431, 0x0001], 119.857),  # uint32 LSW first, litres
        ("mbus_water_meter", "t_water_degc", [105], 10.5),
    ],
)
def test_known_answers(profile: str, quantity: str, registers: list[int], expected: float) -> None:
    spec = PROFILES[profile].register(quantity)
    copy = list(registers)
    assert decode_value(spec, registers) == pytest.approx(expected, rel=1e-6)
    assert registers == copy  # the caller's list is untouched
    assert decode_value(spec, encode_value(spec, expected)) == pytest.approx(expected, rel=1e-6)


def test_byte_order_little_swaps_the_bytes_of_each_register() -> None:
    data = yaml.safe_load(
        (Path(__file__).parents[2] / "metering/profiles/eastron_sdm630.yaml").read_text()
    )
    data["byte_order"] = "little"
    spec = parse_profile(data, "x.yaml").register("voltage_l1_v")
    assert decode_value(spec, [0x6643, 0x0000]) == pytest.approx(230.0)
    assert encode_value(spec, 230.0) == [0x6643, 0x0000]


def test_counter_wraps_at_the_register_width_when_encoded() -> None:
    spec = PROFILES["mbus_water_meter"].register("volume_m3")
    top = spec.raw_span() - 0.001  # 2^32 litres less one
    assert decode_value(spec, encode_value(spec, top)) == pytest.approx(top)
    assert decode_value(spec, encode_value(spec, top + 0.005)) == pytest.approx(0.004)


def test_nan_passes_through_decoding() -> None:
    spec = PROFILES["eastron_sdm630"].register("voltage_l1_v")
    assert math.isnan(decode_value(spec, [0x7FC0, 0x0000]))


def test_read_plan_merges_contiguous_registers_within_the_device_limit() -> None:
    blocks = plan_reads(PROFILES["eastron_sdm630"])
    assert [(b.address, b.count) for b in blocks] == [(0, 18), (52, 2), (70, 6), (342, 2)]
    # Kamstrup's slots leave 2 readable registers between values: one request
    assert [(b.address, b.count) for b in plan_reads(PROFILES["kamstrup_multical"])] == [(0, 22)]
    small = PROFILES["eastron_sdm630"].model_copy(update={"max_registers_per_request": 4})
    for block in plan_reads(small):
        assert block.count <= 4
    assert sum(len(b.registers) for b in plan_reads(small)) == len(small.registers)


def _base() -> dict:
    return {
        "name": "test_meter",
        "manufacturer": "ACME",
        "model": "M1",
        "medium": "electricity",
        "datasheet": "ACME M1 Modbus map, table 3",
        "address_base": 0,
        "function": "holding",
        "max_registers_per_request": 50,
        "registers": [
            {
                "quantity": "energy_import_kwh",
                "address": 0,
                "type": "uint32",
                "unit": "kWh",
                "kind": "cumulative",
            },
            {
                "quantity": "power_w",
                "address": 2,
                "type": "int16",
                "unit": "W",
                "kind": "instantaneous",
            },
        ],
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda d: d["registers"][0].update(type="int24"),
            "registers[0] (energy_import_kwh).type",
            "int24",
        ),
        (
            lambda d: d["registers"][0].update(count=1),
            "registers[0] (energy_import_kwh)",
            "count 1 does not fit type uint32",
        ),
        (lambda d: d["registers"][1].update(address=1), "", "overlap"),
        (lambda d: d["registers"][1].update(unit="kW"), "registers[1] (power_w)", "disagrees"),
        (
            lambda d: d["registers"][1].update(quantity="power"),
            "registers[1] (power)",
            "unit suffix",
        ),
        (lambda d: d.update(adress_base=1), "adress_base", "unknown field"),
        (lambda d: d.update(address_base=2), "address_base", ""),
        (
            lambda d: d["registers"][0].update(wordorder="little"),
            "registers[0] (energy_import_kwh).wordorder",
            "unknown field",
        ),
        (lambda d: d.update(max_registers_per_request=200), "max_registers_per_request", ""),
        (lambda d: d.update(address_base=1), "", "below the address base"),
    ],
)
def test_bad_profiles_are_refused_naming_the_file_and_field(
    change, field: str, message: str
) -> None:
    data = _base()
    change(data)
    with pytest.raises(ProfileError) as info:
        parse_profile(data, "profiles/test_meter.yaml")
    err = info.value
    assert err.file == "profiles/test_meter.yaml"
    assert str(err).startswith("profiles/test_meter.yaml")
    assert field in err.field
    assert message in str(err)


def test_profile_file_errors(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "broken.yaml"
    bad_yaml.write_text("name: [unclosed\n")
    with pytest.raises(ProfileError, match=r"broken.yaml: not valid YAML at line"):
        load_profile(bad_yaml)
    with pytest.raises(ProfileError, match="cannot read the file"):
        load_profile(tmp_path / "missing.yaml")
    renamed = tmp_path / "other_name.yaml"
    renamed.write_text(yaml.safe_dump(_base()))
    with pytest.raises(ProfileError, match="differs from the file name"):
        load_profile(renamed)


def test_data_types_have_fixed_sizes() -> None:
    assert {t.value: t.register_count for t in DataType} == {
        "int16": 1,
        "uint16": 1,
        "int32": 2,
        "uint32": 2,
        "float32": 2,
        "int64": 4,
        "uint64": 4,
        "float64": 4,
    }
