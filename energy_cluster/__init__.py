"""The KOF energy cluster: balance the members' demand with their units (Pyomo MILP on HiGHS).

Public names::

    load_scenario(path) -> Scenario                 scenario file, validated (ScenarioError)
    plan_scenario(scenario, network_check=...)      one solve of the horizon -> PlanResult
    run_rolling(scenario, days, mode=...)           rolling horizon -> RollingResult
    ClusterModel, ClusterSolver, SolveResult        the model, the persistent solver, the outcome

See energy_cluster/README.md for the scenario format.
"""

from energy_cluster.enums import Carrier, RollingMode, SolveStatus, UnitType
from energy_cluster.exceptions import ClusterError, NetworkCheckError, ScenarioError, SolverError
from energy_cluster.model import ClusterModel
from energy_cluster.planner import plan_scenario
from energy_cluster.results import PlanResult
from energy_cluster.rolling import RollingResult, run_rolling
from energy_cluster.scenario import Scenario, load_scenario
from energy_cluster.solve import ClusterSolver, SolveResult

__all__ = [
    "Carrier",
    "ClusterError",
    "ClusterModel",
    "ClusterSolver",
    "NetworkCheckError",
    "PlanResult",
    "RollingMode",
    "RollingResult",
    "Scenario",
    "ScenarioError",
    "SolveResult",
    "SolveStatus",
    "SolverError",
    "UnitType",
    "load_scenario",
    "plan_scenario",
    "run_rolling",
]
