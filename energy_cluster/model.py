"""Assemble one Pyomo model from the scenario's units: balances per carrier, slacks, objective.

Balances (MW, every step t)::

    electricity:  sum(unit injections) + sum(unserved_d) - dumped_el = sum(demand_d)
    heat, node n: sum(unit injections at n) + sum(unserved_d at n) - dumped_heat_n = sum(demand_d at n)

Unserved demand and dumped energy are penalised slacks, so every scenario solves and the result
says which demand could not be met, when, and why. The model is built once for a number of
steps; series (mutable Params) and unit states can be changed and the model solved again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from energy_cluster.context import BuildContext
from energy_cluster.enums import Carrier, CostCategory
from energy_cluster.scenario import Scenario
from energy_cluster.units.base import Schedule, State, UnitBlock
from energy_cluster.units.registry import builder_for

logger = logging.getLogger(__name__)

CLUSTER = "cluster"  # owner name of the cluster-wide slacks
NETWORK = "network"  # owner name of the network-cut slack


class ClusterModel:
    """The cluster's Pyomo model and its blocks.

    Args:
        scenario: the scenario (its units, demands and settings).
        steps: number of steps (default: the scenario's horizon).
        data: the series for the first solve (default: the scenario's series on its horizon).

    Example:
        >>> cluster = ClusterModel(load_scenario("kof.yaml"))  # doctest: +SKIP
        >>> result = ClusterSolver(cluster, cluster.scenario.config.solver).solve()  # doctest: +SKIP

    Attributes:
        scenario: the scenario the model was built from.
        steps, step_h: the time grid.
        m: the Pyomo model.
        blocks: the unit blocks by unit name.
        build_time_s: seconds spent building.
    """

    def __init__(
        self,
        scenario: Scenario,
        steps: int | None = None,
        data: Mapping[str, np.ndarray] | None = None,
    ):
        started = time.perf_counter()
        cfg = scenario.config
        self.scenario = scenario
        self.steps = steps or cfg.horizon.steps
        self.step_h = cfg.horizon.step_h
        m = self.m = pyo.ConcreteModel(name=cfg.name)
        m.T = pyo.Set(initialize=range(self.steps), ordered=True)
        ctx = self.ctx = BuildContext(m=m, config=cfg, steps=self.steps, step_h=self.step_h)
        self.blocks: dict[str, UnitBlock] = {}
        for unit in cfg.units:
            block = builder_for(unit.type)(unit, ctx)
            block.build()
            self.blocks[unit.name] = block
        self._build_balances()
        self._build_objective()
        m.add_component("network-cuts", pyo.ConstraintList())
        self.initial_states = {name: block.initial_state() for name, block in self.blocks.items()}
        self.set_data(scenario.all_series() if data is None else data)
        self.build_time_s = time.perf_counter() - started
        logger.info(
            "built %s: %d steps, %d variables, %d constraints in %.2f s",
            cfg.name,
            self.steps,
            m.nvariables(),
            m.nconstraints(),
            self.build_time_s,
        )

    # ---- construction -------------------------------------------------------------------
    def _build_balances(self) -> None:
        m, ctx, cfg, dt = self.m, self.ctx, self.scenario.config, self.step_h
        penalties = cfg.penalties
        self.unserved: dict[str, pyo.Var] = {}
        for demand in cfg.demands:
            var = pyo.Var(m.T, within=pyo.NonNegativeReals)
            m.add_component(f"{demand.name}-unserved_mw", var)
            self.unserved[demand.name] = var
            default = (
                penalties.unserved_el_pln_per_mwh
                if demand.carrier is Carrier.ELECTRICITY
                else penalties.unserved_heat_pln_per_mwh
            )
            price = demand.unserved_penalty_pln_per_mwh or default
            ctx.add_cost(
                demand.name,
                CostCategory.PENALTY_UNSERVED,
                lambda t, price=price, var=var: price * var[t] * dt,
            )
        dumped_el = pyo.Var(m.T, within=pyo.NonNegativeReals)
        m.add_component(f"{CLUSTER}-dumped_el_mw", dumped_el)
        ctx.add_cost(
            CLUSTER,
            CostCategory.PENALTY_DUMPED,
            lambda t: penalties.dumped_el_pln_per_mwh * dumped_el[t] * dt,
        )
        el_demands = [d for d in cfg.demands if d.carrier is Carrier.ELECTRICITY]

        def el_balance(m: Any, t: int) -> Any:
            supply = sum(sign * comp[t] for terms in ctx.el_terms.values() for sign, comp in terms)
            served = sum(self.unserved[d.name][t] for d in el_demands)
            return supply + served - dumped_el[t] == sum(
                d.scale * ctx.series(d.series)[t] for d in el_demands
            )

        m.add_component("balance-electricity", pyo.Constraint(m.T, rule=el_balance))
        self.dumped_heat: dict[str, pyo.Var] = {}
        for node in cfg.heat_nodes:
            dumped = pyo.Var(m.T, within=pyo.NonNegativeReals)
            m.add_component(f"{node}-dumped_heat_mw", dumped)
            self.dumped_heat[node] = dumped
            ctx.add_cost(
                node,
                CostCategory.PENALTY_DUMPED,
                lambda t, dumped=dumped: penalties.dumped_heat_pln_per_mwh * dumped[t] * dt,
            )
            demands = [d for d in cfg.demands if d.carrier is Carrier.HEAT and d.heat_node == node]

            def heat_balance(
                m: Any, t: int, node: str = node, demands: list[Any] = demands, dumped: Any = dumped
            ) -> Any:
                supply = sum(sign * comp[t] for sign, comp in ctx.heat_terms.get(node, []))
                served = sum(self.unserved[d.name][t] for d in demands)
                return supply + served - dumped[t] == sum(
                    d.scale * ctx.series(d.series)[t] for d in demands
                )

            m.add_component(f"balance-heat-{node}", pyo.Constraint(m.T, rule=heat_balance))
        # Network cuts (added by the network check) each get a slack priced at
        # ``network_pln_per_mwh``, so they never make a plan infeasible.
        m.add_component(
            f"{NETWORK}-cut_slack_mw", pyo.Var(pyo.Any, dense=False, within=pyo.NonNegativeReals)
        )
        self.cut_steps: dict[int, int] = {}

    def _build_objective(self) -> None:
        m, ctx = self.m, self.ctx
        self.cost_exprs: dict[tuple[str, CostCategory], pyo.Expression] = {}
        for (owner, category), terms in ctx.costs.items():
            named = pyo.Expression(m.T, rule=lambda m, t, terms=terms: sum(f(t) for f in terms))
            m.add_component(f"{owner}-cost_{category.value}_pln", named)
            self.cost_exprs[(owner, category)] = named
        self.co2_exprs: dict[str, pyo.Expression] = {}
        for owner, terms in ctx.co2.items():
            named = pyo.Expression(m.T, rule=lambda m, t, terms=terms: sum(f(t) for f in terms))
            m.add_component(f"{owner}-co2_t", named)
            self.co2_exprs[owner] = named
        self._pending_penalties: list[Any] = []
        m.objective = pyo.Objective(
            expr=sum(e[t] for e in self.cost_exprs.values() for t in m.T), sense=pyo.minimize
        )

    # ---- data and state -----------------------------------------------------------------
    def set_data(self, data: Mapping[str, np.ndarray]) -> None:
        """Set every series Param from ``data`` (arrays of at least ``steps`` values)."""
        for name, param in self.ctx.series_params.items():
            if name not in data:
                continue
            values = np.asarray(data[name], dtype=float)
            if len(values) < self.steps:
                raise ValueError(f"series {name!r}: {len(values)} values for {self.steps} steps")
            for t in range(self.steps):
                param[t].set_value(float(values[t]))
        self.data = {
            name: np.asarray(values, dtype=float)[: self.steps] for name, values in data.items()
        }

    def set_states(self, states: Mapping[str, State]) -> None:
        """Start from these unit states (as returned by ``states_after``)."""
        for name, state in states.items():
            self.blocks[name].set_state(state)

    def states_after(self, k: int) -> dict[str, State]:
        """Every unit's state at the end of step ``k`` of the solved window."""
        return {name: block.state_after(k) for name, block in self.blocks.items()}

    # ---- network ------------------------------------------------------------------------
    def bus_injection(self, bus: str, t: int) -> Any:
        """Net injection (MW) at an electrical bus at step t: units minus served demand."""
        cfg = self.scenario.config
        expr: Any = sum(sign * comp[t] for sign, comp in self.ctx.el_terms.get(bus, []))
        for demand in cfg.demands:
            share = (demand.buses or {}).get(bus)
            if share:
                served = (
                    demand.scale * self.ctx.series(demand.series)[t] - self.unserved[demand.name][t]
                )
                expr = expr - share * served
        return expr

    # ---- results ------------------------------------------------------------------------
    def unit_schedules(self) -> dict[str, Schedule]:
        return {name: block.schedule() for name, block in self.blocks.items()}

    def slack_values(self) -> dict[str, np.ndarray]:
        out = {
            f"{name}-unserved_mw": _values(var, self.steps) for name, var in self.unserved.items()
        }
        out[f"{CLUSTER}-dumped_el_mw"] = _values(
            self.m.component(f"{CLUSTER}-dumped_el_mw"), self.steps
        )
        for node, var in self.dumped_heat.items():
            out[f"{node}-dumped_heat_mw"] = _values(var, self.steps)
        out[f"{NETWORK}-slack_mw"] = self.network_slack_values()
        return out

    def network_slack_values(self) -> np.ndarray:
        """Sum of the network-cut slacks per step (MW; zero when every cut holds)."""
        slack = self.m.component(f"{NETWORK}-cut_slack_mw")
        out = np.zeros(self.steps)
        for k, t in self.cut_steps.items():
            out[t] += slack[k].value or 0.0
        return out

    def add_network_cut(
        self, t: int, lhs: Any, upper: float | None = None, lower: float | None = None
    ) -> None:
        """Add ``lower <= lhs <= upper`` at step t, relaxed by a penalised slack."""
        cuts = self.m.component("network-cuts")
        slack = self.m.component(f"{NETWORK}-cut_slack_mw")
        k = len(self.cut_steps)
        self.cut_steps[k] = t
        if upper is not None:
            cuts.add(lhs <= upper + slack[k])
        if lower is not None:
            cuts.add(lhs >= lower - slack[k])
        price = self.scenario.config.penalties.network_pln_per_mwh * self.step_h
        self._pending_penalties.append(price * slack[k])

    def commit_network_cuts(self) -> None:
        """Add the penalties of the cuts added since the last call to the objective."""
        if self._pending_penalties:
            self.m.objective.expr = self.m.objective.expr + sum(self._pending_penalties)
            self._pending_penalties = []

    def demand_values(self, data: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        data = self.data if data is None else data
        return {
            f"{d.name}-demand_mw": d.scale * np.asarray(data[d.series])[: self.steps]
            for d in self.scenario.config.demands
        }

    def schedule_frame(self, index: pd.DatetimeIndex) -> pd.DataFrame:
        """Every variable per step, columns ``"{unit}-{attr}"``, plus demands and slacks."""
        columns: dict[str, np.ndarray] = {}
        for name, schedule in self.unit_schedules().items():
            for attr, values in schedule.items():
                columns[f"{name}-{attr}"] = values
        columns.update(self.demand_values())
        columns.update(self.slack_values())
        return pd.DataFrame(columns, index=index[: self.steps])

    def cost_frame(self, index: pd.DatetimeIndex) -> pd.DataFrame:
        """Cost per step (PLN), columns ``"{owner}-cost_{category}_pln"``."""
        return pd.DataFrame(
            {
                f"{owner}-cost_{category.value}_pln": _expr_values(expr, self.steps)
                for (owner, category), expr in self.cost_exprs.items()
            },
            index=index[: self.steps],
        ).assign(
            **{
                f"{NETWORK}-cost_{CostCategory.PENALTY_NETWORK.value}_pln": self.network_slack_values()
                * self.scenario.config.penalties.network_pln_per_mwh
                * self.step_h
            }
        )

    def co2_frame(self, index: pd.DatetimeIndex) -> pd.DataFrame:
        """Direct CO2 per step (t), columns ``"{owner}-co2_t"``."""
        return pd.DataFrame(
            {
                f"{owner}-co2_t": _expr_values(expr, self.steps)
                for owner, expr in self.co2_exprs.items()
            },
            index=index[: self.steps],
        )


def _expr_values(expr: pyo.Expression, steps: int) -> np.ndarray:
    return np.array([pyo.value(expr[t]) for t in range(steps)], dtype=float)


def _values(var: pyo.Var, steps: int) -> np.ndarray:
    return np.array([var[t].value or 0.0 for t in range(steps)], dtype=float)
