"""The poller: one hub per endpoint, retries with backoff, a circuit breaker per device."""

from metering.poller.poller import CycleResult, DeviceResult, Poller
from metering.poller.sink import NullSink, StoreSink, read_health

__all__ = ["CycleResult", "DeviceResult", "NullSink", "Poller", "StoreSink", "read_health"]
