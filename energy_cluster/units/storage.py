"""Batteries and heat storage tanks: losses, efficiencies, bounds and an end-of-horizon rule.

``e[t] = e[t-1]*(1-loss_per_h)**dt + (eta_charge*charge[t] - discharge[t]/eta_discharge)*dt``
with ``e`` the content at the end of step t. With ``exclusive`` a binary per step forbids
charging and discharging at once (otherwise an LP could burn energy through the losses).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo

from energy_cluster.config_units import StorageConfig
from energy_cluster.enums import Carrier, CostCategory, EndRule, UnitType
from energy_cluster.units.base import Schedule, State, UnitBlock
from energy_cluster.units.registry import register


@register
class StorageBlock(UnitBlock):
    """``charge_mw``, ``discharge_mw`` and the content ``e_mwh``."""

    unit_types = (UnitType.BATTERY, UnitType.HEAT_STORAGE)
    cfg: StorageConfig

    @property
    def carrier(self) -> Carrier:
        return Carrier.ELECTRICITY if self.cfg.type is UnitType.BATTERY else Carrier.HEAT

    @property
    def keep(self) -> float:
        return (1.0 - self.cfg.loss_per_h) ** self.dt

    def build(self) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        charge = self.var("charge_mw", bounds=(0, cfg.p_charge_max_mw))
        discharge = self.var("discharge_mw", bounds=(0, cfg.p_discharge_max_mw))
        e = self.e = self.var("e_mwh", bounds=(cfg.e_min_mwh, cfg.e_max_mwh))
        self.init_e = self.param("init_e_mwh", cfg.initial_mwh)
        keep = self.keep

        def continuity(m: Any, t: int) -> Any:
            previous = e[t - 1] if t > 0 else self.init_e
            return (
                e[t]
                == keep * previous
                + (cfg.eta_charge * charge[t] - discharge[t] / cfg.eta_discharge) * dt
            )

        self.con("continuity", continuity)
        last = self.n - 1
        if cfg.end_rule is EndRule.AT_LEAST_INITIAL:
            self.con_single("end_state", e[last] >= self.init_e)
        elif cfg.end_rule is EndRule.EQUAL_INITIAL:
            self.con_single("end_state", e[last] == self.init_e)
        if cfg.exclusive:
            mode = self.var("charging", within=pyo.Binary)
            self.con("charge_mode", lambda m, t: charge[t] <= cfg.p_charge_max_mw * mode[t])
            self.con(
                "discharge_mode",
                lambda m, t: discharge[t] <= cfg.p_discharge_max_mw * (1 - mode[t]),
            )
        node = cfg.bus if self.carrier is Carrier.ELECTRICITY else cfg.heat_node
        assert node is not None
        ctx.add_injection(self.carrier, node, discharge, +1.0)
        ctx.add_injection(self.carrier, node, charge, -1.0)
        if cfg.wear_pln_per_mwh:
            ctx.add_cost(
                self.name,
                CostCategory.WEAR,
                lambda t: cfg.wear_pln_per_mwh * discharge[t] * dt,
            )

    def serves(self, carrier: Carrier) -> bool:
        return carrier is self.carrier

    def output_mw(self, schedule: Schedule, carrier: Carrier) -> np.ndarray:
        if carrier is not self.carrier:
            return np.zeros(self.n)
        return schedule["discharge_mw"] - schedule["charge_mw"]

    def available_mw(self, carrier: Carrier, data: dict[str, np.ndarray]) -> np.ndarray:
        return np.full(self.n, self.cfg.p_discharge_max_mw if carrier is self.carrier else 0.0)

    def cycles(self, schedule: Schedule) -> float:
        """Equivalent full cycles: energy discharged over usable capacity."""
        usable = self.cfg.e_max_mwh - self.cfg.e_min_mwh
        return float(schedule["discharge_mw"].sum() * self.dt / usable)

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        cfg = self.cfg
        e, c, d = schedule["e_mwh"], schedule["charge_mw"], schedule["discharge_mw"]
        previous = np.r_[pyo.value(self.init_e), e[:-1]]
        expected = self.keep * previous + (cfg.eta_charge * c - d / cfg.eta_discharge) * self.dt
        problems = [
            f"{self.name}: content {e[t]:.6g} != {expected[t]:.6g} at step {t} (continuity)"
            for t in np.flatnonzero(np.abs(e - expected) > tol)[:3]
        ]
        problems += [
            f"{self.name}: content {e[t]:.6g} outside bounds at step {t}"
            for t in np.flatnonzero((e < cfg.e_min_mwh - tol) | (e > cfg.e_max_mwh + tol))[:3]
        ]
        if cfg.exclusive:
            problems += [
                f"{self.name}: charges and discharges at once at step {t}"
                for t in np.flatnonzero((c > tol) & (d > tol))[:3]
            ]
        return problems

    def initial_state(self) -> State:
        return {"e_mwh": self.cfg.initial_mwh}

    def state_after(self, k: int) -> State:
        return {"e_mwh": float(self.e[k].value or 0.0)}

    def set_state(self, state: State) -> None:
        value = min(self.cfg.e_max_mwh, max(self.cfg.e_min_mwh, state["e_mwh"]))
        self.init_e.set_value(value)

    def limitation(
        self, carrier: Carrier, t: int, schedule: Schedule, data: dict[str, np.ndarray]
    ) -> str | None:
        if carrier is not self.carrier:
            return None
        if schedule["e_mwh"][t] <= self.cfg.e_min_mwh + 1e-6:
            return "empty"
        if schedule["e_mwh"].min() <= self.cfg.e_min_mwh + 1e-6:
            return "runs empty within the horizon"
        return None
