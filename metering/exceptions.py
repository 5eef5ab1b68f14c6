"""Errors of the metering package; each names the file, device and field a user has to fix."""

from __future__ import annotations

from typing import Any

from core.exceptions import PlatformError


class MeteringError(PlatformError):
    """Root of the metering errors.

    Attributes:
        file: the profile, devices or CSV file at fault ("" when none applies).
        device: the device (endpoint/name) at fault.
        field: the dotted path of the offending field (``registers[3].type``).
        value: the offending value.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        device: str = "",
        field: str = "",
        value: Any = None,
    ):
        self.file = file
        self.device = device
        self.field = field
        self.value = value
        where = ": ".join(p for p in (file, f"device {device}" if device else "", field) if p)
        super().__init__(f"{where}: {message}" if where else message)


class ProfileError(MeteringError):
    """A device profile (register map) is malformed or inconsistent."""


class DevicesFileError(MeteringError):
    """A devices file is malformed: unknown profile, duplicate unit id, bad fault."""


class DecodeError(MeteringError):
    """Registers could not be decoded with the profile's data type."""


class DeviceCommunicationError(MeteringError):
    """A device did not answer, answered late, or answered with a Modbus exception.

    Attributes:
        kind: ``timeout``, ``exception``, ``connection`` or ``protocol``.
    """

    def __init__(self, message: str, *, kind: str, device: str = "", value: Any = None):
        self.kind = kind
        self.detail = message
        super().__init__(message, device=device, value=value)


class ImportFileError(MeteringError):
    """A telemetry CSV was refused (all-or-nothing, or nothing importable).

    Attributes:
        errors: the row-level errors, each naming the row and the reason.
    """

    def __init__(self, message: str, *, file: str, errors: list[str] | None = None):
        self.errors = list(errors or [])
        super().__init__(message, file=file)
