"""The platform's one root error and the subclasses that carry what a user needs to fix input."""

from __future__ import annotations

from typing import Any


class PlatformError(Exception):
    """Root of every error the platform raises on purpose.

    The CLI prints ``str(error)`` as a one-line reason and exits non-zero.
    """


class ConfigError(PlatformError):
    """A settings file, environment variable or URL is malformed.

    Attributes:
        source: the file or variable that holds the bad value.
        field: the setting's name.
        value: the offending value (secrets are not echoed).
    """

    def __init__(self, message: str, *, source: str = "", field: str = "", value: Any = None):
        self.source = source
        self.field = field
        self.value = value
        super().__init__(message)


class InputError(PlatformError):
    """Bad data handed to a service: a frame, a CSV row, a request argument.

    Attributes:
        field: the column or argument at fault.
        value: an example of the offending value.
        row: the 0-based row position in the input, where one applies.
    """

    def __init__(self, message: str, *, field: str = "", value: Any = None, row: int | None = None):
        self.field = field
        self.value = value
        self.row = row
        super().__init__(message)


class UnknownMeterError(InputError):
    """Readings or a query refer to meter ids the store does not know."""

    def __init__(self, meter_ids: list[int]):
        self.meter_ids = sorted(meter_ids)
        shown = ", ".join(str(m) for m in self.meter_ids[:10])
        more = f" (and {len(self.meter_ids) - 10} more)" if len(self.meter_ids) > 10 else ""
        super().__init__(
            f"unknown meter_id: {shown}{more}; register the meter before writing or reading its data",
            field="meter_id",
            value=self.meter_ids[0] if self.meter_ids else None,
        )


class StoreError(PlatformError):
    """The database refused an operation; the transaction was rolled back."""
