"""A devices file for the store's own meters: the field the demo simulates and polls.

For a sample of the region's billing meters (premises' electricity and water, buildings' heat)
this registers the register channel that a Modbus meter exposes (a cumulative meter on the same
premise or building, serial ``<meter serial>-R``) and writes a devices file that maps one
simulated device of a matching profile to each. Running it again reuses what it registered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.db.engine import session_scope
from core.db.models import Meter, Premise
from core.enums import Medium, MeterKind, PremiseKind, ReadingType
from core.exceptions import InputError
from metering.profiles import builtin_profiles

logger = logging.getLogger(__name__)

REGISTER_SUFFIX = "-R"
MAX_UNITS_PER_ENDPOINT = 247
# Demo faults, so the health views have something to show (simulated seconds after start).
_DEMO_FAULTS: tuple[dict[str, Any], ...] = (
    {"kind": "no_answer", "start_s": 1800, "end_s": 5400},
    {"kind": "garbage", "start_s": 3600, "end_s": 4500},
    {"kind": "slow_answer", "delay_s": 1.5, "start_s": 600, "end_s": 2400},
    {"kind": "reset", "start_s": 7200},
)


@dataclass(frozen=True)
class _Pick:
    meter_id: int
    serial: str
    medium: Medium
    premise_id: int | None
    building_id: int | None
    profile: str
    persons: int
    floor_area_m2: float


def _profile_for(medium: Medium, premise_kind: PremiseKind | None, n: int) -> str:
    if medium is Medium.HEAT:
        return "kamstrup_multical"
    if medium is Medium.WATER:
        return "mbus_water_meter"
    if premise_kind in (PremiseKind.PUBLIC, PremiseKind.COMMERCIAL):
        return "schneider_pm5300"
    return "eastron_sdm630" if n % 2 == 0 else "carlo_gavazzi_em340"


def _pick(engine: Engine, devices: int) -> list[_Pick]:
    """Billing meters in a stable order: electricity, water, then building heat meters."""
    shares = {Medium.ELECTRICITY: 0.5, Medium.WATER: 0.3, Medium.HEAT: 0.2}
    picks: list[_Pick] = []
    with Session(engine) as session:
        for medium, share in shares.items():
            want = max(1, round(devices * share))
            rows = session.execute(
                select(Meter, Premise)
                .outerjoin(Premise, Meter.premise_id == Premise.id)
                .where(
                    Meter.medium == medium,
                    Meter.meter_kind == MeterKind.MAIN,
                    Meter.reading_type == ReadingType.INTERVAL,
                )
                .order_by(Meter.id)
                .limit(want)
            ).all()
            for n, (meter, premise) in enumerate(rows):
                picks.append(
                    _Pick(
                        meter_id=meter.id,
                        serial=meter.serial_number,
                        medium=Medium(meter.medium),
                        premise_id=meter.premise_id,
                        building_id=meter.building_id,
                        profile=_profile_for(
                            Medium(meter.medium),
                            PremiseKind(premise.premise_kind) if premise else None,
                            n,
                        ),
                        persons=max(1, premise.household_size) if premise else 2,
                        floor_area_m2=premise.floor_area_m2 if premise else 55.0,
                    )
                )
    return picks[:devices]


def _register_meters(engine: Engine, picks: list[_Pick], interval_s: int) -> None:
    profiles = builtin_profiles()
    with session_scope(engine) as session:
        existing = set(
            session.scalars(
                select(Meter.serial_number).where(
                    Meter.serial_number.in_([p.serial + REGISTER_SUFFIX for p in picks])
                )
            )
        )
        for p in picks:
            serial = p.serial + REGISTER_SUFFIX
            if serial in existing:
                continue
            session.add(
                Meter(
                    serial_number=serial,
                    medium=p.medium,
                    meter_kind=MeterKind.MAIN,
                    reading_type=ReadingType.CUMULATIVE,
                    unit=profiles[p.profile].primary.unit,
                    interval_s=interval_s,
                    premise_id=p.premise_id,
                    building_id=p.building_id,
                )
            )


def build_field(
    engine: Engine,
    out: str | Path,
    *,
    devices: int = 40,
    endpoints: int = 2,
    base_port: int = 15020,
    poll_interval_s: int = 60,
    acceleration: float = 60.0,
    faults: bool = True,
) -> Path:
    """Register register-channel meters for a sample of the store's meters and write a devices file.

    Args:
        engine: a migrated store that holds a region.
        out: the devices file to write (YAML).
        devices: how many devices to simulate.
        endpoints: gateways to spread them over (ports ``base_port``, ``base_port + 1``, ...).
        poll_interval_s: the poller's interval, also the register meters' nominal interval.
        acceleration: simulated seconds per real second.
        faults: give a few devices the demo faults.

    Returns:
        The path written.

    Raises:
        InputError: no meters in the store, or arguments out of range.
    """
    if not 1 <= devices <= endpoints * MAX_UNITS_PER_ENDPOINT:
        raise InputError(f"devices: {devices} must be 1 to {endpoints * 247}", field="devices")
    if not 1 <= endpoints <= 50:
        raise InputError(f"endpoints: {endpoints} must be 1 to 50", field="endpoints")
    picks = _pick(engine, devices)
    if not picks:
        raise InputError(
            "the store has no billing meters; run `kof region generate` first", field="store"
        )
    _register_meters(engine, picks, poll_interval_s)
    gateways: list[dict[str, Any]] = [
        {"name": f"gw-{i + 1}", "host": "127.0.0.1", "port": base_port + i, "devices": []}
        for i in range(endpoints)
    ]
    for n, p in enumerate(picks):
        device: dict[str, Any] = {
            "name": f"{p.medium.value}-{p.serial}".lower(),
            "unit_id": n // endpoints + 1,
            "profile": p.profile,
            "meter": {"serial": p.serial + REGISTER_SUFFIX},
            "simulation": {"persons": p.persons, "floor_area_m2": round(p.floor_area_m2, 1)},
        }
        fault = (
            _DEMO_FAULTS[n // 7] if faults and n % 7 == 3 and n // 7 < len(_DEMO_FAULTS) else None
        )
        if fault is not None and not (
            fault["kind"] == "reset" and p.profile == "kamstrup_multical"
        ):
            device["faults"] = [fault]
        gateways[n % endpoints]["devices"].append(device)
    document = {
        "simulation": {"acceleration": acceleration, "load": "region"},
        "poll": {"interval_s": poll_interval_s, "timeout_s": 1.0, "retries": 1},
        "endpoints": [g for g in gateways if g["devices"]],
    }
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# Written by `kof field-setup`: simulated Modbus devices for meters of the store.\n"
        "# Each device feeds the register channel <serial>-R of a region meter.\n"
    )
    path.write_text(header + yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    logger.info("wrote %s: %d devices on %d endpoints", path, len(picks), endpoints)
    return path
