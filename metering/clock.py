"""Clocks: wall time for the field, simulated time (with an acceleration) for the simulator."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class WallClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimClock:
    """Simulated time: ``origin + (wall - anchor) x acceleration``.

    Two processes built with the same origin, anchor and acceleration (``kof field-sim`` and
    ``kof poll`` reading one devices file) tell the same simulated time.

    Args:
        origin: the simulated time at ``anchor``.
        acceleration: simulated seconds per real second.
        anchor: the wall time at which simulated time is ``origin`` (default: now).
    """

    def __init__(self, origin: datetime, acceleration: float = 1.0, anchor: datetime | None = None):
        self.origin = origin.astimezone(UTC)
        self.acceleration = acceleration
        wall = datetime.now(UTC)
        anchor = (anchor or wall).astimezone(UTC)
        # measure elapsed time monotonically from the anchor onwards
        self._mono_at_anchor = time.monotonic() - (wall - anchor).total_seconds()

    def now(self) -> datetime:
        elapsed_s = (time.monotonic() - self._mono_at_anchor) * self.acceleration
        return self.origin + timedelta(seconds=elapsed_s)


class ManualClock:
    """A clock moved by hand (tests, benchmarks)."""

    def __init__(self, start: datetime):
        self.t = start.astimezone(UTC)

    def now(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> datetime:
        self.t += timedelta(seconds=seconds)
        return self.t
