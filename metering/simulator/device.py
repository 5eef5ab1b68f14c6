"""One simulated device: its meter state over simulated time, rendered into registers."""

from __future__ import annotations

import logging
import math
import random
import zlib
from datetime import datetime

from metering.config import Device, FaultConfig, FaultKind
from metering.decode import encode_value
from metering.profiles import RegisterFunction, RegisterSpec, ValueKind
from metering.simulator.consumption import LoadModel, load_model_for
from metering.units import conversion_factor, stem_of, unit_of

logger = logging.getLogger(__name__)

_MAX_STEP_S = 900.0  # integrate consumption in steps of at most 15 minutes
_DERIVED = {"energy_total_kwh": ("energy_import_kwh", "energy_export_kwh")}


def _canonical_source(quantity: str, available: set[str]) -> tuple[str, float] | None:
    """The canonical quantity a profile quantity is read from, with the unit factor."""
    if quantity in available:
        return quantity, 1.0
    stem, unit = stem_of(quantity), unit_of(quantity)
    for name in available:
        if stem_of(name) == stem and unit is not None:
            factor = conversion_factor(unit_of(name) or "", unit)
            if factor is not None:
                return name, factor
    return None


class SimulatedDevice:
    """A device's meter state: cumulative registers advance with simulated time.

    Args:
        device: the device as the devices file describes it.
        started_at: simulated time the simulation starts (fault windows count from it).
        seed: the simulation's seed; each device derives its own from its key.
        load: the load model (default: the reference-region model of the profile's medium).
    """

    def __init__(
        self, device: Device, started_at: datetime, seed: int, load: LoadModel | None = None
    ):
        self.device = device
        self.started_at = started_at
        self.seed = (seed * 1_000_003 + zlib.crc32(device.key.encode())) & 0x7FFFFFFF
        self.load = load or load_model_for(device.profile.medium, device.simulation, self.seed)
        self.rng = random.Random(self.seed)
        self.last_t = started_at
        probe_inst = set(self.load.instantaneous(started_at))
        probe_cum = set(self.load.rates_per_h(started_at))
        self.counters: dict[str, float] = {}
        primary = device.profile.primary
        initial = device.simulation.initial_index
        if initial is None:
            initial = round(1000.0 + 20000.0 * random.Random(self.seed + 1).random(), 1)
        for name in probe_cum:
            self.counters[name] = 0.0
        # canonical counters start so that the primary register shows the initial index
        src = _canonical_source(primary.quantity, probe_cum)
        if src is not None:
            self.counters[src[0]] = initial / src[1]
        for name in probe_cum - {src[0] if src else ""}:
            self.counters[name] = 0.05 * initial if name == "volume_m3" else 0.0
        self._sources: dict[str, tuple[str, float] | None] = {}
        for spec in device.profile.registers:
            pool = probe_cum if spec.kind is ValueKind.CUMULATIVE else probe_inst
            self._sources[spec.quantity] = _canonical_source(spec.quantity, pool)
            if self._sources[spec.quantity] is None and spec.quantity not in _DERIVED:
                logger.debug("%s: no simulated source for %s; serving 0", device.key, spec.quantity)
        self.offsets: dict[str, float] = {}  # added to cumulative registers (reset, rollover)
        self._applied: set[int] = set()
        self.overrides: dict[str, float] = {}  # fixed values set by tests or a demo

    # --- time ------------------------------------------------------------------------------

    def elapsed_s(self, t: datetime) -> float:
        return (t - self.started_at).total_seconds()

    def advance(self, t: datetime) -> None:
        """Integrate consumption from the last update to ``t`` (never backwards)."""
        span_s = (t - self.last_t).total_seconds()
        if span_s <= 0:
            return
        steps = max(1, math.ceil(span_s / _MAX_STEP_S))
        step_s = span_s / steps
        for k in range(steps):
            mid = self.last_t.timestamp() + (k + 0.5) * step_s
            rates = self.load.rates_per_h(datetime.fromtimestamp(mid, tz=t.tzinfo))
            for name, rate in rates.items():
                self.counters[name] = self.counters.get(name, 0.0) + rate * step_s / 3600.0
        self.last_t = t
        self._apply_counter_faults(t)

    def _apply_counter_faults(self, t: datetime) -> None:
        elapsed = self.elapsed_s(t)
        for i, fault in enumerate(self.device.faults):
            if i in self._applied or fault.kind not in (FaultKind.ROLLOVER, FaultKind.RESET):
                continue
            if elapsed < fault.start_s:
                continue
            self._applied.add(i)
            for quantity in fault.quantities or [self.device.profile.primary.quantity]:
                spec = self.device.profile.register(quantity)
                shown = self._cumulative(spec)
                if fault.kind is FaultKind.RESET:
                    target = fault.reset_to
                    logger.info(
                        "%s: meter replaced, %s starts again at %s",
                        self.device.key,
                        quantity,
                        target,
                    )
                else:
                    bits = 16 * spec.register_count
                    top = (2 ** (bits - 1) - 1) if spec.type.is_signed else (2**bits - 1)
                    target = top * spec.scale + spec.offset - fault.headroom
                self.offsets[quantity] = self.offsets.get(quantity, 0.0) + target - shown

    # --- values ----------------------------------------------------------------------------

    def _cumulative(self, spec: RegisterSpec) -> float:
        if spec.quantity in _DERIVED:
            parts = [
                self.device.profile.register(q)
                for q in _DERIVED[spec.quantity]
                if any(r.quantity == q for r in self.device.profile.registers)
            ]
            base = sum(self._cumulative(p) for p in parts)
            return base + self.offsets.get(spec.quantity, 0.0)
        src = self._sources.get(spec.quantity)
        base = self.counters.get(src[0], 0.0) * src[1] if src else 0.0
        return base + self.offsets.get(spec.quantity, 0.0)

    def values(self, t: datetime) -> dict[str, float]:
        """Every quantity of the profile at simulated time ``t``, in the profile's units."""
        self.advance(t)
        self._apply_counter_faults(t)
        inst = self.load.instantaneous(t)
        out: dict[str, float] = {}
        for spec in self.device.profile.registers:
            if spec.quantity in self.overrides:
                out[spec.quantity] = self.overrides[spec.quantity]
            elif spec.kind is ValueKind.CUMULATIVE:
                out[spec.quantity] = self._cumulative(spec)
            else:
                src = self._sources.get(spec.quantity)
                out[spec.quantity] = inst[src[0]] * src[1] if src else 0.0
        return out

    def active_faults(self, t: datetime) -> list[FaultConfig]:
        """Faults of the request-handling kind active at ``t`` (drawn with their probability)."""
        elapsed = self.elapsed_s(t)
        return [
            f
            for f in self.device.faults
            if f.kind not in (FaultKind.ROLLOVER, FaultKind.RESET)
            and f.active(elapsed)
            and (f.probability >= 1.0 or self.rng.random() < f.probability)
        ]

    def registers(
        self, t: datetime, function: RegisterFunction, garbage: FaultConfig | None = None
    ) -> dict[int, list[int]]:
        """Protocol address -> registers of every value in ``function``'s table at ``t``."""
        values = self.values(t)
        out: dict[int, list[int]] = {}
        targets = set(garbage.quantities or values) if garbage is not None else set()
        for spec in self.device.profile.registers:
            if spec.function is not function:
                continue
            if spec.quantity in targets and garbage is not None:
                out[spec.protocol_address] = self._garbage(spec, garbage.garbage)
            else:
                out[spec.protocol_address] = encode_value(spec, values[spec.quantity])
        return out

    def _garbage(self, spec: RegisterSpec, mode: str) -> list[int]:
        n = spec.register_count
        if mode == "random":
            return [self.rng.randrange(0, 0x10000) for _ in range(n)]
        if mode == "max" or spec.type.is_integer:
            return [0xFFFF] * n if not spec.type.is_signed else [0x7FFF] + [0xFFFF] * (n - 1)
        nan_bits = [0x7FC0, 0x0000] if n == 2 else [0x7FF8, 0, 0, 0]
        return encode_nan_order(spec, nan_bits)


def encode_nan_order(spec: RegisterSpec, big_endian_words: list[int]) -> list[int]:
    """NaN's registers in the register's word order."""
    words = list(big_endian_words)
    if spec.word_order is not None and spec.word_order.value == "little":
        words.reverse()
    return words
