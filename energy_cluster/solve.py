"""Solve a cluster model with HiGHS through Pyomo's persistent interface; a typed result.

``pyomo.contrib.solver.solvers.highs.Highs`` keeps the HiGHS instance between solves: after the
first solve only changed Params (series, states) are pushed to HiGHS, and new constraints
(network cuts) are added incrementally.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass
from typing import Any

from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from energy_cluster.config import SolverConfig
from energy_cluster.enums import SolveStatus
from energy_cluster.exceptions import SolverError
from energy_cluster.model import ClusterModel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SolveResult:
    """Outcome of one solve.

    Attributes:
        status: what the planner can do with the result (see ``SolveStatus``).
        termination: the solver interface's termination condition, for diagnostics.
        objective_pln: the incumbent's objective (None without a plan).
        best_bound_pln: the best proven lower bound (None if unknown).
        gap: ``(objective - bound) / max(|objective|, 1)``, from the two values above.
        build_time_s: seconds to build the Pyomo model (0 for a re-solve).
        solve_time_s: wall seconds of the solve call (interface update plus HiGHS).
        solver_time_s: seconds HiGHS itself reports.
        flagged: True when a plan exists but is not proven optimal (limit hit).
        message: one line for operators.
    """

    status: SolveStatus
    termination: str
    objective_pln: float | None
    best_bound_pln: float | None
    gap: float | None
    build_time_s: float
    solve_time_s: float
    solver_time_s: float
    message: str

    @property
    def flagged(self) -> bool:
        return self.status.has_plan and self.status is not SolveStatus.OPTIMAL

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status.value
        out["flagged"] = self.flagged
        return out


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """Relative MIP gap from incumbent and bound.

    Example:
        >>> relative_gap(101.0, 100.0)
        0.009900990099009901
        >>> relative_gap(0.5, 0.0)
        0.5
    """
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return max(0.0, objective - bound) / max(abs(objective), 1.0)


def classify(termination: TerminationCondition, has_solution: bool) -> SolveStatus:
    """Map the interface's termination condition and solution availability to a status."""
    if termination == TerminationCondition.convergenceCriteriaSatisfied and has_solution:
        return SolveStatus.OPTIMAL
    if termination == TerminationCondition.maxTimeLimit:
        return SolveStatus.TIME_LIMIT_FEASIBLE if has_solution else SolveStatus.NO_SOLUTION
    if termination in (
        TerminationCondition.provenInfeasible,
        TerminationCondition.locallyInfeasible,
    ):
        return SolveStatus.INFEASIBLE
    if termination == TerminationCondition.infeasibleOrUnbounded:
        return SolveStatus.INFEASIBLE
    if termination == TerminationCondition.unbounded:
        return SolveStatus.UNBOUNDED
    if has_solution:
        return SolveStatus.LIMIT_FEASIBLE
    if termination in (
        TerminationCondition.iterationLimit,
        TerminationCondition.objectiveLimit,
        TerminationCondition.interrupted,
    ):
        return SolveStatus.NO_SOLUTION
    return SolveStatus.ERROR


class ClusterSolver:
    """A persistent HiGHS solver bound to one ``ClusterModel``.

    Args:
        cluster: the model.
        settings: gap, time limit, threads and raw HiGHS options.
    """

    def __init__(self, cluster: ClusterModel, settings: SolverConfig):
        self.cluster = cluster
        self.settings = settings
        self._solver = Highs()
        if not self._solver.available():
            raise SolverError("HiGHS is not available: install highspy >= 1.15.1")
        self._first = True
        self._cuts_seen = 0
        self._highs_clock_s = 0.0  # HiGHS reports its run time cumulated over a persistent instance

    def solve(
        self, *, time_limit_s: float | None = None, mip_rel_gap: float | None = None
    ) -> SolveResult:
        """Solve (or re-solve after ``set_data``/``set_states``/new cuts) and load the plan.

        Returns:
            The result; a time limit with an incumbent is ``TIME_LIMIT_FEASIBLE`` with the
            incumbent loaded, not an exception.
        """
        s = self.settings
        options: dict[str, Any] = {"output_flag": False, **s.options}
        kwargs: dict[str, Any] = {
            "load_solutions": False,
            "raise_exception_on_nonoptimal_result": False,
            "time_limit": time_limit_s or s.time_limit_s,
            "rel_gap": s.mip_rel_gap if mip_rel_gap is None else mip_rel_gap,
            "threads": s.threads,
            "solver_options": options,
        }
        if not self._first:
            self._push_new_cuts()
            objective_changed = self.cluster.m.objective.expr is not self._objective_expr
            kwargs["auto_updates"] = {
                "check_for_new_or_removed_constraints": False,
                "check_for_new_or_removed_vars": False,
                "check_for_new_or_removed_params": False,
                "check_for_new_objective": False,
                "update_constraints": False,
                "update_vars": False,
                "update_named_expressions": False,
                "update_objective": objective_changed,
                "update_parameters": True,
            }
        build_time = self.cluster.build_time_s if self._first else 0.0
        started = time.perf_counter()
        try:
            results = self._solver.solve(self.cluster.m, **kwargs)
        except (RuntimeError, ValueError) as err:
            raise SolverError(f"HiGHS failed on {self.cluster.scenario.name}: {err}") from err
        self._first = False
        self._cuts_seen = len(self.cluster.m.component("network-cuts"))
        self._objective_expr = self.cluster.m.objective.expr
        wall = time.perf_counter() - started
        has_solution = results.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
        if has_solution:
            results.solution_loader.load_vars()
        status = classify(results.termination_condition, has_solution)
        objective = results.incumbent_objective if has_solution else None
        bound = results.objective_bound
        if bound is not None and not math.isfinite(bound):
            bound = None
        gap = relative_gap(objective, bound)
        clock = float(getattr(results.timing_info, "highs_time", 0.0) or 0.0)
        solver_time = clock - self._highs_clock_s if clock >= self._highs_clock_s else clock
        self._highs_clock_s = clock
        message = _message(status, objective, gap, time_limit_s or s.time_limit_s)
        log = logger.warning if status is not SolveStatus.OPTIMAL else logger.info
        log("%s: %s", self.cluster.scenario.name, message)
        return SolveResult(
            status=status,
            termination=str(results.termination_condition.name),
            objective_pln=objective,
            best_bound_pln=bound,
            gap=gap,
            build_time_s=build_time,
            solve_time_s=wall,
            solver_time_s=solver_time,
            message=message,
        )

    def _push_new_cuts(self) -> None:
        self.cluster.commit_network_cuts()
        cuts = self.cluster.m.component("network-cuts")
        if len(cuts) > self._cuts_seen:
            new = [cuts[i] for i in range(self._cuts_seen + 1, len(cuts) + 1)]
            self._solver.add_constraints(new)
            self._cuts_seen = len(cuts)


def _message(
    status: SolveStatus, objective: float | None, gap: float | None, limit_s: float
) -> str:
    obj = "-" if objective is None else f"{objective:,.0f} PLN"
    gap_text = "-" if gap is None else f"{gap:.3%}"
    texts = {
        SolveStatus.OPTIMAL: f"optimal, objective {obj}, gap {gap_text}",
        SolveStatus.TIME_LIMIT_FEASIBLE: f"time limit {limit_s:g} s reached; best plan found returned (objective {obj}, gap {gap_text})",
        SolveStatus.LIMIT_FEASIBLE: f"a solver limit was reached; best plan found returned (objective {obj}, gap {gap_text})",
        SolveStatus.NO_SOLUTION: f"no plan found within the limits ({limit_s:g} s)",
        SolveStatus.INFEASIBLE: "infeasible: hard limits (fuel stocks, storage bounds, initial states) cannot all hold",
        SolveStatus.UNBOUNDED: "unbounded: a cost has no lower limit (check negative prices without a limit)",
        SolveStatus.ERROR: "the solver failed",
    }
    return texts[status]


def solve_model(cluster: ClusterModel, settings: SolverConfig | None = None) -> SolveResult:
    """Solve once with the scenario's solver settings (or ``settings``)."""
    return ClusterSolver(cluster, settings or cluster.scenario.config.solver).solve()
