"""Use cases of the energy cluster: plan a scenario file, roll a horizon, store for dashboards."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from sqlalchemy import Engine

from energy_cluster.enums import RollingMode, SolveStatus
from energy_cluster.models import PlanKind
from energy_cluster.planner import plan_scenario
from energy_cluster.results import PlanResult
from energy_cluster.rolling import Progress, RollingResult, run_rolling
from energy_cluster.scenario import Scenario, load_scenario
from energy_cluster.store import PlanRecord, save_plan

logger = logging.getLogger(__name__)


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario file (or of its validated content when it has no file)."""
    path = Path(scenario.file)
    data = path.read_bytes() if path.is_file() else scenario.config.model_dump_json().encode()
    return hashlib.sha256(data).hexdigest()


def plan_file(
    path: str | Path,
    *,
    time_limit_s: float | None = None,
    mip_rel_gap: float | None = None,
    network_check: bool = False,
) -> tuple[Scenario, PlanResult]:
    """Load a scenario file and plan its horizon (see ``planner.plan_scenario``)."""
    scenario = load_scenario(path)
    plan = plan_scenario(
        scenario, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap, network_check=network_check
    )
    return scenario, plan


def rolling_file(
    path: str | Path,
    days: int,
    *,
    mode: RollingMode | None = None,
    resolution_min: int | None = None,
    progress: Progress | None = None,
) -> tuple[Scenario, RollingResult]:
    """Load a scenario file and run the rolling horizon over ``days`` days."""
    scenario = load_scenario(path)
    return scenario, run_rolling(
        scenario, days, mode=mode, resolution_min=resolution_min, progress=progress
    )


def store_plan(engine: Engine, scenario: Scenario, plan: PlanResult) -> int:
    """Store a plan, its KPIs, schedules, shortfalls and network check; returns the plan id."""
    s = plan.solve
    record = PlanRecord(
        scenario=scenario.name,
        kind=PlanKind.PLAN,
        index=plan.index,
        step_min=round(plan.step_h * 60),
        status=s.status,
        flagged=s.flagged,
        objective_pln=s.objective_pln,
        best_bound_pln=s.best_bound_pln,
        gap=s.gap,
        build_time_s=s.build_time_s,
        solve_time_s=s.solve_time_s,
        message=s.message,
        scenario_sha256=scenario_digest(scenario),
        kpis=plan.kpis.as_dict() if plan.kpis else {},
        schedules=plan.schedules,
        shortfalls=plan.shortfalls,
        network=plan.network_outcome,
    )
    return save_plan(engine, record)


def store_rolling(engine: Engine, scenario: Scenario, result: RollingResult) -> int:
    """Store a rolling-horizon result as one plan (kind ``rolling``); returns the plan id."""
    worst = max(result.windows, key=lambda w: (w.status is not SolveStatus.OPTIMAL, w.gap or 0.0))
    objective = sum(w.objective_pln or 0.0 for w in result.windows)
    record = PlanRecord(
        scenario=scenario.name,
        kind=PlanKind.ROLLING,
        index=result.index,
        step_min=round(result.step_h * 60),
        status=worst.status,
        flagged=result.flagged_windows > 0,
        objective_pln=objective,
        best_bound_pln=None,
        gap=worst.gap,
        build_time_s=result.build_time_s,
        solve_time_s=result.total_time_s,
        message=f"{len(result.windows)} windows, {result.flagged_windows} flagged",
        scenario_sha256=scenario_digest(scenario),
        kpis=result.kpis.as_dict(),
        schedules=result.schedules,
        shortfalls=[],
    )
    return save_plan(engine, record)
