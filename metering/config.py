"""The devices file: endpoints (gateways), the devices behind them, the meters they feed.

Example file::

    simulation: {acceleration: 60, seed: 2030}     # used by `kof field-sim` (and its clock)
    poll: {interval_s: 60, timeout_s: 1.0, retries: 1}
    endpoints:
      - name: gw-herby
        host: 127.0.0.1
        port: 5020
        devices:
          - name: flat-12
            unit_id: 1
            profile: eastron_sdm630
            meter: {serial: E0000012}
            faults: [{kind: no_answer, start_s: 600, end_s: 1200}]

Errors name the file, the device (``endpoint/device``) and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from metering.clock import SimClock
from metering.exceptions import DevicesFileError, ProfileError
from metering.plan import ReadBlock, plan_reads
from metering.profiles import (
    DeviceProfile,
    ValueKind,
    builtin_profiles,
    load_profiles,
    read_yaml,
    validation_message,
)

_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class FaultKind(StrEnum):
    """Faults the field simulator can inject into a device."""

    NO_ANSWER = "no_answer"  # the request is swallowed: the master times out
    SLOW_ANSWER = "slow_answer"  # the answer comes after delay_s
    EXCEPTION = "exception"  # a Modbus exception response (exception_code)
    GARBAGE = "garbage"  # registers hold nonsense (NaN, all ones or random bits)
    ROLLOVER = "rollover"  # the cumulative register starts just below its width and wraps
    RESET = "reset"  # the meter is replaced at start_s: the register starts again at reset_to
    DROP_CONNECTION = "drop_connection"  # the gateway closes the TCP connection


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FaultConfig(_Strict):
    """A fault of one device, active from ``start_s`` to ``end_s`` simulated seconds after start."""

    kind: FaultKind
    start_s: float = Field(default=0.0, ge=0)
    end_s: float | None = Field(default=None, gt=0)
    probability: float = Field(default=1.0, gt=0, le=1)
    delay_s: float = Field(default=2.0, gt=0, le=60)
    exception_code: Literal[1, 2, 3, 4, 5, 6, 8, 10, 11] = 4
    garbage: Literal["nan", "max", "random"] = "nan"
    quantities: list[str] | None = None
    headroom: float = Field(
        default=5.0, gt=0, description="rollover: units below the wrap at start"
    )
    reset_to: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _window(self) -> FaultConfig:
        if self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError(f"end_s {self.end_s} must be after start_s {self.start_s}")
        return self

    def active(self, elapsed_s: float) -> bool:
        return elapsed_s >= self.start_s and (self.end_s is None or elapsed_s < self.end_s)


class MeterRef(_Strict):
    """The store's meter a value feeds: by serial number or by id."""

    serial: str | None = Field(default=None, min_length=1, max_length=40)
    meter_id: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one(self) -> MeterRef:
        if (self.serial is None) == (self.meter_id is None):
            raise ValueError("give exactly one of serial or meter_id")
        return self

    def __str__(self) -> str:
        return f"serial {self.serial}" if self.serial is not None else f"meter_id {self.meter_id}"


class DeviceSimulation(_Strict):
    """How the simulator drives a device (defaults follow the reference region)."""

    annual_consumption: float | None = Field(
        default=None, gt=0, description="in the primary register's unit per year"
    )
    initial_index: float | None = Field(default=None, ge=0, description="primary register at start")
    persons: int = Field(default=2, ge=1, le=20)
    floor_area_m2: float = Field(default=55.0, gt=0)


class DeviceConfig(_Strict):
    """A device behind an endpoint."""

    name: str = Field(pattern=_NAME, max_length=60)
    unit_id: int = Field(ge=1, le=247)
    profile: str
    meter: MeterRef | None = None
    channels: dict[str, MeterRef] = Field(default_factory=dict)
    simulation: DeviceSimulation = Field(default_factory=DeviceSimulation)
    faults: list[FaultConfig] = Field(default_factory=list)


class EndpointConfig(_Strict):
    """A Modbus TCP endpoint (a gateway or a meter with its own network interface)."""

    name: str = Field(pattern=_NAME, max_length=60)
    host: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)
    devices: list[DeviceConfig] = Field(min_length=1)


class PollConfig(_Strict):
    """Poller timing: timeouts, retries, backoff and the circuit breaker."""

    interval_s: float = Field(default=60.0, gt=0)
    timeout_s: float = Field(default=1.0, gt=0, le=60)
    connect_timeout_s: float = Field(default=2.0, gt=0, le=60)
    retries: int = Field(default=1, ge=0, le=5)
    inter_request_delay_s: float = Field(default=0.0, ge=0, le=10)
    backoff_base_s: float = Field(default=0.05, ge=0, le=10)
    backoff_max_s: float = Field(default=1.0, ge=0, le=60)
    breaker_failure_threshold: int = Field(default=3, ge=1, le=100)
    breaker_open_s: float = Field(default=30.0, gt=0)
    breaker_open_max_s: float = Field(default=600.0, gt=0)
    spike_factor: float = Field(
        default=20.0, gt=1, description="a cumulative step this many times the plausible is a spike"
    )


class SimulationConfig(_Strict):
    """The simulator's clock: simulated time = origin + (now - anchor) x acceleration.

    With both ``origin`` and ``anchor`` given, ``kof field-sim`` and ``kof poll --sim-clock``
    tell the same simulated time without talking to each other. Without an anchor the clock
    starts when the simulator starts; without an origin, at the real time.
    """

    origin: AwareDatetime | None = None
    anchor: AwareDatetime | None = None
    acceleration: float = Field(default=1.0, gt=0, le=1_000_000)
    seed: int = 2030
    load: Literal["region", "simple"] = Field(
        default="region",
        description="region: the reference region's meter series (core.region); simple: "
        "the simulator's own small load models",
    )
    region_days: int = Field(default=7, ge=1, le=366)


class DevicesFileModel(_Strict):
    """The devices file as written."""

    profiles_dir: str | None = None
    simulation: SimulationConfig = Field(default_factory=SimulationConfig)
    poll: PollConfig = Field(default_factory=PollConfig)
    endpoints: list[EndpointConfig] = Field(min_length=1)


@dataclass(frozen=True)
class Device:
    """A device with its profile resolved and its reads planned."""

    endpoint: str
    name: str
    unit_id: int
    profile: DeviceProfile
    meter: MeterRef | None
    channels: dict[str, MeterRef]
    simulation: DeviceSimulation
    faults: tuple[FaultConfig, ...]
    plan: tuple[ReadBlock, ...]

    @property
    def key(self) -> str:
        """``endpoint/name``: unique in a devices file."""
        return f"{self.endpoint}/{self.name}"

    def feeds(self) -> dict[str, MeterRef]:
        """Quantity -> meter for every value that goes to the store."""
        out = dict(self.channels)
        if self.meter is not None:
            out[self.profile.primary.quantity] = self.meter
        return out


@dataclass(frozen=True)
class Endpoint:
    name: str
    host: str
    port: int
    devices: tuple[Device, ...]


@dataclass(frozen=True)
class DevicesFile:
    """A loaded and checked devices file."""

    path: str
    simulation: SimulationConfig
    poll: PollConfig
    endpoints: tuple[Endpoint, ...]

    @property
    def devices(self) -> tuple[Device, ...]:
        return tuple(d for e in self.endpoints for d in e.devices)

    def device(self, key: str) -> Device:
        for dev in self.devices:
            if dev.key == key:
                return dev
        raise KeyError(key)


def _device_of(loc: tuple[Any, ...], data: Any) -> str:
    """``endpoint/device`` named by a validation error's location, where it points into one."""
    try:
        if loc[0] == "endpoints" and isinstance(loc[1], int):
            endpoint = data["endpoints"][loc[1]]
            ep_name = endpoint.get("name", f"endpoints[{loc[1]}]")
            if len(loc) > 3 and loc[2] == "devices" and isinstance(loc[3], int):
                dev = endpoint["devices"][loc[3]]
                return f"{ep_name}/{dev.get('name', f'devices[{loc[3]}]')}"
    except (KeyError, IndexError, TypeError, AttributeError):
        pass
    return ""


def parse_devices(
    data: Any, source: str, profiles: dict[str, DeviceProfile] | None = None
) -> DevicesFile:
    """Validate a parsed devices file against the profiles.

    Raises:
        DevicesFileError: naming ``source``, the device and the field.
    """
    if not isinstance(data, dict):
        raise DevicesFileError("a devices file must be a mapping with 'endpoints'", file=source)
    try:
        model = DevicesFileModel.model_validate(data)
    except ValidationError as err:
        field, message = validation_message(err, data)
        device = _device_of(tuple(err.errors()[0]["loc"]), data)
        raise DevicesFileError(message, file=source, device=device, field=field) from err

    known = dict(profiles if profiles is not None else builtin_profiles())
    if model.profiles_dir:
        folder = Path(source).parent / model.profiles_dir
        try:
            known.update(load_profiles(folder))
        except ProfileError:
            raise
        if not folder.is_dir():
            raise DevicesFileError(
                f"profiles folder {folder} does not exist", file=source, field="profiles_dir"
            )

    endpoints: list[Endpoint] = []
    names: set[str] = set()
    addresses: dict[tuple[str, int], str] = {}
    meters: dict[str, str] = {}
    for e_i, ep in enumerate(model.endpoints):
        if ep.name in names:
            raise DevicesFileError(
                f"endpoint name {ep.name!r} is used twice",
                file=source,
                field=f"endpoints[{e_i}].name",
            )
        names.add(ep.name)
        if (ep.host, ep.port) in addresses:
            raise DevicesFileError(
                f"{ep.host}:{ep.port} is also endpoint {addresses[(ep.host, ep.port)]!r}",
                file=source,
                field=f"endpoints[{e_i}].port",
            )
        addresses[(ep.host, ep.port)] = ep.name
        devices: list[Device] = []
        units: dict[int, str] = {}
        dev_names: set[str] = set()
        for d_i, dev in enumerate(ep.devices):
            key = f"{ep.name}/{dev.name}"
            at = f"endpoints[{e_i}].devices[{d_i}]"

            def fail(message: str, field: str, key: str = key, at: str = at) -> DevicesFileError:
                return DevicesFileError(message, file=source, device=key, field=f"{at}.{field}")

            if dev.name in dev_names:
                raise fail(f"device name {dev.name!r} is used twice on endpoint {ep.name}", "name")
            dev_names.add(dev.name)
            if dev.unit_id in units:
                raise fail(
                    f"unit id {dev.unit_id} is already used by {units[dev.unit_id]!r} on this endpoint",
                    "unit_id",
                )
            units[dev.unit_id] = dev.name
            if dev.profile not in known:
                raise fail(
                    f"profile {dev.profile!r} does not exist; known: {', '.join(sorted(known))}",
                    "profile",
                )
            profile = known[dev.profile]
            quantities = {r.quantity for r in profile.registers}
            for quantity in dev.channels:
                if quantity not in quantities:
                    raise fail(
                        f"profile {profile.name} has no quantity {quantity!r}",
                        f"channels.{quantity}",
                    )
            refs = {**dev.channels}
            if dev.meter is not None:
                refs[profile.primary.quantity] = dev.meter
            for quantity, ref in refs.items():
                if str(ref) in meters:
                    raise fail(
                        f"meter {ref} is already fed by {meters[str(ref)]}", f"channels.{quantity}"
                    )
                meters[str(ref)] = f"{key} {quantity}"
            for f_i, fault in enumerate(dev.faults):
                for quantity in fault.quantities or []:
                    if quantity not in quantities:
                        raise fail(
                            f"profile {profile.name} has no quantity {quantity!r}",
                            f"faults[{f_i}].quantities",
                        )
                if fault.kind in (FaultKind.ROLLOVER, FaultKind.RESET):
                    targets = fault.quantities or [profile.primary.quantity]
                    for quantity in targets:
                        spec = profile.register(quantity)
                        if spec.kind is not ValueKind.CUMULATIVE:
                            raise fail(
                                f"{fault.kind.value} needs a cumulative register; {quantity} is {spec.kind.value}",
                                f"faults[{f_i}].quantities",
                            )
                        if fault.kind is FaultKind.ROLLOVER and not spec.type.is_integer:
                            raise fail(
                                f"rollover needs an integer register; {quantity} is {spec.type.value}",
                                f"faults[{f_i}].kind",
                            )
            devices.append(
                Device(
                    endpoint=ep.name,
                    name=dev.name,
                    unit_id=dev.unit_id,
                    profile=profile,
                    meter=dev.meter,
                    channels=dict(dev.channels),
                    simulation=dev.simulation,
                    faults=tuple(dev.faults),
                    plan=plan_reads(profile),
                )
            )
        endpoints.append(Endpoint(ep.name, ep.host, ep.port, tuple(devices)))
    return DevicesFile(source, model.simulation, model.poll, tuple(endpoints))


def load_devices(path: str | Path, profiles: dict[str, DeviceProfile] | None = None) -> DevicesFile:
    """Load and check a devices file (YAML).

    Raises:
        DevicesFileError: a malformed file, an unknown profile, a duplicate unit id...
        ProfileError: a profile in the file's ``profiles_dir`` is malformed.
    """
    path = Path(path)
    return parse_devices(read_yaml(path, DevicesFileError), str(path), profiles)


def simulation_clock(config: SimulationConfig) -> SimClock:
    """The simulator's clock as the devices file sets it."""
    now = datetime.now(UTC)
    return SimClock(config.origin or now, config.acceleration, config.anchor)
