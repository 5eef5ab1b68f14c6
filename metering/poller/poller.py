"""The poller: every endpoint polled concurrently, its devices one after another.

Per device: the read plan's requests with a timeout, a few retries with exponential backoff
and jitter, then a circuit breaker that stops polling a dead device and probes it again later.
Healthy devices are polled first on each endpoint, so a dead or slow device never delays them.
Every decoded value is checked (``metering.vee.checks``) and the values that feed meters are
written through ``write_readings`` in one transaction per cycle, with the devices' health.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from core.enums import Quality
from metering.clock import Clock, WallClock
from metering.config import Device, DevicesFile
from metering.exceptions import DeviceCommunicationError
from metering.health import DeviceHealth, HealthState, PollOutcome, next_health
from metering.poller.backoff import BreakerState, CircuitBreaker, backoff_delay_s
from metering.poller.hub import EndpointHub
from metering.poller.sink import NullSink, ReadingSink, RegisterEventRecord
from metering.profiles import ValueKind
from metering.vee.checks import Previous, check_value

logger = logging.getLogger(__name__)

_RETRYABLE_EXCEPTION_CODES = {5, 6}  # acknowledge, device busy: worth asking again
_ORDER = {HealthState.ONLINE: 0, HealthState.DEGRADED: 1, HealthState.OFFLINE: 2}
HEALTH_FLUSH_CYCLES = 10


def _signature(health: DeviceHealth) -> tuple[object, ...]:
    return (health.state, health.since, health.consecutive_failures, health.last_error)


@dataclass(frozen=True)
class Value:
    """A decoded and checked value."""

    quantity: str
    value: float | None
    unit: str
    quality: Quality
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "value": self.value,
            "unit": self.unit,
            "quality": self.quality.value,
        }
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class DeviceResult:
    """What one poll of one device got."""

    device: Device
    outcome: PollOutcome
    ts: datetime | None = None
    values: dict[str, Value] = field(default_factory=dict)
    error: str | None = None
    requests: int = 0
    retries: int = 0

    def as_dict(self, health: DeviceHealth | None = None) -> dict[str, object]:
        return {
            "device": self.device.key,
            "endpoint": self.device.endpoint,
            "unit_id": self.device.unit_id,
            "profile": self.device.profile.name,
            "outcome": self.outcome.value,
            "ts": self.ts.isoformat() if self.ts else None,
            "health": health.state.value if health else None,
            "error": self.error,
            "quantities": {q: v.as_dict() for q, v in self.values.items()},
        }


@dataclass
class CycleResult:
    """One poll cycle over every endpoint."""

    started_at: datetime
    duration_s: float
    devices: list[DeviceResult]
    readings_written: int = 0
    write_error: str | None = None

    @property
    def requests(self) -> int:
        return sum(d.requests for d in self.devices)

    def counts(self) -> dict[str, int]:
        out = {o.value: 0 for o in PollOutcome}
        for d in self.devices:
            out[d.outcome.value] += 1
        return out


class Poller:
    """Polls the devices of a devices file.

    Args:
        devices: the loaded devices file.
        sink: where readings, register events and health go (default: nowhere).
        clock: the time stamped on readings (default: wall clock).
        ports: endpoint name -> port, overriding the file (simulators on free ports).
        seed: seed of the backoff jitter (tests).
    """

    def __init__(
        self,
        devices: DevicesFile,
        sink: ReadingSink | None = None,
        clock: Clock | None = None,
        *,
        ports: dict[str, int] | None = None,
        seed: int | None = None,
    ):
        self.config = devices
        self.poll = devices.poll
        self.sink = sink or NullSink()
        self.clock = clock or WallClock()
        self.rng = random.Random(seed)
        ports = ports or {}
        self.hubs = {
            e.name: EndpointHub(e, self.poll, ports.get(e.name)) for e in devices.endpoints
        }
        now = self.clock.now()
        self.breakers: dict[str, CircuitBreaker] = {}
        self.health: dict[str, DeviceHealth] = {}
        for dev in devices.devices:
            self.breakers[dev.key] = CircuitBreaker(
                self.poll.breaker_failure_threshold,
                self.poll.breaker_open_s,
                self.poll.breaker_open_max_s,
                random.Random(self.rng.random()),
            )
            self.health[dev.key] = DeviceHealth(
                dev.key, dev.endpoint, dev.unit_id, HealthState.ONLINE, now
            )
        for key, stored in self.sink.stored_health().items():
            if key in self.health:
                self.health[key] = stored
        self.meter_ids = self.sink.resolve(devices.devices)
        self.previous: dict[tuple[str, str], Previous] = {}
        self.spikes: dict[tuple[str, str], Previous] = {}
        for (key, quantity), (value, ts) in self.sink.last_values(
            devices.devices, self.meter_ids
        ).items():
            self.previous[(key, quantity)] = Previous(value, ts.timestamp())
        self.cycles = 0
        self._stored_health: dict[str, tuple[object, ...]] = {}

    # --- one device ------------------------------------------------------------------------

    async def _poll_device(self, hub: EndpointHub, dev: Device) -> DeviceResult:
        breaker = self.breakers[dev.key]
        if not breaker.allows(time.monotonic()):
            return DeviceResult(dev, PollOutcome.SKIPPED, error="circuit breaker open")
        result = DeviceResult(dev, PollOutcome.FAILED)
        raw: dict[str, float] = {}
        errors: list[str] = []
        for block in dev.plan:
            last: DeviceCommunicationError | None = None
            for attempt in range(self.poll.retries + 1):
                if attempt:
                    result.retries += 1
                    await asyncio.sleep(
                        backoff_delay_s(
                            attempt, self.poll.backoff_base_s, self.poll.backoff_max_s, self.rng
                        )
                    )
                result.requests += 1
                try:
                    registers = await hub.read(block, dev.unit_id, dev.key)
                except DeviceCommunicationError as err:
                    last = err
                    if err.kind == "exception" and err.value not in _RETRYABLE_EXCEPTION_CODES:
                        break
                    if err.kind == "connection" and hub.down_since is not None:
                        break
                    continue
                raw.update(block.decode(registers))
                last = None
                break
            if last is not None:
                errors.append(
                    f"{block.function.value} {block.address}+{block.count}: {last.detail}"
                )
                if last.kind in ("timeout", "connection"):
                    break  # the device is not answering: spare the others its remaining blocks
        result.ts = self.clock.now().replace(microsecond=0)
        result.error = "; ".join(errors) or None
        if raw:
            self._check(dev, raw, result)
            invalid = [v.quantity for v in result.values.values() if v.quality is Quality.INVALID]
            if errors or invalid:
                result.outcome = PollOutcome.PARTIAL
                if invalid and not errors:
                    result.error = "invalid values: " + ", ".join(invalid)
            else:
                result.outcome = PollOutcome.OK
        return result

    def _check(self, dev: Device, raw: dict[str, float], result: DeviceResult) -> None:
        assert result.ts is not None
        ts_s = result.ts.timestamp()
        for spec in dev.profile.registers:
            if spec.quantity not in raw:
                continue
            key = (dev.key, spec.quantity)
            previous = self.previous.get(key) if spec.kind is ValueKind.CUMULATIVE else None
            checked = check_value(
                spec,
                raw[spec.quantity],
                ts_s,
                previous,
                max_rate_per_h=spec.max_rate_per_h,
                spike_candidate=self.spikes.get(key),
            )
            result.values[spec.quantity] = Value(
                spec.quantity, checked.value, spec.unit, checked.quality, checked.reason
            )
            if spec.kind is not ValueKind.CUMULATIVE or checked.value is None:
                continue
            if checked.quality is Quality.MEASURED:
                self.previous[key] = Previous(checked.value, ts_s)
                self.spikes.pop(key, None)
            elif checked.spike_candidate:
                self.spikes[key] = Previous(checked.value, ts_s)
            if checked.event is not None:
                logger.warning("device %s: %s", dev.key, checked.reason)
                meter = dev.feeds().get(spec.quantity)
                if meter is not None and previous is not None:
                    self._events.append(
                        RegisterEventRecord(
                            self.meter_ids[str(meter)],
                            result.ts,
                            checked.event.value,
                            previous.value,
                            checked.value,
                            dev.key,
                        )
                    )

    # --- one endpoint, one cycle ----------------------------------------------------------

    async def _poll_endpoint(self, hub: EndpointHub) -> list[DeviceResult]:
        devices = sorted(hub.endpoint.devices, key=lambda d: _ORDER[self.health[d.key].state])
        results = []
        for dev in devices:
            result = await self._poll_device(hub, dev)
            results.append(result)
            self._update_health(dev, result, quiet=hub.down_since is not None)
        return results

    def _update_health(self, dev: Device, result: DeviceResult, *, quiet: bool) -> None:
        breaker = self.breakers[dev.key]
        if result.outcome is PollOutcome.SKIPPED:
            return
        if result.outcome is PollOutcome.FAILED:
            breaker.failure(time.monotonic())
        else:
            breaker.success()
        self.health[dev.key] = next_health(
            self.health[dev.key],
            result.outcome,
            result.ts or self.clock.now(),
            breaker_open=breaker.state is BreakerState.OPEN,
            error=result.error,
            quiet=quiet,
        )

    def readings_frame(self, results: list[DeviceResult]) -> pd.DataFrame:
        """The values that feed meters, as a ``write_readings`` frame."""
        rows = []
        for result in results:
            if result.ts is None:
                continue
            for quantity, ref in result.device.feeds().items():
                value = result.values.get(quantity)
                if value is None:
                    continue
                rows.append(
                    (
                        self.meter_ids[str(ref)],
                        result.ts,
                        value.value,
                        value.quality.value,
                        value.reason,
                    )
                )
        frame = pd.DataFrame(rows, columns=["meter_id", "ts", "value", "quality", "reason"])
        frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
        return frame.astype({"meter_id": "int64", "value": "float64"})

    async def poll_once(self) -> CycleResult:
        """Poll every device once and store the cycle's readings in one transaction."""
        started = self.clock.now()
        t0 = time.perf_counter()
        self._events: list[RegisterEventRecord] = []
        per_endpoint = await asyncio.gather(*(self._poll_endpoint(h) for h in self.hubs.values()))
        results = [r for rs in per_endpoint for r in rs]
        cycle = CycleResult(started, 0.0, results)
        frame = self.readings_frame(results)
        changed = self._health_to_store()
        try:
            cycle.readings_written = self.sink.write_cycle(frame, self._events, changed)
            self._stored_health.update({h.device: _signature(h) for h in changed})
        except Exception as err:  # the store is down: keep polling, the sink keeps the backlog
            cycle.write_error = str(err)
            logger.error("cycle %d: readings not stored yet: %s", self.cycles + 1, err)
        cycle.duration_s = time.perf_counter() - t0
        self.cycles += 1
        return cycle

    def _health_to_store(self) -> list[DeviceHealth]:
        """Health rows that changed since stored; every row every HEALTH_FLUSH_CYCLES cycles
        (so last_success_at stays fresh without rewriting 1,000 rows each cycle)."""
        flush = self.cycles % HEALTH_FLUSH_CYCLES == 0
        return [
            h
            for key, h in self.health.items()
            if flush or self._stored_health.get(key) != _signature(h)
        ]

    async def run(self, cycles: int | None = None, stop: asyncio.Event | None = None) -> None:
        """Poll every ``interval_s`` (real seconds) until ``cycles`` are done or ``stop`` is set."""
        stop = stop or asyncio.Event()
        done = 0
        while not stop.is_set() and (cycles is None or done < cycles):
            t0 = time.monotonic()
            cycle = await self.poll_once()
            done += 1
            logger.info(
                "cycle %d: %d devices %s, %d requests, %d readings in %.2f s",
                self.cycles,
                len(cycle.devices),
                cycle.counts(),
                cycle.requests,
                cycle.readings_written,
                cycle.duration_s,
            )
            if cycles is not None and done >= cycles:
                break
            wait = max(0.0, self.poll.interval_s - (time.monotonic() - t0))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)

    def health_report(self) -> list[DeviceHealth]:
        return [self.health[d.key] for d in self.config.devices]

    async def close(self) -> None:
        """Close the connections and store the final health of every device."""
        for hub in self.hubs.values():
            hub.close()
        try:
            self.sink.write_cycle(self.readings_frame([]), [], self.health_report())
        except Exception as err:
            logger.error("final health not stored: %s", err)
