"""The poller against the simulator over real Modbus TCP, writing to real stores."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from sqlalchemy import Engine, select, text

from core.db.models import Reading
from core.enums import Medium, Quality, ReadingType
from metering.clock import ManualClock
from metering.decode import decode_value, encode_value
from metering.health import HealthState
from metering.models import RegisterEvent
from metering.poller import Poller, StoreSink, read_health
from tests.factories import add_meters
from tests.metering.conftest import START, devices_doc, make_devices, run, start_sim

FLOAT32_REL = 1e-6  # float32 carries ~7 significant digits


def _meters(
    engine: Engine, n: int, medium: Medium = Medium.ELECTRICITY, unit: str = "kWh"
) -> list[int]:
    return add_meters(
        engine, n, medium=medium, reading_type=ReadingType.CUMULATIVE, unit=unit, interval_s=900
    )


def _stored(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Reading.meter_id, Reading.ts, Reading.value, Reading.quality, Reading.reason)
        ).all()
    return pd.DataFrame(rows, columns=["meter_id", "ts", "value", "quality", "reason"])


def test_poll_decodes_every_profile_like_the_simulator_and_stores_once(any_engine: Engine) -> None:
    e = _meters(any_engine, 3)
    w = _meters(any_engine, 1, Medium.WATER, "m3")
    h = _meters(any_engine, 1, Medium.HEAT, "kWh")
    devices = make_devices(
        devices_doc(
            {
                "gw-a": [
                    {
                        "name": "sdm",
                        "unit_id": 1,
                        "profile": "eastron_sdm630",
                        "meter": {"meter_id": e[0]},
                    },
                    {
                        "name": "em340",
                        "unit_id": 2,
                        "profile": "carlo_gavazzi_em340",
                        "meter": {"meter_id": e[1]},
                    },
                    {
                        "name": "pm",
                        "unit_id": 3,
                        "profile": "schneider_pm5300",
                        "meter": {"meter_id": e[2]},
                    },
                ],
                "gw-b": [
                    {
                        "name": "water",
                        "unit_id": 7,
                        "profile": "mbus_water_meter",
                        "meter": {"meter_id": w[0]},
                    },
                    {
                        "name": "heat",
                        "unit_id": 9,
                        "profile": "kamstrup_multical",
                        "meter": {"meter_id": h[0]},
                    },
                ],
            }
        )
    )
    clock = ManualClock(START)

    async def body() -> list:
        sim = await start_sim(devices, clock)
        poller = Poller(devices, StoreSink(any_engine), clock, ports=sim.ports)
        try:
            cycles = []
            for _ in range(3):
                cycle = await poller.poll_once()
                for result in cycle.devices:
                    expected = sim.device(result.device.key).values(clock.now())
                    assert set(result.values) == set(expected)
                    for quantity, value in result.values.items():
                        spec = result.device.profile.register(quantity)
                        on_the_wire = decode_value(spec, encode_value(spec, expected[quantity]))
                        assert value.quality is Quality.MEASURED, (
                            result.device.key,
                            quantity,
                            value.reason,
                        )
                        assert value.value == pytest.approx(on_the_wire, rel=FLOAT32_REL)
                cycles.append(cycle)
                clock.advance(900)
            return cycles
        finally:
            await poller.close()
            await sim.stop()

    cycles = run(body)
    assert all(c.counts()["ok"] == 5 and c.readings_written == 5 for c in cycles)
    assert cycles[0].requests == 4 + 5 + 6 + 1 + 1  # the planned blocks, no retries
    stored = _stored(any_engine)
    assert len(stored) == 15
    assert not stored.duplicated(["meter_id", "ts"]).any()
    assert (stored.groupby("meter_id")["value"].diff().dropna() >= 0).all()
    health = {h.device: h.state for h in read_health(any_engine)}
    assert set(health.values()) == {HealthState.ONLINE}
    assert len(health) == 5


def test_a_dead_device_is_polled_last_then_left_alone(engine: Engine) -> None:
    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {
                        "name": "dead",
                        "unit_id": 1,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "no_answer"}],
                    },
                    *[
                        {"name": f"flat-{i}", "unit_id": 10 + i, "profile": "mbus_water_meter"}
                        for i in range(5)
                    ],
                ]
            }
        )
    )
    clock = ManualClock(START)

    async def body() -> list:
        sim = await start_sim(devices, clock)
        poller = Poller(devices, None, clock, ports=sim.ports, seed=3)
        try:
            out = []
            for _ in range(4):
                out.append(await poller.poll_once())
                clock.advance(300)
            return out
        finally:
            await poller.close()
            await sim.stop()

    cycles = run(body)
    first = cycles[0].devices
    assert next(r.device.name for r in first) == "dead"  # file order on the first cycle
    assert all(r.outcome.value == "ok" for r in first[1:])
    second = [r.device.name for r in cycles[1].devices]
    assert second[-1] == "dead"  # a failing device goes to the back of the queue
    assert cycles[1].devices[-1].outcome.value == "failed"
    for cycle in cycles[2:]:  # the breaker is open: no request goes to the dead unit
        assert cycle.devices[-1].outcome.value == "skipped"
        assert cycle.requests == 5
        assert all(r.outcome.value == "ok" for r in cycle.devices[:-1])


def test_health_follows_the_injected_faults_and_each_outage_is_logged_once(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    meters = _meters(engine, 2)
    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {
                        "name": "mute",
                        "unit_id": 1,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "no_answer", "end_s": 1800}],
                    },
                    {
                        "name": "refuses",
                        "unit_id": 2,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "exception", "exception_code": 4}],
                    },
                    {
                        "name": "junk",
                        "unit_id": 3,
                        "profile": "eastron_sdm630",
                        "meter": {"meter_id": meters[0]},
                        "faults": [
                            {"kind": "garbage", "quantities": ["energy_import_kwh", "voltage_l1_v"]}
                        ],
                    },
                    {
                        "name": "sluggish",
                        "unit_id": 4,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "slow_answer", "delay_s": 0.05}],
                    },
                    {
                        "name": "stalls",
                        "unit_id": 5,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "slow_answer", "delay_s": 1.0}],
                    },
                    {
                        "name": "fine",
                        "unit_id": 6,
                        "profile": "carlo_gavazzi_em340",
                        "meter": {"meter_id": meters[1]},
                    },
                ],
                "gw-cut": [
                    {
                        "name": "cutter",
                        "unit_id": 1,
                        "profile": "mbus_water_meter",
                        "faults": [{"kind": "drop_connection"}],
                    },
                ],
            },
            poll={"breaker_open_s": 0.01, "breaker_open_max_s": 0.02},
        )
    )
    clock = ManualClock(START)

    async def body() -> None:
        sim = await start_sim(devices, clock)
        poller = Poller(devices, StoreSink(engine), clock, ports=sim.ports, seed=1)
        try:
            for _ in range(3):
                await poller.poll_once()
                clock.advance(600)
            states = {k: h.state for k, h in poller.health.items()}
            assert states == {
                "gw/mute": HealthState.OFFLINE,
                "gw/refuses": HealthState.OFFLINE,
                "gw/junk": HealthState.DEGRADED,
                "gw/sluggish": HealthState.ONLINE,
                "gw/stalls": HealthState.OFFLINE,
                "gw/fine": HealthState.ONLINE,
                "gw-cut/cutter": HealthState.OFFLINE,
            }
            offline_since = poller.health["gw/mute"].since
            clock.advance(1800)  # the mute device's fault ends
            await poller.poll_once()
            await poller.poll_once()
            assert poller.health["gw/mute"].state is HealthState.ONLINE
            assert offline_since < poller.health["gw/mute"].since
        finally:
            await poller.close()
            await sim.stop()

    with caplog.at_level(logging.INFO, logger="metering"):
        run(body)
    outages = [r.getMessage() for r in caplog.records if "offline since" in r.getMessage()]
    for device in ("gw/mute", "gw/refuses", "gw/stalls", "gw-cut/cutter"):
        assert sum(device + " offline" in m for m in outages) == 1, outages
    assert any("gw/mute back online" in r.getMessage() for r in caplog.records)
    stored = _stored(engine)
    junk = stored[stored["meter_id"] == meters[0]]
    assert len(junk) == 4
    assert (junk["quality"] == Quality.INVALID).all()
    assert junk["value"].isna().all()
    assert junk["reason"].str.startswith("garbage").all()
    fine = stored[stored["meter_id"] == meters[1]]
    assert len(fine) == 4
    assert (fine["quality"] == Quality.MEASURED).all()
    assert {h.device: h.state for h in read_health(engine)}["gw/junk"] is HealthState.DEGRADED


def test_rollover_and_reset_are_recorded_as_register_events(engine: Engine) -> None:
    water, em = _meters(engine, 1, Medium.WATER, "m3")[0], _meters(engine, 1)[0]
    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {
                        "name": "wrap",
                        "unit_id": 1,
                        "profile": "mbus_water_meter",
                        "meter": {"meter_id": water},
                        "simulation": {"annual_consumption": 400},
                        "faults": [{"kind": "rollover", "headroom": 0.01}],
                    },
                    {
                        "name": "swap",
                        "unit_id": 2,
                        "profile": "carlo_gavazzi_em340",
                        "meter": {"meter_id": em},
                        "simulation": {"initial_index": 5000},
                        "faults": [{"kind": "reset", "start_s": 2700}],
                    },
                ]
            }
        )
    )
    clock = ManualClock(START)

    async def body() -> None:
        sim = await start_sim(devices, clock)
        poller = Poller(devices, StoreSink(engine), clock, ports=sim.ports)
        try:
            for _ in range(6):
                await poller.poll_once()
                clock.advance(900)
        finally:
            await poller.close()
            await sim.stop()

    run(body)
    with engine.connect() as conn:
        events = conn.execute(select(RegisterEvent.meter_id, RegisterEvent.kind)).all()
    assert sorted(events) == sorted([(water, "rollover"), (em, "reset")])
    stored = _stored(engine)
    assert (stored["quality"] == Quality.MEASURED).all()
    assert stored["reason"].dropna().str.match(r"^(rollover|reset): ").all()
    assert len(stored) == 12


def test_a_store_outage_loses_nothing(engine: Engine) -> None:
    meter = _meters(engine, 1)[0]
    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {
                        "name": "m",
                        "unit_id": 1,
                        "profile": "eastron_sdm630",
                        "meter": {"meter_id": meter},
                    }
                ]
            }
        )
    )
    clock = ManualClock(START)

    async def body() -> list:
        sim = await start_sim(devices, clock)
        poller = Poller(devices, StoreSink(engine), clock, ports=sim.ports)
        try:
            first = await poller.poll_once()
            with engine.begin() as conn:  # the store goes away under the poller
                conn.execute(text("ALTER TABLE readings RENAME TO readings_away"))
            clock.advance(900)
            second = await poller.poll_once()
            with engine.begin() as conn:
                conn.execute(text("ALTER TABLE readings_away RENAME TO readings"))
            clock.advance(900)
            third = await poller.poll_once()
            return [first, second, third]
        finally:
            await poller.close()
            await sim.stop()

    first, second, third = run(body)
    assert first.readings_written == 1
    assert second.write_error
    assert second.readings_written == 0
    assert third.readings_written == 2  # the backlog went with the next cycle
    assert len(_stored(engine)) == 3


def test_a_restarted_poller_carries_on_from_the_store(engine: Engine) -> None:
    meter = _meters(engine, 1)[0]
    doc = devices_doc(
        {
            "gw": [
                {
                    "name": "m",
                    "unit_id": 1,
                    "profile": "carlo_gavazzi_em340",
                    "meter": {"meter_id": meter},
                    "simulation": {"initial_index": 800},
                }
            ]
        }
    )
    devices = make_devices(doc)
    clock = ManualClock(START)

    async def first_run() -> None:
        sim = await start_sim(devices, clock)
        poller = Poller(devices, StoreSink(engine), clock, ports=sim.ports)
        try:
            await poller.poll_once()
        finally:
            await poller.close()
            await sim.stop()

    run(first_run)
    # the meter is replaced while no poller runs: the new one starts from 0
    doc["endpoints"][0]["devices"][0]["simulation"]["initial_index"] = 3
    devices = make_devices(doc)
    clock.advance(900)

    async def second_run() -> str | None:
        sim = await start_sim(devices, clock)
        poller = Poller(devices, StoreSink(engine), clock, ports=sim.ports)
        try:
            cycle = await poller.poll_once()
            return cycle.devices[0].values["energy_import_kwh"].reason
        finally:
            await poller.close()
            await sim.stop()

    reason = run(second_run)
    assert reason is not None
    assert reason.startswith("reset: energy_import_kwh fell from 800")


def test_unknown_meters_are_refused_before_polling(engine: Engine) -> None:
    from metering.exceptions import DevicesFileError

    devices = make_devices(
        devices_doc(
            {
                "gw": [
                    {
                        "name": "m",
                        "unit_id": 1,
                        "profile": "eastron_sdm630",
                        "meter": {"serial": "NOPE"},
                    }
                ]
            }
        ),
        source="site.yaml",
    )

    async def body() -> None:
        Poller(devices, StoreSink(engine, source="site.yaml"))

    with pytest.raises(
        DevicesFileError, match=r"site.yaml: device gw/m: meter: serial NOPE is not a meter"
    ):
        run(body)
