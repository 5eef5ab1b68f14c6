"""Solve outcomes: status mapping, gap from incumbent and bound, a limit returns a flagged plan."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pyomo.contrib.solver.common.results import TerminationCondition

from energy_cluster.config import SolverConfig
from energy_cluster.enums import SolveStatus
from energy_cluster.planner import plan_scenario
from energy_cluster.scenario import Scenario
from energy_cluster.solve import classify, relative_gap
from tests.energy_cluster.conftest import assert_physical


@pytest.mark.parametrize(
    ("termination", "has_solution", "expected"),
    [
        (TerminationCondition.convergenceCriteriaSatisfied, True, SolveStatus.OPTIMAL),
        (TerminationCondition.maxTimeLimit, True, SolveStatus.TIME_LIMIT_FEASIBLE),
        (TerminationCondition.maxTimeLimit, False, SolveStatus.NO_SOLUTION),
        (TerminationCondition.iterationLimit, True, SolveStatus.LIMIT_FEASIBLE),
        (TerminationCondition.iterationLimit, False, SolveStatus.NO_SOLUTION),
        (TerminationCondition.provenInfeasible, False, SolveStatus.INFEASIBLE),
        (TerminationCondition.unbounded, False, SolveStatus.UNBOUNDED),
        (TerminationCondition.error, False, SolveStatus.ERROR),
    ],
)
def test_classify(
    termination: TerminationCondition, has_solution: bool, expected: SolveStatus
) -> None:
    status = classify(termination, has_solution)
    assert status is expected
    assert status.has_plan is has_solution or expected is SolveStatus.OPTIMAL


def test_gap_is_computed_from_incumbent_and_bound() -> None:
    assert relative_gap(1000.0, 990.0) == pytest.approx(0.01)
    assert relative_gap(-1000.0, -1010.0) == pytest.approx(0.01)
    assert relative_gap(0.0, 0.0) == 0.0
    assert relative_gap(None, 5.0) is None
    assert relative_gap(5.0, float("-inf")) is None


def test_a_solver_limit_returns_the_incumbent_flagged(reference: Scenario) -> None:
    settings = SolverConfig(mip_rel_gap=0.0, time_limit_s=60, options={"mip_max_improving_sols": 1})
    scenario = replace(reference, config=reference.config.model_copy(update={"solver": settings}))

    plan = plan_scenario(scenario)

    assert plan.solve.status is SolveStatus.LIMIT_FEASIBLE
    assert plan.solve.flagged
    assert plan.solve.objective_pln is not None
    assert plan.solve.best_bound_pln is not None
    assert plan.solve.gap == pytest.approx(
        relative_gap(plan.solve.objective_pln, plan.solve.best_bound_pln)
    )
    assert plan.solve.gap > 0
    assert_physical(plan)
    assert plan.to_json_dict()["flagged"] is True
