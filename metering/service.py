"""Read services of metering for the dashboards: device health, data completeness and quality.

The SQL lives here (the web layer builds none); results are dataclasses and DataFrames.
"""

from __future__ import annotations

import logging
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, func, select

from core.db.models import Building, District, Meter, Premise, Reading
from core.enums import Quality
from metering.health import DeviceHealth, HealthState
from metering.poller.sink import read_health

logger = logging.getLogger(__name__)

COMPLETENESS_COLUMNS = [
    "meter_id",
    "serial_number",
    "medium",
    "meter_kind",
    "district",
    "n_expected",
    "n_readings",
    *[f"n_{q.value}" for q in Quality],
    "completeness",
]


def device_health(engine: Engine) -> list[DeviceHealth]:
    """The stored health of every polled device (empty when nothing was ever polled)."""
    return read_health(engine)


def health_counts(health: list[DeviceHealth]) -> dict[str, int]:
    """How many devices are online, degraded and offline."""
    counts = {state.value: 0 for state in HealthState}
    for item in health:
        counts[item.state.value] += 1
    return counts


def reading_span(engine: Engine) -> tuple[datetime | None, datetime | None]:
    """The first and last reading timestamps in the store (None, None when it is empty)."""
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(Reading.ts), func.max(Reading.ts))).one()
    return _aware(first), _aware(last)


def completeness(engine: Engine, start: datetime, end: datetime) -> pd.DataFrame:
    """Readings received against expected, and their quality flags, per meter in [start, end).

    Args:
        engine: the store's engine.
        start: aware start of the window.
        end: aware end of the window (excluded).

    Returns:
        One row per meter with columns ``COMPLETENESS_COLUMNS``; ``completeness`` is the share
        of expected intervals holding a measured, estimated or edited value (0..1).
    """
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise ValueError("completeness needs aware bounds with start < end")
    span_s = (end - start).total_seconds()
    building_id = func.coalesce(Meter.building_id, Premise.building_id)
    with engine.connect() as conn:
        meters = conn.execute(
            select(
                Meter.id,
                Meter.serial_number,
                Meter.medium,
                Meter.meter_kind,
                Meter.interval_s,
                District.name,
            )
            .outerjoin(Premise, Premise.id == Meter.premise_id)
            .outerjoin(Building, Building.id == building_id)
            .outerjoin(District, District.id == Building.district_id)
            .order_by(Meter.id)
        ).all()
        counts = conn.execute(
            select(Reading.meter_id, Reading.quality, func.count())
            .where(Reading.ts >= start, Reading.ts < end)
            .group_by(Reading.meter_id, Reading.quality)
        ).all()
    if not meters:
        return pd.DataFrame(columns=COMPLETENESS_COLUMNS)
    by_meter: dict[int, dict[str, int]] = {}
    for meter_id, quality, n in counts:
        by_meter.setdefault(int(meter_id), {})[Quality(quality).value] = int(n)
    rows = []
    for meter_id, serial, medium, kind, interval_s, district in meters:
        flags = by_meter.get(int(meter_id), {})
        expected = max(1, int(span_s // max(int(interval_s), 1)))
        row = {
            "meter_id": int(meter_id),
            "serial_number": serial,
            "medium": str(getattr(medium, "value", medium)),
            "meter_kind": str(getattr(kind, "value", kind)),
            "district": district or "-",
            "n_expected": expected,
            "n_readings": sum(flags.values()),
        }
        for q in Quality:
            row[f"n_{q.value}"] = flags.get(q.value, 0)
        usable = row["n_readings"] - row[f"n_{Quality.INVALID.value}"]
        row["completeness"] = min(1.0, usable / expected)
        rows.append(row)
    return pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS)


def completeness_by_district(per_meter: pd.DataFrame) -> pd.DataFrame:
    """Per-meter completeness summed up per district and medium.

    Returns:
        Columns district, medium, n_meters, n_expected, n_readings, n_<quality>..., completeness.
    """
    if per_meter.empty:
        return pd.DataFrame(columns=["district", "medium", "n_meters", "completeness"])
    sums = [c for c in per_meter.columns if c.startswith("n_")]
    grouped = per_meter.groupby(["district", "medium"], as_index=False).agg(
        n_meters=("meter_id", "count"), **{c: (c, "sum") for c in sums}
    )
    usable = grouped["n_readings"] - grouped[f"n_{Quality.INVALID.value}"]
    grouped["completeness"] = (usable / grouped["n_expected"]).clip(upper=1.0)
    return grouped


def _aware(value: object) -> datetime | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)  # SQLite returns naive UTC for aggregates
    return (ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")).to_pydatetime()
