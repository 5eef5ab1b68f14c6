"""Use cases of the maintenance queue: open, list and update work orders.

Every network's detectors call ``open_item``; an active item for the same asset and kind is
updated with the new evidence instead of being opened twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from core.db.engine import session_factory, session_scope
from core.enums import Medium
from core.exceptions import InputError
from core.maintenance.enums import ItemStatus, Priority
from core.maintenance.models import MaintenanceItem
from core.timeutil import require_aware

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemView:
    """A maintenance item as the services and the dashboards see it."""

    id: int
    medium: Medium
    asset: str
    kind: str
    title: str
    evidence: dict[str, Any]
    priority: Priority
    status: ItemStatus
    assignee: str | None
    note: str | None
    detected_at: datetime
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, row: MaintenanceItem) -> ItemView:
        return cls(**{f: getattr(row, f) for f in cls.__dataclass_fields__})

    def as_json(self) -> dict[str, Any]:
        out = {f: getattr(self, f) for f in self.__dataclass_fields__}
        for key in ("detected_at", "opened_at", "updated_at", "closed_at"):
            out[key] = out[key].isoformat() if out[key] is not None else None
        for key in ("medium", "priority", "status"):
            out[key] = out[key].value
        return out


def _now() -> datetime:
    return datetime.now(tz=UTC)


def _enum_value(enum_cls: type, value: object, field: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError as err:
        choices = ", ".join(m.value for m in enum_cls)
        raise InputError(
            f"{field}: {value!r} is not one of {choices}", field=field, value=value
        ) from err


def open_item(
    engine: Engine,
    *,
    medium: Medium | str,
    asset: str,
    kind: str,
    title: str,
    evidence: dict[str, Any],
    priority: Priority | str = Priority.MEDIUM,
    detected_at: datetime | pd.Timestamp | None = None,
) -> ItemView:
    """Open a work order, or add evidence to the active one for the same asset and kind.

    Args:
        engine: the store.
        medium: the network (water, heat, electricity, gas).
        asset: the equipment, e.g. ``water:ky10/pipe:P-12``.
        kind: what was detected: ``leak``, ``pump_efficiency``, ``anomaly`` ...
        title: one line for the operator.
        evidence: JSON-serialisable facts (scores, times, locations).
        priority: how soon a crew should go.
        detected_at: when the detector saw it (aware; default now).

    Raises:
        InputError: empty asset or kind, unknown medium or priority, naive time.
    """
    medium = _enum_value(Medium, medium, "medium")
    priority = _enum_value(Priority, priority, "priority")
    if not asset.strip() or not kind.strip():
        raise InputError(
            "asset and kind must not be empty", field="asset" if not asset.strip() else "kind"
        )
    seen = (
        require_aware(detected_at, "detected_at").to_pydatetime()
        if detected_at is not None
        else _now()
    )
    now = _now()
    with session_scope(engine) as session:
        active = [s.value for s in ItemStatus if s.is_active]
        row = session.scalars(
            select(MaintenanceItem).where(
                MaintenanceItem.medium == medium,
                MaintenanceItem.asset == asset,
                MaintenanceItem.kind == kind,
                MaintenanceItem.status.in_(active),
            )
        ).first()
        if row is None:
            row = MaintenanceItem(
                medium=medium,
                asset=asset,
                kind=kind,
                title=title[:200],
                evidence=evidence,
                priority=priority,
                status=ItemStatus.OPEN,
                detected_at=seen,
                opened_at=now,
                updated_at=now,
            )
            session.add(row)
            logger.info("opened %s item for %s: %s", kind, asset, title)
        else:
            row.evidence = {**row.evidence, "latest": evidence}
            row.updated_at = now
            if list(Priority).index(priority) > list(Priority).index(row.priority):
                row.priority = priority
        session.flush()
        return ItemView.of(row)


def list_items(
    engine: Engine,
    *,
    medium: Medium | str | None = None,
    status: ItemStatus | str | None = None,
    active_only: bool = False,
    limit: int = 200,
) -> list[ItemView]:
    """Items of the queue, newest first, optionally of one network and status."""
    query = select(MaintenanceItem).order_by(MaintenanceItem.id.desc()).limit(limit)
    if medium is not None:
        query = query.where(MaintenanceItem.medium == _enum_value(Medium, medium, "medium"))
    if status is not None:
        query = query.where(MaintenanceItem.status == _enum_value(ItemStatus, status, "status"))
    if active_only:
        query = query.where(
            MaintenanceItem.status.in_([s.value for s in ItemStatus if s.is_active])
        )
    with session_factory(engine)() as session:
        return [ItemView.of(r) for r in session.scalars(query)]


def update_item(
    engine: Engine,
    item_id: int,
    *,
    status: ItemStatus | str | None = None,
    assignee: str | None = None,
    priority: Priority | str | None = None,
    note: str | None = None,
) -> ItemView:
    """Change an item's status, assignee, priority or note.

    Raises:
        InputError: an unknown item id or value.
    """
    with session_scope(engine) as session:
        row = session.get(MaintenanceItem, item_id)
        if row is None:
            raise InputError(
                f"maintenance item {item_id} does not exist", field="id", value=item_id
            )
        if status is not None:
            row.status = _enum_value(ItemStatus, status, "status")
            row.closed_at = None if row.status.is_active else _now()
        if priority is not None:
            row.priority = _enum_value(Priority, priority, "priority")
        if assignee is not None:
            row.assignee = assignee or None
        if note is not None:
            row.note = note
        row.updated_at = _now()
        session.flush()
        return ItemView.of(row)
