"""A solved plan: schedules, costs, KPIs, shortfalls explained, invariants checked."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.timeutil import LOCAL_TZ_NAME
from energy_cluster.checks import verify_plan
from energy_cluster.explain import Shortfall, find_shortfalls
from energy_cluster.kpis import Kpis, compute_kpis
from energy_cluster.model import ClusterModel
from energy_cluster.network.outcome import NetworkOutcome
from energy_cluster.solve import SolveResult

logger = logging.getLogger(__name__)


@dataclass
class PlanResult:
    """Everything a plan produced.

    Attributes:
        scenario: the scenario name.
        index: interval starts (UTC).
        step_h: step length in hours.
        solve: status, objective, bound, gap and times.
        schedules: per-step values, columns ``"{unit}-{attr}"`` (units in the names).
        costs: per-step costs, columns ``"{owner}-cost_{category}_pln"``.
        co2: per-step direct CO2, columns ``"{owner}-co2_t"``.
        kpis: key figures (None without a plan).
        shortfalls: unserved demand and dumped energy, with reasons.
        violations: physical invariants that failed (empty for a sound plan).
        network: the network-check iterations, when one ran.
        network_outcome: the final iteration's power flow per step and element, when one ran.
    """

    scenario: str
    index: pd.DatetimeIndex
    step_h: float
    solve: SolveResult
    schedules: pd.DataFrame
    costs: pd.DataFrame
    co2: pd.DataFrame
    kpis: Kpis | None
    shortfalls: list[Shortfall] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    network: list[Any] = field(default_factory=list)
    network_outcome: NetworkOutcome | None = None

    def unit_schedules(self) -> dict[str, dict[str, list[float]]]:
        """Schedules grouped by unit: ``{unit: {attr: [value per step]}}``."""
        out: dict[str, dict[str, list[float]]] = {}
        for column in self.schedules.columns:
            owner, attr = column.split("-", 1)
            values = np.round(self.schedules[column].to_numpy(dtype=float), 6)
            out.setdefault(owner, {})[attr] = [float(v) + 0.0 for v in values]
        return out

    def to_json_dict(self, *, with_schedules: bool = True) -> dict[str, Any]:
        """The plan as one JSON-serialisable document (``kof cluster plan --json``)."""
        doc: dict[str, Any] = {
            "scenario": self.scenario,
            **{k: v for k, v in self.solve.as_dict().items()},
            "start": self.index[0].tz_convert(LOCAL_TZ_NAME).isoformat()
            if len(self.index)
            else None,
            "steps": len(self.index),
            "step_h": self.step_h,
            "kpis": self.kpis.as_dict() if self.kpis else None,
            "shortfalls": [s.as_dict() for s in self.shortfalls],
            "violations": self.violations,
        }
        if self.network:
            doc["network"] = [it.as_dict() for it in self.network]
        if with_schedules:
            doc["timestamps"] = [ts.isoformat() for ts in self.index.tz_convert(LOCAL_TZ_NAME)]
            doc["schedules"] = self.unit_schedules()
        return doc


def collect_plan(cluster: ClusterModel, solve: SolveResult, index: pd.DatetimeIndex) -> PlanResult:
    """Read the solved model into a ``PlanResult`` (frames, KPIs, shortfalls, invariants)."""
    index = index[: cluster.steps]
    name = cluster.scenario.name
    if not solve.status.has_plan:
        empty = pd.DataFrame(index=index)
        return PlanResult(name, index, cluster.step_h, solve, empty, empty, empty, None)
    schedules_by_unit = cluster.unit_schedules()
    schedules = cluster.schedule_frame(index)
    costs = cluster.cost_frame(index)
    co2 = cluster.co2_frame(index)
    kpis = compute_kpis(cluster.scenario.config, schedules, costs, co2, cluster.step_h)
    shortfalls = find_shortfalls(cluster, index, schedules_by_unit, cluster.data)
    violations = verify_plan(cluster, schedules_by_unit, cluster.data)
    return PlanResult(
        name, index, cluster.step_h, solve, schedules, costs, co2, kpis, shortfalls, violations
    )
