"""Tables of the maintenance queue (one queue for every network)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base
from core.db.types import UtcDateTime, enum_column
from core.enums import Medium
from core.maintenance.enums import ItemStatus, Priority


class MaintenanceItem(Base):
    """A work order opened by a detection (a leak, a pump drifting, an anomaly) or by hand.

    ``asset`` names the equipment in its network's own terms (``water:Net3/pipe:P-12``,
    ``heat:substation:17``); ``evidence`` holds what the detector saw, as JSON.
    """

    __tablename__ = "maintenance_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    medium: Mapped[Medium] = mapped_column(enum_column(Medium, "maintenance_medium"))
    asset: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "maintenance_priority"))
    status: Mapped[ItemStatus] = mapped_column(enum_column(ItemStatus, "maintenance_status"))
    assignee: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


Index("ix_maintenance_items_status_medium", MaintenanceItem.status, MaintenanceItem.medium)
Index("ix_maintenance_items_asset", MaintenanceItem.asset)
