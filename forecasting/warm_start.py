"""Warm starts across runs: the fitted parameters a forecaster can start its next fit from.

A forecaster that can warm-start (``WarmStartable``, Prophet) hands out a ``ModelState`` after
each fit and accepts one before its first fit (``start_from``). The scheduled run stores the
states (table ``forecast_model_states``) and ships them to the workers as plain data with each
series. The forecaster decides whether a state suits its current model: same layout (the
``fingerprint`` of the seasonalities, regressors, holidays and changepoints) and same parameter
shapes. Each fit is reported as a ``FitInfo``: warm or cold, and why cold.

Pure: no database, no third-party model library.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from forecasting.exceptions import ModelStateError

ParamValue = float | tuple[float, ...]


class WarmSource(StrEnum):
    """Where the parameters offered to a fit came from."""

    NONE = "none"
    PREVIOUS_FIT = "previous_fit"  # the same forecaster's previous fit, in this process
    STORED = "stored"  # a previous run's fit, read from the store


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def layout_fingerprint(layout: Mapping[str, Any]) -> str:
    """A short hash of a model's parameter layout (equal layouts, equal fingerprints).

    Example:
        >>> layout_fingerprint({"regressors": ["t_air_degc"]}) == layout_fingerprint(
        ...     {"regressors": ["t_air_degc"]}
        ... )
        True
    """
    return hashlib.sha256(_canonical(layout).encode()).hexdigest()[:16]


def layout_difference(stored: Mapping[str, Any], current: Mapping[str, Any]) -> str:
    """What differs between two layouts, e.g. ``regressors: [...] -> [...]``."""
    stored_n = json.loads(_canonical(stored))
    current_n = json.loads(_canonical(current))
    parts = [
        f"{key}: {stored_n.get(key)} -> {current_n.get(key)}"
        for key in sorted(set(stored_n) | set(current_n))
        if stored_n.get(key) != current_n.get(key)
    ]
    return "; ".join(parts) or "fingerprints differ"


def _param(name: str, value: Any) -> ParamValue:
    if isinstance(value, bool):
        raise TypeError(f"parameter {name} is a boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"parameter {name} is not finite")
        return float(value)
    if isinstance(value, list | tuple):
        values = tuple(float(v) for v in value)
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"parameter {name} has non-finite values")
        return values
    raise TypeError(f"parameter {name} is a {type(value).__name__}, not a number or a list")


@dataclass(frozen=True)
class ModelState:
    """The fitted parameters of one model of one series, as plain data.

    Attributes:
        model: the forecaster's registry name.
        fingerprint: ``layout_fingerprint(layout)``.
        layout: what the parameters mean (JSON-able), compared before a warm start.
        params: name -> number or tuple of numbers (JSON-able).
        history_end: the last time of the history it was fitted to (UTC).
        fitted_at: when the fit finished (UTC).
    """

    model: str
    fingerprint: str
    layout: Mapping[str, Any]
    params: Mapping[str, ParamValue]
    history_end: pd.Timestamp
    fitted_at: pd.Timestamp

    def to_json(self) -> str:
        """The layout and parameters as one JSON document (the store's ``params_json``)."""
        return _canonical(
            {
                "layout": self.layout,
                "params": {
                    k: list(v) if isinstance(v, tuple) else v for k, v in self.params.items()
                },
            }
        )

    @classmethod
    def from_json(
        cls,
        text: str,
        *,
        model: str,
        fingerprint: str,
        history_end: pd.Timestamp,
        fitted_at: pd.Timestamp,
        series: str = "",
    ) -> ModelState:
        """Read a stored state back.

        Raises:
            ModelStateError: the JSON is unreadable, lacks ``layout`` or ``params``, holds a
                non-numeric or non-finite parameter, or its layout does not hash to
                ``fingerprint``.
        """
        try:
            document = json.loads(text)
            layout = document["layout"]
            raw = document["params"]
            if not isinstance(layout, dict) or not isinstance(raw, dict):
                raise TypeError("layout and params must be objects")
            params = {str(k): _param(str(k), v) for k, v in raw.items()}
        except (ValueError, TypeError, KeyError) as err:
            raise ModelStateError(
                f"{series or 'series'}: the stored {model} state is unreadable: {err}",
                series=series,
                model=model,
            ) from err
        if layout_fingerprint(layout) != fingerprint:
            raise ModelStateError(
                f"{series or 'series'}: the stored {model} state's layout does not match its "
                f"fingerprint {fingerprint}",
                series=series,
                model=model,
            )
        return cls(model, fingerprint, layout, params, history_end, fitted_at)


@dataclass(frozen=True)
class FitInfo:
    """How one fit started and ran.

    Attributes:
        model: the forecaster's name.
        history_end: the last time of the history fitted (UTC).
        source: where the parameters offered as a start came from (NONE: nothing offered).
        warm: the fit started from them.
        reason: why the fit started cold ("" when warm).
        n_iterations: optimiser iterations (None when the optimiser does not report them).
        initial_log_prob: the objective at the starting point (higher: a better start).
        fit_s: seconds the fit took (diagnostics, not a result).
    """

    model: str
    history_end: pd.Timestamp
    source: WarmSource
    warm: bool
    reason: str = ""
    n_iterations: int | None = None
    initial_log_prob: float | None = None
    fit_s: float = float("nan")


@runtime_checkable
class WarmStartable(Protocol):
    """A forecaster whose fits can start from a previous fit's parameters."""

    name: str
    fit_log: list[FitInfo]

    def warm_state(self) -> ModelState | None:
        """The state of the last successful fit (None before one)."""
        ...

    def start_from(self, state: ModelState) -> None:
        """Offer ``state`` (a previous run's) as the start of the next fit."""
        ...


def seed_forecasters(forecasters: Mapping[str, object], states: Mapping[str, ModelState]) -> None:
    """Offer each warm-startable forecaster the stored state of its name, if any."""
    for name, forecaster in forecasters.items():
        state = states.get(name)
        if state is not None and isinstance(forecaster, WarmStartable):
            forecaster.start_from(state)


def collect_states(
    forecasters: Mapping[str, object],
) -> tuple[dict[str, ModelState], list[FitInfo]]:
    """The last fitted state and every fit's info of the warm-startable forecasters."""
    states: dict[str, ModelState] = {}
    fits: list[FitInfo] = []
    for name, forecaster in forecasters.items():
        if not isinstance(forecaster, WarmStartable):
            continue
        fits.extend(forecaster.fit_log)
        state = forecaster.warm_state()
        if state is not None:
            states[name] = state
    return states, fits
