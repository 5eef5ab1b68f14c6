"""Device health: online, degraded or offline, since when, and why. Each outage is logged once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

logger = logging.getLogger(__name__)


class HealthState(StrEnum):
    ONLINE = "online"  # answered completely with valid values
    DEGRADED = "degraded"  # answered partly, late, after retries, or with invalid values
    OFFLINE = "offline"  # not answering: its circuit breaker is open


class PollOutcome(StrEnum):
    OK = "ok"
    PARTIAL = "partial"  # some requests failed or some values were invalid
    FAILED = "failed"  # no answer (timeout, exception on every request, connection)
    SKIPPED = "skipped"  # the breaker is open


@dataclass(frozen=True)
class DeviceHealth:
    """The health of one device as the poller last saw it."""

    device: str
    endpoint: str
    unit_id: int
    state: HealthState
    since: datetime
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "device": self.device,
            "endpoint": self.endpoint,
            "unit_id": self.unit_id,
            "state": self.state.value,
            "since": self.since.isoformat(),
            "last_success_at": self.last_success_at.isoformat() if self.last_success_at else None,
            "last_failure_at": self.last_failure_at.isoformat() if self.last_failure_at else None,
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
        }


def next_health(
    current: DeviceHealth,
    outcome: PollOutcome,
    at: datetime,
    *,
    breaker_open: bool,
    error: str | None = None,
    quiet: bool = False,
) -> DeviceHealth:
    """The health after one poll, logging a change of state once.

    Args:
        current: the health before the poll.
        outcome: what the poll got.
        at: when (the poller's clock).
        breaker_open: whether the device's breaker is open after the poll.
        error: what went wrong, if anything.
        quiet: do not log (the endpoint's outage was logged instead).
    """
    if outcome is PollOutcome.SKIPPED:
        return current
    failed = outcome is PollOutcome.FAILED
    if breaker_open:
        state = HealthState.OFFLINE
    elif outcome is PollOutcome.OK:
        state = HealthState.ONLINE
    else:
        state = HealthState.DEGRADED
    updated = replace(
        current,
        state=state,
        since=current.since if state is current.state else at,
        last_success_at=current.last_success_at if failed else at,
        last_failure_at=at if outcome is not PollOutcome.OK else current.last_failure_at,
        consecutive_failures=current.consecutive_failures + 1 if failed else 0,
        last_error=error if outcome is not PollOutcome.OK else None,
    )
    if state is not current.state and not quiet:
        if state is HealthState.OFFLINE:
            logger.warning("device %s offline since %s: %s", current.device, at.isoformat(), error)
        elif current.state is HealthState.OFFLINE:
            logger.warning(
                "device %s back %s after an outage since %s",
                current.device,
                state.value,
                current.since.isoformat(),
            )
        elif state is HealthState.DEGRADED:
            logger.info("device %s degraded since %s: %s", current.device, at.isoformat(), error)
        else:
            logger.info("device %s online again", current.device)
    return updated
