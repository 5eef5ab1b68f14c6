"""Decoding and encoding of register values with pymodbus' own converters.

pymodbus' ``convert_from_registers`` handles the data type and the word order; the byte order
inside a register (some converters swap it) is applied before, on a copy of the registers.
The caller's list is never modified (older pymodbus versions reversed it in place).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pymodbus.client.mixin import ModbusClientMixin
from pymodbus.exceptions import ModbusException

from metering.exceptions import DecodeError
from metering.profiles import DataType, Order, RegisterSpec

_CONVERT = ModbusClientMixin
_DATATYPE = {
    DataType.INT16: _CONVERT.DATATYPE.INT16,
    DataType.UINT16: _CONVERT.DATATYPE.UINT16,
    DataType.INT32: _CONVERT.DATATYPE.INT32,
    DataType.UINT32: _CONVERT.DATATYPE.UINT32,
    DataType.FLOAT32: _CONVERT.DATATYPE.FLOAT32,
    DataType.INT64: _CONVERT.DATATYPE.INT64,
    DataType.UINT64: _CONVERT.DATATYPE.UINT64,
    DataType.FLOAT64: _CONVERT.DATATYPE.FLOAT64,
}


def _swap_bytes(registers: Sequence[int]) -> list[int]:
    return [((r & 0xFF) << 8) | ((r >> 8) & 0xFF) for r in registers]


def decode_raw(spec: RegisterSpec, registers: Sequence[int]) -> int | float:
    """The raw number in ``registers`` (no scale or offset), as the data type reads it.

    Raises:
        DecodeError: the number of registers does not match the data type.
    """
    if len(registers) != spec.register_count:
        raise DecodeError(
            f"{spec.quantity}: got {len(registers)} registers, {spec.type.value} needs "
            f"{spec.register_count}",
            field=spec.quantity,
            value=list(registers),
        )
    regs = list(registers)  # a copy: the converter must not touch the caller's list
    if spec.byte_order is Order.LITTLE:
        regs = _swap_bytes(regs)
    try:
        raw = _CONVERT.convert_from_registers(
            regs, _DATATYPE[spec.type], word_order=(spec.word_order or Order.BIG).value
        )
    except ModbusException as err:
        raise DecodeError(
            f"{spec.quantity}: {err}", field=spec.quantity, value=list(registers)
        ) from err
    assert isinstance(raw, int | float)
    return raw


class Decoder:
    """``decode_value`` for one register with its settings resolved once (the poll's hot path)."""

    __slots__ = (
        "_datatype",
        "_decimals",
        "_offset",
        "_scale",
        "_swap",
        "_word_order",
        "count",
        "quantity",
        "start",
    )

    def __init__(self, spec: RegisterSpec, start: int):
        self.quantity = spec.quantity
        self.start = start
        self.count = spec.register_count
        self._datatype = _DATATYPE[spec.type]
        self._word_order = (spec.word_order or Order.BIG).value
        self._swap = spec.byte_order is Order.LITTLE
        self._scale = spec.scale
        self._offset = spec.offset
        self._decimals = _decimals(spec) if spec.type.is_integer else None

    def __call__(self, values: Sequence[int]) -> float:
        regs = list(values[self.start : self.start + self.count])  # a copy for the converter
        if self._swap:
            regs = _swap_bytes(regs)
        raw = _CONVERT.convert_from_registers(regs, self._datatype, word_order=self._word_order)
        value = float(raw) * self._scale + self._offset  # type: ignore[arg-type]
        if self._decimals is not None and math.isfinite(value):
            value = round(value, self._decimals)
        return value


def _decimals(spec: RegisterSpec) -> int:
    # a scaled integer carries as many decimals as its scale; drop binary noise (x.1999999)
    return max(0, -math.floor(math.log10(abs(spec.scale)))) + 3


def decode_value(spec: RegisterSpec, registers: Sequence[int]) -> float:
    """The engineering value of ``registers``: raw * scale + offset (NaN/inf pass through).

    Example:
        >>> from metering.profiles import builtin_profiles
        >>> spec = builtin_profiles()["carlo_gavazzi_em340"].register("energy_import_kwh")
        >>> decode_value(spec, [0x5678, 0x0012])  # low word first: 0x00125678 = 1201784 x 0.1
        120178.4
    """
    raw = decode_raw(spec, registers)
    value = float(raw) * spec.scale + spec.offset
    if math.isfinite(value) and spec.type.is_integer:
        value = round(value, _decimals(spec))
    return value


def encode_value(spec: RegisterSpec, value: float, *, wrap: bool = True) -> list[int]:
    """Registers holding ``value`` as the device would send it (the inverse of decode_value).

    Integer types are rounded; with ``wrap`` a value past the type's range wraps around as a
    device counter does (modulo 2^bits), otherwise it is an error.
    """
    raw_float = (value - spec.offset) / spec.scale
    raw: int | float
    if spec.type.is_integer:
        bits = 16 * spec.register_count
        raw = round(raw_float)
        lo, hi = (
            (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if spec.type.is_signed else (0, 2**bits - 1)
        )
        if not lo <= raw <= hi:
            if not wrap:
                raise DecodeError(
                    f"{spec.quantity}: {value} does not fit {spec.type.value}",
                    field=spec.quantity,
                    value=value,
                )
            raw = (raw - lo) % (2**bits) + lo
    else:
        raw = float(raw_float)
    regs = _CONVERT.convert_to_registers(
        raw, _DATATYPE[spec.type], word_order=(spec.word_order or Order.BIG).value
    )
    if spec.byte_order is Order.LITTLE:
        regs = _swap_bytes(regs)
    return regs
