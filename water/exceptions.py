"""Errors of the water package: each names the file, row, sensor or element at fault."""

from __future__ import annotations

from typing import Any

from core.exceptions import InputError, PlatformError


class WaterError(PlatformError):
    """Root of the water package's errors."""


class NetworkFileError(WaterError):
    """An EPANET ``.inp`` file that cannot be read or simulated.

    Attributes:
        file: the network file.
    """

    def __init__(self, message: str, *, file: str):
        self.file = file
        super().__init__(message)


class TelemetryError(InputError):
    """Bad telemetry: a malformed row, a naive timestamp, a sensor the network does not have.

    Attributes:
        file: the telemetry file (empty for an in-memory frame).
        sensor: the sensor at fault, where one applies.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        row: int | None = None,
        sensor: str = "",
        field: str = "",
        value: Any = None,
    ):
        self.file = file
        self.sensor = sensor
        super().__init__(message, field=field or ("sensor" if sensor else ""), value=value, row=row)


class UnknownElementError(TelemetryError):
    """A sensor names a node or link that the network model does not contain."""


class SimulationError(WaterError):
    """EPANET or WNTR failed on a network (a disconnected system, an unsolvable hydraulic state)."""
