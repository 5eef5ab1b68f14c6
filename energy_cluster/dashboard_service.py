"""Read and re-plan services for the operators' dashboards: the latest stored plan as a view.

Wraps ``energy_cluster.store`` (stored plans, KPIs, schedules) and ``service`` (plan and
store the reference scenario) behind two calls the web layer can use without SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from energy_cluster.planner import plan_scenario
from energy_cluster.scenario import load_scenario
from energy_cluster.service import store_plan
from energy_cluster.store import latest_plan_id, read_plan, read_schedules

logger = logging.getLogger(__name__)

REFERENCE_SCENARIO = Path(__file__).parent / "scenarios" / "kof_reference.yaml"
PRICE_SERIES = "day_ahead_pln_per_mwh"


@dataclass(frozen=True)
class PlanView:
    """The latest stored plan, as the dashboards show it.

    Attributes:
        plan_id: the stored plan's id.
        header: the plan's header (scenario, status, objective_pln, gap, created_at, ...).
        kpis: flattened KPI names (``generation_mwh.ec_gas_chp.electricity``) to values.
        schedules: columns ``unit-attr`` (MW, MWh, t/h), UTC index.
        prices_pln_per_mwh: the day-ahead price on the plan's index (empty when the plan's
            scenario is not the reference one).
    """

    plan_id: int
    header: dict[str, Any]
    kpis: dict[str, float | None]
    schedules: pd.DataFrame
    prices_pln_per_mwh: pd.Series

    @property
    def created_at(self) -> datetime | None:
        value = self.header.get("created_at")
        return value if isinstance(value, datetime) else None


def latest_plan_view(engine: Engine) -> PlanView | None:
    """The newest stored plan with its schedules and prices; None when no plan is stored."""
    plan_id = latest_plan_id(engine)
    if plan_id is None:
        return None
    header = read_plan(engine, plan_id)
    schedules = read_schedules(engine, plan_id)
    prices = pd.Series(dtype=float, name=PRICE_SERIES)
    scenario = load_scenario(REFERENCE_SCENARIO) if not schedules.empty else None
    if scenario is not None and header.get("scenario") == scenario.name:
        index = pd.DatetimeIndex(schedules.index)
        prices = pd.Series(scenario.series(PRICE_SERIES, index), index=index, name=PRICE_SERIES)
    return PlanView(
        plan_id=plan_id,
        header=header,
        kpis=dict(header.pop("kpis", {})),
        schedules=schedules,
        prices_pln_per_mwh=prices,
    )


def replan_reference(engine: Engine, progress: Callable[[str, float], None] | None = None) -> int:
    """Plan the reference scenario and store the plan; returns the new plan id.

    Args:
        engine: the store's engine.
        progress: called with (stage, fraction done 0..1) as the work advances.
    """
    report = progress or (lambda stage, done: None)
    report("loading the reference scenario", 0.05)
    scenario = load_scenario(REFERENCE_SCENARIO)
    report("solving the dispatch (MILP)", 0.2)
    plan = plan_scenario(scenario)
    report("storing the plan", 0.9)
    plan_id = store_plan(engine, scenario, plan)
    logger.info("re-planned %s: plan %d (%s)", scenario.name, plan_id, plan.solve.status)
    report("done", 1.0)
    return plan_id
