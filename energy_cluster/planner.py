"""Plan a scenario's horizon: build, solve, collect (and optionally check the network)."""

from __future__ import annotations

import logging

from energy_cluster.model import ClusterModel
from energy_cluster.results import PlanResult, collect_plan
from energy_cluster.scenario import Scenario
from energy_cluster.solve import ClusterSolver

logger = logging.getLogger(__name__)


def plan_scenario(
    scenario: Scenario,
    *,
    time_limit_s: float | None = None,
    mip_rel_gap: float | None = None,
    network_check: bool = False,
) -> PlanResult:
    """Plan the scenario's horizon in one solve.

    Args:
        scenario: a loaded scenario.
        time_limit_s: overrides the scenario's solver time limit.
        mip_rel_gap: overrides the scenario's relative gap.
        network_check: run the pandapower network check and re-solve until the plan respects
            line, transformer and voltage limits (needs ``buses.*.cigre_bus``).

    Returns:
        The plan; a time limit with an incumbent returns that incumbent, flagged.
    """
    cluster = ClusterModel(scenario)
    solver = ClusterSolver(cluster, scenario.config.solver)
    result = solver.solve(time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
    plan = collect_plan(cluster, result, scenario.index())
    if network_check and result.status.has_plan:
        from energy_cluster.network.check import resolve_network

        plan = resolve_network(
            cluster, solver, plan, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap
        )
    return plan
