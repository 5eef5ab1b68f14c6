"""Errors of the energy cluster; each carries what a user needs to fix the input."""

from __future__ import annotations

from typing import Any

from core.exceptions import PlatformError


class ClusterError(PlatformError):
    """Root of the energy cluster's errors."""


class ScenarioError(ClusterError):
    """A scenario file is malformed or inconsistent.

    Attributes:
        file: the scenario (or series CSV) file at fault.
        unit: the name of the unit, demand or series the problem belongs to ("" when global).
        kind: what ``unit`` names: "unit", "demand" or "series".
        field: the field path within it (e.g. ``p_el_min_mw`` or ``series.pv_cf.values[17]``).
        value: the offending value, where one applies.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        unit: str = "",
        field: str = "",
        value: Any = None,
        kind: str = "unit",
    ):
        self.file = file
        self.kind = kind
        self.unit = unit
        self.field = field
        self.value = value
        where = ", ".join(
            part
            for part in (
                file,
                f"{kind} {unit!r}" if unit else "",
                f"field {field!r}" if field else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class SolverError(ClusterError):
    """The solver is missing or failed in a way that yields no answer (not infeasibility)."""


class NetworkCheckError(ClusterError):
    """The power flow of a plan could not be computed (e.g. it does not converge)."""

    def __init__(self, message: str, *, step: int | None = None):
        self.step = step
        super().__init__(message)
