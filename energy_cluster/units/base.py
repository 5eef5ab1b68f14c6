"""The base of every block builder: naming, schedules, state carried between windows, checks."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np
import pyomo.environ as pyo

from energy_cluster.config_units import UnitConfig
from energy_cluster.context import BuildContext
from energy_cluster.enums import Carrier, UnitType

logger = logging.getLogger(__name__)

Schedule = dict[str, np.ndarray]  # attr -> values per step
State = dict[str, Any]


class UnitBlock(ABC):
    """Builds one unit's variables and constraints into the shared model.

    Subclasses set ``unit_types`` and implement ``build``; they override the other hooks where
    the unit has state (storage, fuel stock, commitment) or physics worth checking.
    """

    unit_types: ClassVar[tuple[UnitType, ...]] = ()
    carriers_out: ClassVar[tuple[Carrier, ...]] = ()

    def __init__(self, cfg: UnitConfig, ctx: BuildContext):
        self.cfg = cfg
        self.ctx = ctx
        self.name = cfg.name
        self._vars: list[str] = []

    # ---- construction helpers -------------------------------------------------------------
    def var(self, attr: str, **kwargs: Any) -> pyo.Var:
        """A T-indexed variable named ``"{unit}-{attr}"`` (non-negative unless told)."""
        kwargs.setdefault("within", pyo.NonNegativeReals)
        var = pyo.Var(self.ctx.T, **kwargs)
        self.ctx.m.add_component(f"{self.name}-{attr}", var)
        self._vars.append(attr)
        return var

    def con(self, attr: str, rule: Any, index: Any = None) -> pyo.Constraint:
        """A constraint named ``"{unit}-{attr}"`` over T (or ``index``); rule(m, t) as in Pyomo."""
        cons = pyo.Constraint(self.ctx.T if index is None else index, rule=rule)
        self.ctx.m.add_component(f"{self.name}-{attr}", cons)
        return cons

    def con_single(self, attr: str, expr: Any) -> pyo.Constraint:
        """A single (not time-indexed) constraint named ``"{unit}-{attr}"``."""
        cons = pyo.Constraint(expr=expr)
        self.ctx.m.add_component(f"{self.name}-{attr}", cons)
        return cons

    def param(self, attr: str, value: float, index: Any = None) -> pyo.Param:
        """A mutable Param ``"{unit}-{attr}"``: scalar, or over ``index``."""
        if index is None:
            param = pyo.Param(mutable=True, initialize=value, within=pyo.Reals)
        else:
            param = pyo.Param(index, mutable=True, initialize=value, within=pyo.Reals)
        self.ctx.m.add_component(f"{self.name}-{attr}", param)
        return param

    def component(self, attr: str) -> Any:
        return self.ctx.m.component(f"{self.name}-{attr}")

    @property
    def dt(self) -> float:
        return self.ctx.step_h

    @property
    def n(self) -> int:
        return self.ctx.steps

    # ---- hooks ----------------------------------------------------------------------------
    @abstractmethod
    def build(self) -> None:
        """Add the unit's variables, constraints, injections and costs."""

    def schedule(self) -> Schedule:
        """Solved values of every variable of the unit, by attribute."""
        out: Schedule = {}
        for attr in self._vars:
            var = self.component(attr)
            out[attr] = np.array([var[t].value or 0.0 for t in range(self.n)], dtype=float)
        return out

    def serves(self, carrier: Carrier) -> bool:
        """True when the unit can deliver into ``carrier``'s balance."""
        return carrier in self.carriers_out

    def output_mw(self, schedule: Schedule, carrier: Carrier) -> np.ndarray:
        """Net output (MW) into ``carrier`` per step, from a schedule of this unit."""
        return np.zeros(self.n)

    def available_mw(self, carrier: Carrier, data: dict[str, np.ndarray]) -> np.ndarray:
        """The most the unit could deliver into ``carrier`` per step, ignoring its state."""
        return np.zeros(self.n)

    def state_after(self, k: int) -> State:
        """The state at the end of step ``k`` of the solved window (to start the next one)."""
        return {}

    def set_state(self, state: State) -> None:
        """Start the next solve from ``state`` (as returned by ``state_after``)."""
        return None

    def initial_state(self) -> State:
        """The state the scenario starts from."""
        return {}

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        """Physical invariants of the solved schedule; returns the violations found."""
        return []

    def limitation(
        self, carrier: Carrier, t: int, schedule: Schedule, data: dict[str, np.ndarray]
    ) -> str | None:
        """Why the unit delivered less than ``available_mw`` at step t, if it did."""
        return None

    def value(self, value: Any, data: dict[str, np.ndarray]) -> np.ndarray:
        """A ``Value`` field as an array over the steps, from the window's series data."""
        if isinstance(value, str):
            return np.asarray(data[value], dtype=float)
        return np.full(self.n, float(value))
