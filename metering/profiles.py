"""Device profiles: register maps as data (YAML), validated by pydantic when they are loaded.

A profile states how a device's datasheet numbers its registers (``address_base`` 0 or 1),
the function that reads them (input or holding registers), the data type, the word and byte
order, scale and offset, the unit and quantity name, whether the value is cumulative, and the
device's limit of registers per request. A register whose count does not fit its type, two
registers that overlap, or a quantity whose name and unit disagree is refused at load with the
file and the field named.

Example:
    >>> profile = builtin_profiles()["eastron_sdm630"]
    >>> profile.register("energy_import_kwh").protocol_address
    72
"""

from __future__ import annotations

import itertools
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.enums import Medium
from metering.exceptions import ProfileError
from metering.units import unit_of

PROFILES_DIR = Path(__file__).parent / "profiles"
MODBUS_MAX_READ_REGISTERS = 125  # Modbus Application Protocol V1.1b3, 6.3/6.4: 1..125


class RegisterFunction(StrEnum):
    """The Modbus table a register lives in (and the function code that reads it)."""

    INPUT = "input"  # function 04, 3xxxx references
    HOLDING = "holding"  # function 03, 4xxxx references

    @property
    def function_code(self) -> int:
        return 4 if self is RegisterFunction.INPUT else 3


class DataType(StrEnum):
    """Register data types; each has a fixed number of 16-bit registers."""

    INT16 = "int16"
    UINT16 = "uint16"
    INT32 = "int32"
    UINT32 = "uint32"
    FLOAT32 = "float32"
    INT64 = "int64"
    UINT64 = "uint64"
    FLOAT64 = "float64"

    @property
    def register_count(self) -> int:
        return _REGISTER_COUNT[self]

    @property
    def is_integer(self) -> bool:
        return not self.value.startswith("float")

    @property
    def is_signed(self) -> bool:
        return self.value.startswith("int")


_REGISTER_COUNT = {
    DataType.INT16: 1,
    DataType.UINT16: 1,
    DataType.INT32: 2,
    DataType.UINT32: 2,
    DataType.FLOAT32: 2,
    DataType.INT64: 4,
    DataType.UINT64: 4,
    DataType.FLOAT64: 4,
}


class Order(StrEnum):
    """Order of the words of a multi-register value, or of the two bytes of a register."""

    BIG = "big"  # most significant first (Modbus' own convention)
    LITTLE = "little"  # least significant first ("low word first")


class ValueKind(StrEnum):
    """How a decoded value relates to consumption."""

    CUMULATIVE = "cumulative"  # a register that only grows (meter index)
    INSTANTANEOUS = "instantaneous"  # a state sampled when read (power, flow, temperature)


_QUANTITY_PATTERN = r"^[a-z][a-z0-9_]*[a-z0-9]$"


class RegisterSpec(BaseModel):
    """One value of a device's register map.

    Attributes:
        quantity: name with its unit as suffix (``energy_import_kwh``).
        address: the register as the datasheet numbers it (see ``DeviceProfile.address_base``).
        count: registers the value occupies; must equal the data type's size when given.
        scale, offset: value = raw * scale + offset.
        min_value, max_value: plausible range of the decoded value (in ``unit``).
        max_rate_per_h: cumulative registers: the fastest the value can grow (``unit`` per
            hour, from the device's rating); a larger step is a spike.
        primary: the billing register; it feeds the device's meter in the store.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    quantity: str = Field(pattern=_QUANTITY_PATTERN, max_length=60)
    address: int = Field(ge=0, le=65536)
    type: DataType
    count: int | None = Field(default=None, ge=1, le=4)
    unit: str = Field(min_length=1, max_length=16)
    kind: ValueKind
    function: RegisterFunction | None = None
    word_order: Order | None = None
    byte_order: Order | None = None
    scale: float = 1.0
    offset: float = 0.0
    min_value: float | None = None
    max_value: float | None = None
    max_rate_per_h: float | None = Field(default=None, gt=0)
    primary: bool = False
    description: str = ""
    # filled in by DeviceProfile from its defaults and address base
    protocol_address: int = Field(default=-1, exclude=True)

    @model_validator(mode="after")
    def _check(self) -> RegisterSpec:
        words = self.type.register_count
        if self.count is not None and self.count != words:
            raise ValueError(
                f"count {self.count} does not fit type {self.type.value}, which takes {words} register(s)"
            )
        implied = unit_of(self.quantity)
        if implied is None:
            raise ValueError(
                f"quantity {self.quantity!r} does not end with a unit suffix "
                "(e.g. _kwh, _w, _v, _a, _hz, _m3, _m3_per_h, _degc)"
            )
        if implied != self.unit:
            raise ValueError(
                f"unit {self.unit!r} disagrees with quantity {self.quantity!r}, which implies {implied!r}"
            )
        if self.max_rate_per_h is not None and self.kind is not ValueKind.CUMULATIVE:
            raise ValueError("max_rate_per_h applies to cumulative registers only")
        if self.scale == 0:
            raise ValueError("scale must not be 0")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value >= self.max_value
        ):
            raise ValueError(f"min_value {self.min_value} must be below max_value {self.max_value}")
        return self

    @property
    def register_count(self) -> int:
        return self.type.register_count

    @property
    def end_address(self) -> int:
        """The protocol address one past the value's last register."""
        return self.protocol_address + self.register_count

    def raw_span(self) -> float:
        """The register's numeric range in engineering units (2^bits * |scale|), for rollover."""
        return float(2 ** (16 * self.register_count)) * abs(self.scale)


class DeviceProfile(BaseModel):
    """A device type's register map, loaded from ``metering/profiles/<name>.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    manufacturer: str
    model: str
    medium: Medium
    datasheet: str = Field(min_length=10, description="the public document the map comes from")
    address_base: Literal[0, 1]
    function: RegisterFunction
    word_order: Order = Order.BIG
    byte_order: Order = Order.BIG
    max_registers_per_request: int = Field(ge=1, le=MODBUS_MAX_READ_REGISTERS)
    max_gap_registers: int = Field(default=0, ge=0, le=32)
    registers: Annotated[list[RegisterSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _resolve(self) -> DeviceProfile:
        resolved = []
        for i, reg in enumerate(self.registers):
            address = reg.address - self.address_base
            if address < 0:
                raise ValueError(
                    f"registers[{i}] ({reg.quantity}): address {reg.address} is below the "
                    f"address base {self.address_base}"
                )
            if address + reg.register_count > 65536:
                raise ValueError(
                    f"registers[{i}] ({reg.quantity}): address {reg.address} runs past 65535"
                )
            if reg.register_count > self.max_registers_per_request:
                raise ValueError(
                    f"registers[{i}] ({reg.quantity}): needs {reg.register_count} registers, "
                    f"more than max_registers_per_request {self.max_registers_per_request}"
                )
            resolved.append(
                reg.model_copy(
                    update={
                        "protocol_address": address,
                        "function": reg.function or self.function,
                        "word_order": reg.word_order or self.word_order,
                        "byte_order": reg.byte_order or self.byte_order,
                    }
                )
            )
        names = [r.quantity for r in resolved]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"quantity {duplicates[0]!r} is defined more than once")
        for function in RegisterFunction:
            regs = sorted(
                (r for r in resolved if r.function is function), key=lambda r: r.protocol_address
            )
            for before, after in itertools.pairwise(regs):
                if after.protocol_address < before.end_address:
                    raise ValueError(
                        f"registers {before.quantity!r} ({function.value} {before.address}, "
                        f"{before.register_count} registers) and {after.quantity!r} "
                        f"({function.value} {after.address}) overlap"
                    )
        if sum(r.primary for r in resolved) > 1:
            raise ValueError("more than one register is marked primary")
        object.__setattr__(self, "registers", resolved)
        return self

    def register(self, quantity: str) -> RegisterSpec:
        """The register of ``quantity``; KeyError if the profile has none."""
        for reg in self.registers:
            if reg.quantity == quantity:
                return reg
        raise KeyError(f"profile {self.name} has no quantity {quantity!r}")

    @property
    def primary(self) -> RegisterSpec:
        """The billing register (marked ``primary``, else the first cumulative one)."""
        for reg in self.registers:
            if reg.primary:
                return reg
        for reg in self.registers:
            if reg.kind is ValueKind.CUMULATIVE:
                return reg
        return self.registers[0]


def _field_path(loc: tuple[Any, ...], data: Any) -> str:
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                quantity = node[item].get("quantity")
                if quantity:
                    label = f"[{item}] ({quantity})"
            parts.append(label)
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def validation_message(err: ValidationError, data: Any) -> tuple[str, str]:
    """The first error of a pydantic ValidationError as (field path, message)."""
    first = err.errors()[0]
    field = _field_path(tuple(first["loc"]), data)
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field (misspelt?)"
    elif first["type"] == "enum":
        message = f"{first.get('input')!r} is not one of {first['ctx']['expected']}"
    return field, message


def read_yaml(path: Path, error: type[ProfileError] | Any = ProfileError) -> Any:
    """Parse a YAML file; a missing or malformed file raises ``error`` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise error(f"cannot read the file: {err.strerror}", file=str(path)) from err
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"not valid YAML{where}: {err}", file=str(path)) from err


def parse_profile(data: Any, source: str) -> DeviceProfile:
    """Validate a profile's parsed YAML; errors name ``source`` and the field."""
    if not isinstance(data, dict):
        raise ProfileError("a profile must be a mapping of fields", file=source)
    try:
        return DeviceProfile.model_validate(data)
    except ValidationError as err:
        field, message = validation_message(err, data)
        raise ProfileError(message, file=source, field=field) from err


def load_profile(path: str | Path) -> DeviceProfile:
    """Load and validate one profile file.

    Raises:
        ProfileError: naming the file and the field at fault.
    """
    path = Path(path)
    profile = parse_profile(read_yaml(path), str(path))
    if profile.name != path.stem:
        raise ProfileError(
            f"name {profile.name!r} differs from the file name {path.stem!r}",
            file=str(path),
            field="name",
        )
    return profile


def load_profiles(directory: str | Path) -> dict[str, DeviceProfile]:
    """Every ``*.yaml`` profile of a folder, by name."""
    return {p.name: p for p in (load_profile(f) for f in sorted(Path(directory).glob("*.yaml")))}


@cache
def builtin_profiles() -> dict[str, DeviceProfile]:
    """The profiles shipped in ``metering/profiles`` (loaded once)."""
    return load_profiles(PROFILES_DIR)
