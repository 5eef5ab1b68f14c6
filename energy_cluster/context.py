"""What block builders share while a cluster model is assembled.

Builders add variables and constraints named ``"{unit}-{attr}"`` to one Pyomo model, register
their injections into the carrier balances and their cost terms; the assembler
(``energy_cluster.model``) writes the balances and the objective from those registrations.
Time-varying data are mutable Params (one per scenario series) so a rolling horizon can update
them and re-solve without rebuilding the model.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyomo.environ as pyo

from energy_cluster.config import PenaltiesConfig, ScenarioConfig
from energy_cluster.config_units import Value
from energy_cluster.enums import Carrier, CostCategory

logger = logging.getLogger(__name__)

Term = tuple[float, Any]  # (sign, a T-indexed Var/Expression)
PerStep = Callable[[int], Any]  # t -> expression of one step


@dataclass
class BuildContext:
    """The model under construction and the registrations of the builders.

    Attributes:
        m: the Pyomo model.
        config: the scenario.
        steps: number of time steps.
        step_h: step length in hours.
        el_terms: electricity injections per bus (MW, positive into the bus).
        heat_terms: heat injections per heat node (MW).
        costs: per-step cost terms (PLN in step t) per (unit, category).
        co2: per-step direct CO2 terms (t in step t) per unit.
        series_params: the mutable Param of each series used by the model.
    """

    m: pyo.ConcreteModel
    config: ScenarioConfig
    steps: int
    step_h: float
    el_terms: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    heat_terms: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    costs: dict[tuple[str, CostCategory], list[PerStep]] = field(
        default_factory=lambda: defaultdict(list)
    )
    co2: dict[str, list[PerStep]] = field(default_factory=lambda: defaultdict(list))
    series_params: dict[str, pyo.Param] = field(default_factory=dict)

    @property
    def T(self) -> pyo.Set:  # noqa: N802 - the conventional name of the time set
        return self.m.T

    @property
    def penalties(self) -> PenaltiesConfig:
        return self.config.penalties

    def series(self, name: str) -> pyo.Param:
        """The mutable Param holding series ``name`` (created on first use)."""
        if name not in self.series_params:
            param = pyo.Param(self.m.T, mutable=True, initialize=0.0, within=pyo.Reals)
            self.m.add_component(f"series-{name}", param)
            self.series_params[name] = param
        return self.series_params[name]

    def value_at(self, value: Value, t: int) -> Any:
        """A ``Value`` field at step t: the constant, or the series Param entry."""
        if isinstance(value, str):
            return self.series(value)[t]
        return float(value)

    def add_injection(self, carrier: Carrier, node: str, component: Any, sign: float = 1.0) -> None:
        """Register a T-indexed component as an injection (MW) into a bus or heat node."""
        terms = self.el_terms if carrier is Carrier.ELECTRICITY else self.heat_terms
        terms[node].append((sign, component))

    def add_cost(self, unit: str, category: CostCategory, per_step: PerStep) -> None:
        """Register a cost: ``per_step(t)`` is the PLN spent in step t (energy = MW x step_h)."""
        self.costs[(unit, category)].append(per_step)

    def add_co2(self, unit: str, per_step: PerStep) -> None:
        """Register direct CO2 emissions: ``per_step(t)`` tonnes in step t."""
        self.co2[unit].append(per_step)

    def co2_price_pln_per_t(self, t: int) -> Any:
        prices = self.config.prices
        return self.value_at(prices.co2_eur_per_t, t) * prices.eur_pln
