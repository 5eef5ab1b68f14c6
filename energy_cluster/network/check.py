"""Check a plan on the MV network and re-plan until it respects the network's limits.

Each iteration runs a time-series AC power flow of the plan (pandapower), lists the violated
limits (line and transformer loadings above ``max_loading_percent``, bus voltages outside
``[v_min_pu, v_max_pu]``) and adds one linear cut per violated element and step to the model:

- a loading limit becomes a PTDF row, ``sum_b PTDF[l, b] * injection_b[t] <= P_max``, where
  ``P_max`` is the rating less the observed reactive flow and a margin;
- a voltage limit becomes a limit on the net injections that move that bus's voltage,
  ``sum_j dV_i/dP_j * injection_j[t] <= V_max - V_obs + sum_j dV_i/dP_j * injection_obs_j``,
  with the sensitivities from perturbed AC power flows.

The plan is re-solved (the persistent solver only receives the new rows) until the power flow
shows no violation or ``max_iterations`` is reached. A cut whose element is still overloaded in
the next AC power flow is tightened by the ratio of the limit to the observed loading.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from energy_cluster.enums import Carrier
from energy_cluster.model import ClusterModel
from energy_cluster.network.cigre import CigreNetwork, FlowResults
from energy_cluster.network.outcome import IterationRecord, NetworkOutcome
from energy_cluster.results import PlanResult, collect_plan
from energy_cluster.solve import ClusterSolver

logger = logging.getLogger(__name__)

VOLTAGE_TARGET_MARGIN_PU = 0.002  # aim this far inside the voltage band


@dataclass(frozen=True)
class Violation:
    """One violated network limit at one step."""

    kind: str  # "line", "trafo", "voltage_high", "voltage_low"
    element: str
    index: int
    step: int
    value: float
    limit: float

    def __str__(self) -> str:
        unit = "%" if self.kind in ("line", "trafo") else " pu"
        return f"{self.element} at step {self.step}: {self.value:.4g}{unit} (limit {self.limit:.4g}{unit})"


@dataclass(frozen=True)
class NetworkIteration(IterationRecord):
    """What one iteration of the network check found and did, with its worst violations."""

    worst: list[str] = field(default_factory=list)

    def record(self) -> IterationRecord:
        """The iteration as stored (without the worst violations' text)."""
        return IterationRecord(**{f.name: getattr(self, f.name) for f in fields(IterationRecord)})

    def as_dict(self) -> dict[str, Any]:
        return {
            "iteration": self.iteration,
            "violations": self.violations,
            "max_line_loading_percent": round(self.max_line_loading_percent, 3),
            "max_trafo_loading_percent": round(self.max_trafo_loading_percent, 3),
            "v_min_pu": round(self.v_min_pu, 5),
            "v_max_pu": round(self.v_max_pu, 5),
            "cuts_added": self.cuts_added,
            "objective_pln": self.objective_pln,
            "worst": self.worst,
        }

    def __str__(self) -> str:
        head = (
            f"iteration {self.iteration}: {self.violations} violations, max line loading "
            f"{self.max_line_loading_percent:.1f} %, max trafo loading {self.max_trafo_loading_percent:.1f} %, "
            f"voltages {self.v_min_pu:.4f}-{self.v_max_pu:.4f} pu, {self.cuts_added} cuts added"
        )
        return head + (f"; worst: {'; '.join(self.worst)}" if self.worst else "")


def plan_injections(cluster: ClusterModel) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Unit output and served demand (MW) per cluster bus, from the solved model."""
    units: dict[str, np.ndarray] = {}
    for block in cluster.blocks.values():
        bus = getattr(block.cfg, "bus", None)
        if bus is None:
            continue
        out = block.output_mw(block.schedule(), Carrier.ELECTRICITY)
        units[bus] = units.get(bus, np.zeros(cluster.steps)) + out
    loads: dict[str, np.ndarray] = {}
    slacks = cluster.slack_values()
    demands = cluster.demand_values()
    for d in cluster.scenario.config.demands:
        served = demands[f"{d.name}-demand_mw"] - slacks[f"{d.name}-unserved_mw"]
        for bus, share in (d.buses or {}).items():
            loads[bus] = loads.get(bus, np.zeros(cluster.steps)) + share * served
    return units, loads


def find_violations(network: CigreNetwork, flows: FlowResults) -> list[Violation]:
    """Every limit the power flow violates, by element and step."""
    limits = network.limits
    out: list[Violation] = []
    for kind, frame, table in (
        ("line", flows.line_loading_percent, network.net.line),
        ("trafo", flows.trafo_loading_percent, network.net.trafo),
    ):
        over = frame.to_numpy() > limits.max_loading_percent + 1e-6
        for step, col in zip(*np.nonzero(over), strict=True):
            idx = int(frame.columns[col])
            name = f"{kind} {table.at[idx, 'name']!r}"
            out.append(
                Violation(
                    kind,
                    name,
                    idx,
                    int(frame.index[step]),
                    float(frame.iat[step, col]),
                    limits.max_loading_percent,
                )
            )
    vm = flows.bus_vm_pu.drop(columns=[network.ext_bus], errors="ignore")
    for kind, mask, limit in (
        ("voltage_high", vm.to_numpy() > limits.v_max_pu + 1e-6, limits.v_max_pu),
        ("voltage_low", vm.to_numpy() < limits.v_min_pu - 1e-6, limits.v_min_pu),
    ):
        for step, col in zip(*np.nonzero(mask), strict=True):
            bus = int(vm.columns[col])
            out.append(
                Violation(
                    kind,
                    f"bus {bus} ({network.net.bus.at[bus, 'name']})",
                    bus,
                    int(vm.index[step]),
                    float(vm.iat[step, col]),
                    limit,
                )
            )
    return out


class NetworkCheck:
    """The iteration state: network, sensitivities and per-element tightening."""

    def __init__(self, cluster: ClusterModel):
        self.cluster = cluster
        self.network = CigreNetwork(cluster.scenario.config)
        self.ptdf = self.network.ptdf()
        self.p_max_used: dict[tuple[str, int, int], float] = {}  # (element, index, step) -> MW
        self.sensitivity: pd.DataFrame | None = None
        self.names_at: dict[int, list[str]] = {}
        for name, bus in self.network.bus_of.items():
            self.names_at.setdefault(bus, []).append(name)

    def injection(self, cigre_bus: int, t: int) -> Any:
        return sum(self.cluster.bus_injection(name, t) for name in self.names_at.get(cigre_bus, []))

    def add_cuts(
        self, violations: list[Violation], flows: FlowResults, gen: pd.DataFrame, load: pd.DataFrame
    ) -> int:
        """One cut per violation; returns how many were added."""
        cluster = self.cluster
        limits = self.network.limits
        margin = limits.margin
        added = 0
        for v in violations:
            t = v.step
            if v.kind in ("line", "trafo"):
                key = (v.kind, v.index)
                rating = (
                    self.network.rating_mva(v.kind, v.index) * limits.max_loading_percent / 100.0
                )
                p_frame = flows.line_p_mw if v.kind == "line" else flows.trafo_p_mw
                q_frame = flows.line_q_mvar if v.kind == "line" else flows.trafo_q_mvar
                p_obs, q_obs = float(p_frame.at[t, v.index]), float(q_frame.at[t, v.index])
                s_max = rating * (1.0 - margin)
                p_max = float(np.sqrt(max(s_max**2 - q_obs**2, (0.5 * s_max) ** 2)))
                previous = self.p_max_used.get((*key, t))
                if previous is not None:
                    # The cut held in DC but the AC flow (losses, reactive power) still
                    # exceeds the rating: tighten by the ratio of the limit to the observed.
                    p_max = min(
                        p_max, previous * limits.max_loading_percent / v.value * (1.0 - margin)
                    )
                self.p_max_used[(*key, t)] = p_max
                flow = sum(f * self.injection(b, t) for b, f in self.ptdf[key].items())
                if p_obs >= 0:
                    cluster.add_network_cut(t, flow, upper=p_max)
                else:
                    cluster.add_network_cut(t, flow, lower=-p_max)
            else:
                if self.sensitivity is None:
                    self.sensitivity = self.network.voltage_sensitivities(gen, load, t)
                row = self.sensitivity.loc[v.index]
                observed = (gen.loc[t] - load.loc[t]).to_dict()
                moves = {j: float(f) for j, f in row.items() if abs(f) > 1e-7}
                # V_i ~ V_obs + sum_j dV_i/dP_j * (P_j - P_obs_j), kept inside the band.
                lhs = sum(f * self.injection(j, t) for j, f in moves.items())
                offset = sum(f * observed[j] for j, f in moves.items())
                if v.kind == "voltage_high":
                    target = v.limit - VOLTAGE_TARGET_MARGIN_PU
                    cluster.add_network_cut(t, lhs, upper=offset + (target - v.value))
                else:
                    target = v.limit + VOLTAGE_TARGET_MARGIN_PU
                    cluster.add_network_cut(t, lhs, lower=offset + (target - v.value))
            added += 1
        return added


def resolve_network(
    cluster: ClusterModel,
    solver: ClusterSolver,
    plan: PlanResult,
    *,
    time_limit_s: float | None = None,
    mip_rel_gap: float | None = None,
) -> PlanResult:
    """Check ``plan`` on the network; add cuts and re-solve until it fits. Reports each iteration."""
    check = NetworkCheck(cluster)
    limits = check.network.limits
    iterations: list[NetworkIteration] = []
    for iteration in range(limits.max_iterations + 1):
        units, loads = plan_injections(cluster)
        gen, load = check.network.bus_frames(units, loads)
        flows = check.network.run(gen, load)
        violations = find_violations(check.network, flows)
        last = iteration == limits.max_iterations or not violations
        added = 0 if last else check.add_cuts(violations, flows, gen, load)
        worst = sorted(violations, key=lambda v: -abs(v.value - v.limit))[:3]
        record = NetworkIteration(
            iteration=iteration,
            violations=len(violations),
            max_line_loading_percent=float(flows.line_loading_percent.to_numpy().max()),
            max_trafo_loading_percent=float(flows.trafo_loading_percent.to_numpy().max()),
            v_min_pu=float(flows.bus_vm_pu.to_numpy().min()),
            v_max_pu=float(flows.bus_vm_pu.to_numpy().max()),
            cuts_added=added,
            objective_pln=plan.solve.objective_pln,
            worst=[str(v) for v in worst],
        )
        iterations.append(record)
        logger.info("network check: %s", record)
        if last:
            plan.network_outcome = outcome_of(check, flows, plan.index, iterations)
            if violations:
                logger.warning(
                    "network check: %d violations left after %d iterations",
                    len(violations),
                    iteration,
                )
            break
        result = solver.solve(time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
        plan = collect_plan(cluster, result, plan.index)
        if not result.status.has_plan:
            break
    plan.network = iterations
    return plan


def outcome_of(
    check: NetworkCheck,
    flows: FlowResults,
    index: pd.DatetimeIndex,
    iterations: list[NetworkIteration],
) -> NetworkOutcome:
    """The final power flow of the check on the plan's time index, for storing and showing."""

    def on_index(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.sort_index().copy()
        out.index = index[: len(out)]
        out.columns = [int(c) for c in out.columns]
        return out

    return NetworkOutcome(
        index=index[: len(flows.bus_vm_pu)],
        line_loading_percent=on_index(flows.line_loading_percent),
        trafo_loading_percent=on_index(flows.trafo_loading_percent),
        line_p_mw=on_index(flows.line_p_mw),
        trafo_p_mw=on_index(flows.trafo_p_mw),
        bus_vm_pu=on_index(flows.bus_vm_pu),
        limits=check.network.limits,
        slack_bus=check.network.ext_bus,
        places={bus: sorted(names) for bus, names in check.names_at.items()},
        iterations=[it.record() for it in iterations],
    )
