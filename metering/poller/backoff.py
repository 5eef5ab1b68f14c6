"""Retry timing: exponential backoff with full jitter, and a circuit breaker per device."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum


def backoff_delay_s(attempt: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Delay before retry ``attempt`` (1, 2, ...): uniform in [0, min(max, base * 2^(attempt-1))].

    Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015) keeps many
    clients that failed together from retrying together.

    Example:
        >>> 0 <= backoff_delay_s(3, 0.1, 1.0, random.Random(1)) <= 0.4
        True
    """
    cap = min(max_s, base_s * 2 ** max(0, attempt - 1))
    return rng.uniform(0.0, cap)


class BreakerState(StrEnum):
    CLOSED = "closed"  # the device is polled every cycle
    OPEN = "open"  # the device is skipped until the open period is over
    HALF_OPEN = "half_open"  # one probe decides: closed again, or open for longer


@dataclass
class CircuitBreaker:
    """Opens after ``threshold`` consecutive failed polls; probes again after an open period
    that doubles (with jitter) on every failed probe, up to ``open_max_s``.

    Times are monotonic seconds supplied by the caller, so the breaker is a pure state machine.
    """

    threshold: int
    open_s: float
    open_max_s: float
    rng: random.Random = field(default_factory=random.Random)
    state: BreakerState = BreakerState.CLOSED
    failures: int = 0
    opened: int = 0  # how many times in a row it has opened
    retry_at: float = 0.0

    def allows(self, now: float) -> bool:
        """Whether the device should be polled now (an open breaker turns half-open when due)."""
        if self.state is BreakerState.OPEN and now >= self.retry_at:
            self.state = BreakerState.HALF_OPEN
        return self.state is not BreakerState.OPEN

    def success(self) -> None:
        self.state = BreakerState.CLOSED
        self.failures = 0
        self.opened = 0

    def failure(self, now: float) -> None:
        self.failures += 1
        if self.state is BreakerState.HALF_OPEN or self.failures >= self.threshold:
            self.opened += 1
            period = min(self.open_max_s, self.open_s * 2 ** (self.opened - 1))
            self.retry_at = now + period * self.rng.uniform(0.8, 1.2)
            self.state = BreakerState.OPEN
