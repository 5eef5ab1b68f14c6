"""Tables of the metering package (on the core declarative base; migration metering_0001)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Enum, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base
from core.db.types import UtcDateTime, enum_column
from metering.health import HealthState


def _state_enum() -> Enum:
    return enum_column(HealthState, "device_health_state", length=16)


class DeviceHealthRow(Base):
    """The last known health of each polled device (``endpoint/name``)."""

    __tablename__ = "metering_device_health"

    device: Mapped[str] = mapped_column(String(121), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(60))
    unit_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[HealthState] = mapped_column(_state_enum())
    since: Mapped[datetime] = mapped_column(UtcDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RegisterEvent(Base):
    """A cumulative register that fell: a rollover at its width, or a reset (a new series).

    ``value_before``/``value_after`` are what the device sent; VEE uses the events to derive
    consumption across the fall.
    """

    __tablename__ = "metering_register_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"), index=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(16))  # "rollover" or "reset"
    value_before: Mapped[float] = mapped_column(Float)
    value_after: Mapped[float] = mapped_column(Float)
    device: Mapped[str] = mapped_column(String(121))
