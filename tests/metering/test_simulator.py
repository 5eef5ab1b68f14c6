"""The field simulator over real Modbus TCP on localhost: values, time, faults."""

from __future__ import annotations

import asyncio
import math
from zoneinfo import ZoneInfo

import pytest
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusIOException

from metering.clock import ManualClock
from metering.decode import decode_value
from metering.simulator.consumption import E_HOUSEHOLD_CITY_KWH_PER_YR
from tests.metering.conftest import START, devices_doc, make_devices, run, start_sim


async def _read(client: AsyncModbusTcpClient, spec, unit: int) -> float:
    call = (
        client.read_input_registers
        if spec.function.value == "input"
        else client.read_holding_registers
    )
    response = await call(spec.protocol_address, count=spec.register_count, device_id=unit)
    assert not response.isError(), response
    return decode_value(spec, response.registers)


def test_simple_models_advance_with_simulated_time_at_the_regions_rates() -> None:
    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {
                        "name": "flat",
                        "unit_id": 1,
                        "profile": "eastron_sdm630",
                        "simulation": {"persons": 3},
                    },
                    {
                        "name": "water",
                        "unit_id": 2,
                        "profile": "mbus_water_meter",
                        "simulation": {"persons": 3},
                    },
                    {
                        "name": "heat",
                        "unit_id": 3,
                        "profile": "kamstrup_multical",
                        "simulation": {"floor_area_m2": 60},
                    },
                ]
            },
            simulation={"load": "simple"},
        )
    )
    clock = ManualClock(START)

    async def body() -> dict[str, float]:
        sim = await start_sim(devices, clock)
        client = AsyncModbusTcpClient("127.0.0.1", port=sim.ports["gw"], timeout=1, retries=0)
        await client.connect()
        try:
            specs = {
                "e": (devices.device("gw/flat").profile.register("energy_import_kwh"), 1),
                "w": (devices.device("gw/water").profile.register("volume_m3"), 2),
                "h": (devices.device("gw/heat").profile.register("energy_heat_kwh"), 3),
            }
            before = {k: await _read(client, s, u) for k, (s, u) in specs.items()}
            clock.advance(7 * 86400)
            after = {k: await _read(client, s, u) for k, (s, u) in specs.items()}
            return {k: after[k] - before[k] for k in specs}
        finally:
            client.close()
            await sim.stop()

    week = run(body)
    expected_kwh = E_HOUSEHOLD_CITY_KWH_PER_YR * (3 / 2.52) ** 0.45 / 52.18
    assert week["e"] == pytest.approx(expected_kwh, rel=0.5)  # a January week, noisy
    assert week["w"] == pytest.approx(3 * 0.094 * 7, rel=0.5)  # 94 L/person/day
    assert 60 * 120 / 52 < week["h"] < 60 * 120 / 52 * 5  # a winter week above the annual mean


def test_faults_as_a_master_sees_them() -> None:
    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {"name": "ok", "unit_id": 1, "profile": "mbus_water_meter"},
                    {
                        "name": "mute",
                        "unit_id": 2,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "no_answer"}],
                    },
                    {
                        "name": "busy",
                        "unit_id": 3,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "exception", "exception_code": 6}],
                    },
                    {
                        "name": "junk",
                        "unit_id": 4,
                        "profile": "eastron_sdm630",
                        "faults": [{"kind": "garbage"}],
                    },
                    {
                        "name": "slow",
                        "unit_id": 5,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "slow_answer", "delay_s": 0.6}],
                    },
                    {
                        "name": "cut",
                        "unit_id": 6,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "drop_connection"}],
                    },
                ]
            }
        )
    )
    clock = ManualClock(START)

    async def body() -> None:
        sim = await start_sim(devices, clock)
        client = AsyncModbusTcpClient(
            "127.0.0.1", port=sim.ports["gw"], timeout=0.3, retries=0, reconnect_delay=0
        )
        await client.connect()
        try:
            volume = devices.device("gw/ok").profile.register("volume_m3")
            expected = sim.device("gw/ok").values(clock.now())["volume_m3"]
            assert await _read(client, volume, 1) == pytest.approx(expected, abs=0.001)

            with pytest.raises(ModbusIOException):
                await client.read_holding_registers(0, count=5, device_id=2)
            busy = await client.read_holding_registers(0, count=5, device_id=3)
            assert busy.isError()
            assert busy.exception_code == 6
            unknown = await client.read_holding_registers(0, count=5, device_id=42)
            assert unknown.isError()
            assert unknown.exception_code == 0x0B

            voltage = devices.device("gw/junk").profile.register("voltage_l1_v")
            assert math.isnan(await _read(client, voltage, 4))

            # a late answer must not be taken for the answer to the next request
            with pytest.raises(ModbusIOException):
                await client.read_holding_registers(0, count=5, device_id=5)
            for _ in range(3):
                await asyncio.sleep(0.25)
                assert await _read(client, volume, 1) == pytest.approx(expected, abs=0.001)

            with pytest.raises(ModbusIOException):
                await client.read_holding_registers(0, count=5, device_id=6)
            assert not client.connected
        finally:
            client.close()
            await sim.stop()

    run(body)


def test_rollover_and_reset_faults_move_the_register() -> None:
    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {
                        "name": "wrap",
                        "unit_id": 1,
                        "profile": "mbus_water_meter",
                        "simulation": {"annual_consumption": 400},
                        "faults": [{"kind": "rollover", "headroom": 0.01}],
                    },
                    {
                        "name": "new",
                        "unit_id": 2,
                        "profile": "carlo_gavazzi_em340",
                        "simulation": {"initial_index": 5000},
                        "faults": [{"kind": "reset", "start_s": 3600, "reset_to": 0}],
                    },
                ]
            }
        )
    )
    clock = ManualClock(START)

    async def body() -> None:
        sim = await start_sim(devices, clock)
        client = AsyncModbusTcpClient("127.0.0.1", port=sim.ports["gw"], timeout=0.5, retries=0)
        await client.connect()
        try:
            volume = devices.device("gw/wrap").profile.register("volume_m3")
            energy = devices.device("gw/new").profile.register("energy_import_kwh")
            top = await _read(client, volume, 1)
            assert top > volume.raw_span() - 0.02
            assert await _read(client, energy, 2) == pytest.approx(5000, abs=0.1)
            clock.advance(2 * 3600)
            assert await _read(client, volume, 1) < 1.0  # wrapped past 2^32 litres
            after = await _read(client, energy, 2)
            assert 0 <= after < 10  # the new meter counts from 0
        finally:
            client.close()
            await sim.stop()

    run(body)


def test_region_load_measures_the_reference_regions_own_series() -> None:
    from metering.simulator.region_load import _region_series

    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {"name": "flat", "unit_id": 1, "profile": "carlo_gavazzi_em340"},
                    {"name": "tap", "unit_id": 2, "profile": "mbus_water_meter"},
                ]
            },
            simulation={"load": "region", "seed": 2030, "region_days": 7},
        )
    )
    clock = ManualClock(START)

    async def body() -> tuple[float, float]:
        sim = await start_sim(devices, clock)
        try:
            flat, tap = sim.device("gw/flat"), sim.device("gw/tap")
            e0 = flat.values(clock.now())["energy_import_kwh"]
            v0 = tap.values(clock.now())["volume_m3"]
            clock.advance(86400)
            return (
                flat.values(clock.now())["energy_import_kwh"] - e0,
                tap.values(clock.now())["volume_m3"] - v0,
            )
        finally:
            await sim.stop()

    energy_kwh, volume_m3 = run(body)
    series = _region_series(100, 2030, START.astimezone(ZoneInfo("Europe/Warsaw")).date(), 7)
    grid_start, step, values = series["electricity"][0]
    first = int((START - grid_start).total_seconds() // step)
    assert energy_kwh == pytest.approx(values[first : first + 96].sum(), rel=1e-9)
    grid_start, step, values = series["water"][0]
    first = int((START - grid_start).total_seconds() // step)
    assert volume_m3 == pytest.approx(values[first : first + 24].sum(), rel=1e-9)
