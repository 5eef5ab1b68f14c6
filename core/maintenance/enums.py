"""Vocabularies of the maintenance queue."""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    """Where a maintenance item is in its life."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"  # fixed
    FALSE_ALARM = "false_alarm"  # the crew found nothing: counts against the detector

    @property
    def is_active(self) -> bool:
        return self in (ItemStatus.OPEN, ItemStatus.ACKNOWLEDGED, ItemStatus.IN_PROGRESS)


class Priority(StrEnum):
    """How soon a crew should go."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"
