"""Physical invariants of a solved plan, checked on every solve (and in every test).

- energy balance per carrier, node and step (``BALANCE_TOL_MW``);
- each unit's own physics: storage and fuel-stock continuity, CHP inside its region, no unit
  below its minimum stable load when on, fuel on its curve (``UNIT_TOL``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np

from energy_cluster.enums import Carrier
from energy_cluster.model import CLUSTER, ClusterModel
from energy_cluster.units.base import Schedule

logger = logging.getLogger(__name__)

BALANCE_TOL_MW = 1e-5  # MW: HiGHS feasibility tolerance is 1e-7 on scaled rows
UNIT_TOL = 1e-5  # MW, MWh, t or m3 in unit checks


def balance_residuals(
    cluster: ClusterModel, schedules: Mapping[str, Schedule], data: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Supply + unserved - dumped - demand per step, for each carrier node (should be ~0)."""
    cfg = cluster.scenario.config
    slacks = cluster.slack_values()
    demands = cluster.demand_values(data)
    out: dict[str, np.ndarray] = {}
    el = np.zeros(cluster.steps)
    heat = {node: np.zeros(cluster.steps) for node in cfg.heat_nodes}
    for name, block in cluster.blocks.items():
        el += block.output_mw(schedules[name], Carrier.ELECTRICITY)
        node = getattr(block.cfg, "heat_node", None)
        if node is not None:
            heat[node] += block.output_mw(schedules[name], Carrier.HEAT)
    for d in cfg.demands:
        served = demands[f"{d.name}-demand_mw"] - slacks[f"{d.name}-unserved_mw"]
        if d.carrier is Carrier.ELECTRICITY:
            el -= served
        else:
            assert d.heat_node is not None
            heat[d.heat_node] -= served
    out["electricity"] = el - slacks[f"{CLUSTER}-dumped_el_mw"]
    for node, values in heat.items():
        out[f"heat:{node}"] = values - slacks[f"{node}-dumped_heat_mw"]
    return out


def verify_plan(
    cluster: ClusterModel,
    schedules: Mapping[str, Schedule] | None = None,
    data: Mapping[str, np.ndarray] | None = None,
    *,
    balance_tol_mw: float = BALANCE_TOL_MW,
    unit_tol: float = UNIT_TOL,
) -> list[str]:
    """All invariant violations of the solved plan (empty when the plan is physical)."""
    schedules = cluster.unit_schedules() if schedules is None else schedules
    data = cluster.data if data is None else data
    problems: list[str] = []
    for node, residual in balance_residuals(cluster, schedules, data).items():
        for t in np.flatnonzero(np.abs(residual) > balance_tol_mw)[:3]:
            problems.append(f"balance {node}: residual {residual[t]:.3g} MW at step {t}")
    for name, block in cluster.blocks.items():
        problems.extend(block.check(schedules[name], data, unit_tol))
    for d in cluster.scenario.config.demands:
        unserved = cluster.slack_values()[f"{d.name}-unserved_mw"]
        demand = cluster.demand_values(data)[f"{d.name}-demand_mw"]
        for t in np.flatnonzero(unserved > demand + balance_tol_mw)[:3]:
            problems.append(
                f"{d.name}: unserved {unserved[t]:.6g} above demand {demand[t]:.6g} at step {t}"
            )
    for problem in problems:
        logger.warning("invariant violated: %s", problem)
    return problems
