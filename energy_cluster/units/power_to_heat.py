"""Heat pumps and electric boilers: ``q_th = cop * p_el``."""

from __future__ import annotations

from typing import Any

import numpy as np

from energy_cluster.config_units import PowerToHeatConfig
from energy_cluster.enums import Carrier, CostCategory, UnitType
from energy_cluster.units.base import Schedule
from energy_cluster.units.commitment import Commitment, CommittedBlock
from energy_cluster.units.registry import register


@register
class PowerToHeatBlock(CommittedBlock):
    """Electricity in (``p_el_mw``), heat out (``q_th_mw``); COP constant or a series."""

    unit_types = (UnitType.HEAT_PUMP, UnitType.ELECTRIC_BOILER)
    carriers_out = (Carrier.HEAT,)
    cfg: PowerToHeatConfig
    uc: Commitment | None

    def build(self) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        p = self.p = self.var("p_el_mw", bounds=(0, cfg.count * cfg.p_el_max_mw))
        q = self.var("q_th_mw")
        self.con("cop", lambda m, t: q[t] == ctx.value_at(cfg.cop, t) * p[t])
        needs_uc = (
            cfg.p_el_min_mw > 0
            or cfg.min_up_h > 0
            or cfg.min_down_h > 0
            or cfg.startup_cost_pln > 0
        )
        self.uc = Commitment(self, cfg, y_min_mw=cfg.p_el_min_mw) if needs_uc else None
        if self.uc is not None:
            on = self.uc.on
            self.con("p_min", lambda m, t: p[t] >= cfg.p_el_min_mw * on[t])
            self.con("p_max", lambda m, t: p[t] <= cfg.p_el_max_mw * on[t])
            self.uc.add_ramps(p, cfg.count * cfg.p_el_max_mw)
        ctx.add_injection(Carrier.ELECTRICITY, cfg.bus, p, -1.0)
        ctx.add_injection(Carrier.HEAT, cfg.heat_node, q)
        if cfg.om_pln_per_mwh:
            ctx.add_cost(self.name, CostCategory.OM, lambda t: cfg.om_pln_per_mwh * q[t] * dt)

    def output_mw(self, schedule: Schedule, carrier: Carrier) -> np.ndarray:
        return schedule["q_th_mw"] if carrier is Carrier.HEAT else -schedule["p_el_mw"]

    def available_mw(self, carrier: Carrier, data: dict[str, np.ndarray]) -> np.ndarray:
        if carrier is not Carrier.HEAT:
            return np.zeros(self.n)
        return self.cfg.count * self.cfg.p_el_max_mw * self.value(self.cfg.cop, data)

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        cop = self.value(self.cfg.cop, data)
        p, q = schedule["p_el_mw"], schedule["q_th_mw"]
        problems = [
            f"{self.name}: heat {q[t]:.6g} != cop*power {cop[t] * p[t]:.6g} at step {t}"
            for t in np.flatnonzero(np.abs(q - cop * p) > tol)[:3]
        ]
        if "on" in schedule:
            on = np.round(schedule["on"])
            low = np.flatnonzero(p < self.cfg.p_el_min_mw * on - tol)
            problems += [f"{self.name}: on below its minimum load at step {t}" for t in low[:3]]
        return problems

    def _uc_output(self) -> Any:
        return self.p
