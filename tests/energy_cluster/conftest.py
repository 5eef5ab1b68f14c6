"""Tiny cluster systems built in code, and the invariant check every solved case goes through."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from energy_cluster.planner import plan_scenario
from energy_cluster.results import PlanResult
from energy_cluster.scenario import Scenario, scenario_from_dict

REFERENCE = (
    Path(__file__).resolve().parents[2] / "energy_cluster" / "scenarios" / "kof_reference.yaml"
)
OBJECTIVE_TOL_PLN = 1e-4  # relative, on hand-computed objectives
MW_TOL = 1e-6  # on hand-computed schedules


def tiny(
    *,
    units: list[dict[str, Any]],
    series: dict[str, Any],
    demands: list[dict[str, Any]],
    hours: float = 4,
    resolution_min: int = 60,
    **extra: Any,
) -> dict[str, Any]:
    """A scenario mapping with one bus ``b1`` and one heat node ``dh``."""
    raw: dict[str, Any] = {
        "name": "tiny",
        "horizon": {
            "start": "2026-01-14T00:00:00+01:00",
            "hours": hours,
            "resolution_min": resolution_min,
        },
        "buses": {"b1": {"cigre_bus": 1}},
        "heat_nodes": {"dh": {}},
        "series": copy.deepcopy(series),
        "demands": copy.deepcopy(demands),
        "units": copy.deepcopy(units),
        "solver": {"mip_rel_gap": 0.0, "time_limit_s": 60},
    }
    raw.update(copy.deepcopy(extra))
    return raw


def el_demand(series: str = "d_el") -> dict[str, Any]:
    return {"name": "load", "carrier": "electricity", "series": series, "buses": {"b1": 1.0}}


def heat_demand(series: str = "d_heat") -> dict[str, Any]:
    return {"name": "dh_load", "carrier": "heat", "series": series, "heat_node": "dh"}


def solve(raw: dict[str, Any]) -> PlanResult:
    """Load, plan and check the physical invariants of a solved case."""
    plan = plan_scenario(scenario_from_dict(raw, file="tiny.yaml"))
    assert_physical(plan)
    return plan


def assert_physical(plan: PlanResult) -> None:
    """Every solved case: a plan exists and no invariant (balances, storage, CHP region) fails."""
    assert plan.solve.status.has_plan, plan.solve.message
    assert plan.violations == [], plan.violations


@pytest.fixture(scope="session")
def reference() -> Scenario:
    from energy_cluster.scenario import load_scenario

    return load_scenario(REFERENCE)
