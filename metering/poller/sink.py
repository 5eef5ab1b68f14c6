"""Where a poll cycle's results go: the store (readings, register events, device health)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite

from core.db.engine import session_scope
from core.db.models import Meter, Reading
from core.enums import Quality
from core.timeseries import write_readings
from metering.config import Device, MeterRef
from metering.exceptions import DevicesFileError
from metering.health import DeviceHealth
from metering.models import DeviceHealthRow, RegisterEvent

logger = logging.getLogger(__name__)

BACKLOG_MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class RegisterEventRecord:
    meter_id: int
    ts: datetime
    kind: str
    value_before: float
    value_after: float
    device: str


class ReadingSink(Protocol):
    """The poller's storage."""

    def resolve(self, devices: Sequence[Device]) -> dict[str, int]:
        """``str(MeterRef)`` -> meter id for every meter the devices feed."""
        ...

    def last_values(
        self, devices: Sequence[Device], meter_ids: dict[str, int]
    ) -> dict[tuple[str, str], tuple[float, datetime]]:
        """(device key, quantity) -> the last valid stored value of a cumulative register."""
        ...

    def write_cycle(
        self,
        frame: pd.DataFrame,
        events: Sequence[RegisterEventRecord],
        health: Sequence[DeviceHealth],
    ) -> int:
        """Store one cycle; returns the readings written."""
        ...

    def stored_health(self) -> dict[str, DeviceHealth]:
        """The devices' health as last stored (a restarted poller carries on from it)."""
        ...


class NullSink:
    """Stores nothing (``kof poll --no-store``); meters get placeholder ids."""

    def resolve(self, devices: Sequence[Device]) -> dict[str, int]:
        refs = sorted({str(r) for d in devices for r in d.feeds().values()})
        return {ref: i + 1 for i, ref in enumerate(refs)}

    def last_values(
        self, devices: Sequence[Device], meter_ids: dict[str, int]
    ) -> dict[tuple[str, str], tuple[float, datetime]]:
        return {}

    def write_cycle(
        self,
        frame: pd.DataFrame,
        events: Sequence[RegisterEventRecord],
        health: Sequence[DeviceHealth],
    ) -> int:
        return 0

    def stored_health(self) -> dict[str, DeviceHealth]:
        return {}


class StoreSink:
    """Readings through ``write_readings`` (one transaction per cycle); events and health
    in the metering tables. A cycle the store refuses stays in a backlog and goes with the
    next cycle, so nothing polled is lost while the store is down."""

    def __init__(self, engine: Engine, source: str = ""):
        self.engine = engine
        self.source = source
        self.backlog: list[pd.DataFrame] = []

    def resolve(self, devices: Sequence[Device]) -> dict[str, int]:
        refs: list[tuple[Device, str, MeterRef]] = [
            (d, q, r) for d in devices for q, r in d.feeds().items()
        ]
        serials = {r.serial for _, _, r in refs if r.serial is not None}
        ids = {r.meter_id for _, _, r in refs if r.meter_id is not None}
        with self.engine.connect() as conn:
            by_serial = (
                dict(
                    conn.execute(
                        select(Meter.serial_number, Meter.id).where(
                            Meter.serial_number.in_(serials)
                        )
                    ).all()
                )
                if serials
                else {}
            )
            known_ids = (
                set(conn.execute(select(Meter.id).where(Meter.id.in_(ids))).scalars())
                if ids
                else set()
            )
        out: dict[str, int] = {}
        for dev, quantity, ref in refs:
            meter_id = by_serial.get(ref.serial) if ref.serial is not None else ref.meter_id
            if meter_id is None or (ref.meter_id is not None and ref.meter_id not in known_ids):
                field = (
                    "meter"
                    if quantity == dev.profile.primary.quantity and dev.meter == ref
                    else f"channels.{quantity}"
                )
                raise DevicesFileError(
                    f"{ref} is not a meter in the store; register it first (kof region generate, or the meter registry)",
                    file=self.source,
                    device=dev.key,
                    field=field,
                )
            out[str(ref)] = meter_id
        return out

    def last_values(
        self, devices: Sequence[Device], meter_ids: dict[str, int]
    ) -> dict[tuple[str, str], tuple[float, datetime]]:
        wanted: dict[int, tuple[str, str]] = {}
        for dev in devices:
            for quantity, ref in dev.feeds().items():
                if dev.profile.register(quantity).kind.value == "cumulative":
                    wanted[meter_ids[str(ref)]] = (dev.key, quantity)
        if not wanted:
            return {}
        out: dict[tuple[str, str], tuple[float, datetime]] = {}
        measured = Reading.quality == Quality.MEASURED
        ids = list(wanted)
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                latest = (
                    select(Reading.meter_id, func.max(Reading.ts).label("ts"))
                    .where(Reading.meter_id.in_(chunk), measured, Reading.value.is_not(None))
                    .group_by(Reading.meter_id)
                    .subquery()
                )
                rows = conn.execute(
                    select(Reading.meter_id, Reading.ts, Reading.value).join(
                        latest,
                        (Reading.meter_id == latest.c.meter_id) & (Reading.ts == latest.c.ts),
                    )
                ).all()
                for meter_id, ts, value in rows:
                    out[wanted[meter_id]] = (float(value), ts)
        return out

    def write_cycle(
        self,
        frame: pd.DataFrame,
        events: Sequence[RegisterEventRecord],
        health: Sequence[DeviceHealth],
    ) -> int:
        pending = [f for f in (*self.backlog, frame) if not f.empty]
        written = 0
        if pending:
            batch = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]
            try:
                written = write_readings(self.engine, batch)
            except Exception:
                rows = sum(len(f) for f in pending)
                self.backlog = pending if rows <= BACKLOG_MAX_ROWS else pending[-1:]
                raise
            self.backlog = []
        if events or health:
            self._write_meta(events, health)
        return written

    def stored_health(self) -> dict[str, DeviceHealth]:
        return {h.device: h for h in read_health(self.engine)}

    def _write_meta(
        self, events: Iterable[RegisterEventRecord], health: Sequence[DeviceHealth]
    ) -> None:
        now = datetime.now(UTC)
        rows = [
            {
                "device": h.device,
                "endpoint": h.endpoint,
                "unit_id": h.unit_id,
                "state": h.state,
                "since": h.since,
                "last_success_at": h.last_success_at,
                "last_failure_at": h.last_failure_at,
                "consecutive_failures": h.consecutive_failures,
                "last_error": (h.last_error or "")[:200] or None,
                "updated_at": now,
            }
            for h in health
        ]
        with session_scope(self.engine) as session:
            for event in events:
                session.add(
                    RegisterEvent(
                        meter_id=event.meter_id,
                        ts=event.ts,
                        kind=event.kind,
                        value_before=event.value_before,
                        value_after=event.value_after,
                        device=event.device,
                    )
                )
            if rows:
                dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite  # type: ignore[union-attr]
                stmt = dialect.insert(DeviceHealthRow)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[DeviceHealthRow.device],
                    set_={c: stmt.excluded[c] for c in rows[0] if c != "device"},
                )
                session.execute(stmt, rows)


def read_health(engine: Engine) -> list[DeviceHealth]:
    """The stored health of every device that was ever polled, by device key."""
    from metering.health import HealthState

    with engine.connect() as conn:
        rows = conn.execute(select(DeviceHealthRow).order_by(DeviceHealthRow.device)).all()
    return [
        DeviceHealth(
            device=r.device,
            endpoint=r.endpoint,
            unit_id=r.unit_id,
            state=HealthState(r.state),
            since=r.since,
            last_success_at=r.last_success_at,
            last_failure_at=r.last_failure_at,
            consecutive_failures=r.consecutive_failures,
            last_error=r.last_error,
        )
        for r in rows
    ]
