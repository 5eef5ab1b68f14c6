"""The network check's result as the dashboards use it: per step, per element, against the limits.

Pure: frames in, frames out. A step's stress is the largest *utilisation of a limit* over its
elements: a line or transformer's loading over ``max_loading_percent``, and a bus voltage's
distance from 1 pu over the band's half on that side (``(vm - 1) / (v_max - 1)`` above 1 pu,
``(1 - vm) / (1 - v_min)`` below). A utilisation above 1 is a violated limit; the worst step is
the one with the largest utilisation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from energy_cluster.config import NetworkConfig

logger = logging.getLogger(__name__)

LIMIT_TOL = 1e-6  # the check's own tolerance (``check.find_violations``)
NETWORK_NAME = "CIGRE MV"


@dataclass(frozen=True)
class IterationRecord:
    """What one iteration of the network check found and did (as stored)."""

    iteration: int
    violations: int
    max_line_loading_percent: float
    max_trafo_loading_percent: float
    v_min_pu: float
    v_max_pu: float
    cuts_added: int
    objective_pln: float | None


@dataclass(frozen=True)
class NetworkOutcome:
    """The AC power flow of a plan's final network-check iteration.

    Attributes:
        index: the plan's interval starts (UTC), one row of every frame each.
        line_loading_percent, trafo_loading_percent: loading per step (rows) and element
            (columns: pandapower indices).
        line_p_mw, trafo_p_mw: active power at the from side (line) or HV side (trafo).
        bus_vm_pu: voltage per step and bus.
        limits: the limits checked.
        slack_bus: the external grid's bus (its voltage is set, not checked).
        places: the scenario's places at each bus (pandapower index -> names).
        iterations: every iteration of the check, first to last.
    """

    index: pd.DatetimeIndex
    line_loading_percent: pd.DataFrame
    trafo_loading_percent: pd.DataFrame
    line_p_mw: pd.DataFrame
    trafo_p_mw: pd.DataFrame
    bus_vm_pu: pd.DataFrame
    limits: NetworkConfig
    slack_bus: int
    places: dict[int, list[str]] = field(default_factory=dict)
    iterations: list[IterationRecord] = field(default_factory=list)
    network: str = NETWORK_NAME

    def checked_vm_pu(self) -> pd.DataFrame:
        """Voltages of the buses whose limits are checked (all but the slack bus)."""
        return self.bus_vm_pu.drop(columns=[self.slack_bus], errors="ignore")


def voltage_utilisation(vm_pu: pd.DataFrame | np.ndarray, limits: NetworkConfig) -> np.ndarray:
    """Distance from 1 pu as a share of the band on that side (1 = at the limit)."""
    vm = np.asarray(vm_pu, dtype=float)
    return np.where(
        vm >= 1.0, (vm - 1.0) / (limits.v_max_pu - 1.0), (1.0 - vm) / (1.0 - limits.v_min_pu)
    )


def step_summary(outcome: NetworkOutcome) -> pd.DataFrame:
    """Per step: the highest line and trafo loadings, the voltage range and the violations.

    Returns:
        index: the plan's steps (UTC); columns ``max_line_loading_percent``,
        ``max_trafo_loading_percent``, ``v_min_pu``, ``v_max_pu`` (checked buses),
        ``violations`` (elements over a limit) and ``utilisation`` (largest limit utilisation).
    """
    limits = outcome.limits
    line = outcome.line_loading_percent.to_numpy(dtype=float)
    trafo = outcome.trafo_loading_percent.to_numpy(dtype=float)
    vm = outcome.checked_vm_pu().to_numpy(dtype=float)
    over = limits.max_loading_percent + LIMIT_TOL
    violations = (
        (np.nan_to_num(line) > over).sum(axis=1)
        + (np.nan_to_num(trafo) > over).sum(axis=1)
        + (vm > limits.v_max_pu + LIMIT_TOL).sum(axis=1)
        + (vm < limits.v_min_pu - LIMIT_TOL).sum(axis=1)
    )
    loading = np.nan_to_num(np.hstack([line, trafo])) / limits.max_loading_percent
    utilisation = np.maximum(loading.max(axis=1), voltage_utilisation(vm, limits).max(axis=1))
    return pd.DataFrame(
        {
            "max_line_loading_percent": np.nanmax(line, axis=1),
            "max_trafo_loading_percent": np.nanmax(trafo, axis=1),
            "v_min_pu": vm.min(axis=1),
            "v_max_pu": vm.max(axis=1),
            "violations": violations.astype(int),
            "utilisation": utilisation,
        },
        index=outcome.index,
    )


def worst_step(summary: pd.DataFrame) -> int:
    """Position of the step with the largest limit utilisation (the first of equals)."""
    if summary.empty:
        raise ValueError("no steps: the network check has no results")
    return int(np.argmax(summary["utilisation"].to_numpy()))


def elements_at(outcome: NetworkOutcome, step: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-element results at one step (position), with each element's limit verdict.

    Returns:
        branches: kind ("line"/"trafo"), element, loading_percent, p_mw, violated;
        buses: bus, vm_pu, checked (False for the slack bus), violated.
    """
    limits = outcome.limits
    parts = []
    for kind, loading, power in (
        ("line", outcome.line_loading_percent, outcome.line_p_mw),
        ("trafo", outcome.trafo_loading_percent, outcome.trafo_p_mw),
    ):
        parts.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "element": [int(c) for c in loading.columns],
                    "loading_percent": loading.iloc[step].to_numpy(dtype=float),
                    "p_mw": power.reindex(columns=loading.columns).iloc[step].to_numpy(dtype=float),
                }
            )
        )
    branches = pd.concat(parts, ignore_index=True)
    branches["violated"] = branches["loading_percent"] > limits.max_loading_percent + LIMIT_TOL
    vm = outcome.bus_vm_pu.iloc[step]
    buses = pd.DataFrame(
        {"bus": [int(b) for b in vm.index], "vm_pu": vm.to_numpy(dtype=float)},
    )
    buses["checked"] = buses["bus"] != outcome.slack_bus
    buses["violated"] = buses["checked"] & (
        (buses["vm_pu"] > limits.v_max_pu + LIMIT_TOL)
        | (buses["vm_pu"] < limits.v_min_pu - LIMIT_TOL)
    )
    return branches, buses
