"""The issue's acceptance run: simulator + poller for an hour of simulated time with faults.

The store must hold every good reading once, every bad one flagged, and the health states
must match the faults.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from core.db.models import Meter, Reading
from core.enums import Medium, Quality, ReadingType
from metering.clock import ManualClock
from metering.health import HealthState
from metering.models import RegisterEvent
from metering.poller import Poller, StoreSink, read_health
from tests.factories import add_meters
from tests.metering.conftest import START, devices_doc, make_devices, run, start_sim

STEP_S = 300  # a poll every 5 simulated minutes
CYCLES = 13  # 0 .. 60 minutes


def test_an_hour_with_faults(engine: Engine) -> None:
    add_meters(engine, 5, reading_type=ReadingType.CUMULATIVE, unit="kWh", prefix="E")
    add_meters(
        engine, 3, medium=Medium.WATER, reading_type=ReadingType.CUMULATIVE, unit="m3", prefix="W"
    )
    with engine.connect() as conn:
        serial = dict(conn.execute(select(Meter.serial_number, Meter.id)).all())
    doc = devices_doc(
        {
            "gw-north": [
                {
                    "name": "healthy",
                    "unit_id": 1,
                    "profile": "eastron_sdm630",
                    "meter": {"serial": "E000000"},
                },
                {
                    "name": "outage",
                    "unit_id": 2,
                    "profile": "carlo_gavazzi_em340",
                    "meter": {"serial": "E000001"},
                    "faults": [{"kind": "no_answer", "start_s": 900, "end_s": 1800}],
                },
                {
                    "name": "noisy",
                    "unit_id": 3,
                    "profile": "schneider_pm5300",
                    "meter": {"serial": "E000002"},
                    "faults": [
                        {"kind": "garbage", "start_s": 1200, "end_s": 1500, "garbage": "nan"}
                    ],
                },
                {
                    "name": "replaced",
                    "unit_id": 4,
                    "profile": "carlo_gavazzi_em340",
                    "meter": {"serial": "E000003"},
                    "simulation": {"initial_index": 4000},
                    "faults": [{"kind": "reset", "start_s": 2400}],
                },
                {
                    "name": "broken",
                    "unit_id": 5,
                    "profile": "eastron_sdm630",
                    "meter": {"serial": "E000004"},
                    "faults": [{"kind": "exception", "exception_code": 4, "start_s": 1500}],
                },
            ],
            "gw-south": [
                {
                    "name": "wraps",
                    "unit_id": 1,
                    "profile": "mbus_water_meter",
                    "meter": {"serial": "W000005"},
                    "simulation": {"annual_consumption": 300},
                    "faults": [{"kind": "rollover", "headroom": 0.01}],
                },
                {
                    "name": "late",
                    "unit_id": 2,
                    "profile": "mbus_water_meter",
                    "meter": {"serial": "W000006"},
                    "faults": [
                        {"kind": "slow_answer", "delay_s": 0.6, "start_s": 300, "end_s": 900}
                    ],
                },
                {
                    "name": "flaky-link",
                    "unit_id": 3,
                    "profile": "mbus_water_meter",
                    "meter": {"serial": "W000007"},
                    "faults": [{"kind": "drop_connection", "start_s": 600, "end_s": 1200}],
                },
            ],
        },
        poll={"breaker_open_s": 0.001, "breaker_open_max_s": 0.002},
    )
    devices = make_devices(doc)
    clock = ManualClock(START)

    async def body() -> list:
        sim = await start_sim(devices, clock)
        poller = Poller(devices, StoreSink(engine), clock, ports=sim.ports, seed=11)
        try:
            cycles = []
            for _ in range(CYCLES):
                cycles.append(await poller.poll_once())
                clock.advance(STEP_S)
            return cycles
        finally:
            await poller.close()
            await sim.stop()

    cycles = run(body, timeout_s=120)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Reading.meter_id, Reading.ts, Reading.value, Reading.quality, Reading.reason)
        ).all()
        events = conn.execute(
            select(RegisterEvent.meter_id, RegisterEvent.kind, RegisterEvent.ts)
        ).all()
    stored = pd.DataFrame(rows, columns=["meter_id", "ts", "value", "quality", "reason"])

    # every reading the poller got is stored exactly once
    answered = {}
    for cycle in cycles:
        for result in cycle.devices:
            if result.values:
                meter = serial[str(result.device.meter).removeprefix("serial ")]
                answered.setdefault(meter, []).append(result.ts)
    assert not stored.duplicated(["meter_id", "ts"]).any()
    for meter, stamps in answered.items():
        assert sorted(stored.loc[stored["meter_id"] == meter, "ts"]) == sorted(stamps)

    def minutes(name: str) -> list[int]:
        meter = serial[name]
        ts = stored.loc[stored["meter_id"] == meter, "ts"]
        return sorted(int((t - START).total_seconds() // 60) for t in ts)

    assert minutes("E000000") == list(range(0, 61, 5))
    assert minutes("E000001") == [0, 5, 10, 30, 35, 40, 45, 50, 55, 60]  # no answer 15..29 min
    assert minutes("E000004") == [0, 5, 10, 15, 20]  # exceptions from minute 25
    assert minutes("W000006") == [0, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]  # too slow 5..14
    assert minutes("W000007") == [0, 5, 20, 25, 30, 35, 40, 45, 50, 55, 60]  # link drops 10..19

    # bad readings are there, flagged, with the reason
    noisy = stored[stored["meter_id"] == serial["E000002"]]
    bad = noisy[noisy["quality"] == Quality.INVALID]
    assert sorted(int((t - START).total_seconds() // 60) for t in bad["ts"]) == [20]
    assert bad["value"].isna().all()
    assert bad["reason"].str.startswith("garbage").all()
    good = stored[stored["quality"] == Quality.MEASURED]
    assert len(good) + len(bad) == len(stored)

    # registers: a rollover and a replacement, recorded as events; otherwise never falling
    kinds = {(m, k) for m, k, _ in events}
    assert kinds == {(serial["W000005"], "rollover"), (serial["E000003"], "reset")}
    for meter, series in good.sort_values("ts").groupby("meter_id")["value"]:
        falls = int((series.diff() < 0).sum())
        assert falls == (1 if meter in (serial["W000005"], serial["E000003"]) else 0), meter

    # health at the end of the hour matches the faults still active
    health = {h.device: h.state for h in read_health(engine)}
    assert health.pop("gw-north/broken") is HealthState.OFFLINE
    assert set(health.values()) == {HealthState.ONLINE}, health
