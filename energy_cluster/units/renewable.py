"""PV and wind: output up to availability x capacity; the rest is curtailment."""

from __future__ import annotations

import numpy as np

from energy_cluster.config_units import RenewableConfig
from energy_cluster.enums import Carrier, CostCategory, UnitType
from energy_cluster.units.base import Schedule, UnitBlock
from energy_cluster.units.registry import register


@register
class RenewableBlock(UnitBlock):
    """``p_el_mw + curtail_mw = p_el_max_mw * availability``."""

    unit_types = (UnitType.PV, UnitType.WIND)
    carriers_out = (Carrier.ELECTRICITY,)
    cfg: RenewableConfig

    def build(self) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        p = self.var("p_el_mw", bounds=(0, cfg.p_el_max_mw))
        curtail = self.var("curtail_mw", bounds=(0, cfg.p_el_max_mw))
        self.con(
            "available",
            lambda m, t: p[t] + curtail[t] == cfg.p_el_max_mw * ctx.value_at(cfg.availability, t),
        )
        ctx.add_injection(Carrier.ELECTRICITY, cfg.bus, p)
        if cfg.om_pln_per_mwh:
            ctx.add_cost(self.name, CostCategory.OM, lambda t: cfg.om_pln_per_mwh * p[t] * dt)

    def output_mw(self, schedule: Schedule, carrier: Carrier) -> np.ndarray:
        return schedule["p_el_mw"] if carrier is Carrier.ELECTRICITY else np.zeros(self.n)

    def available_mw(self, carrier: Carrier, data: dict[str, np.ndarray]) -> np.ndarray:
        if carrier is not Carrier.ELECTRICITY:
            return np.zeros(self.n)
        return self.cfg.p_el_max_mw * self.value(self.cfg.availability, data)

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        avail = self.available_mw(Carrier.ELECTRICITY, data)
        total = schedule["p_el_mw"] + schedule["curtail_mw"]
        bad = np.flatnonzero(np.abs(total - avail) > tol)
        return [
            f"{self.name}: output + curtailment {total[t]:.6g} != available {avail[t]:.6g} at step {t}"
            for t in bad[:3]
        ]

    def limitation(
        self, carrier: Carrier, t: int, schedule: Schedule, data: dict[str, np.ndarray]
    ) -> str | None:
        if schedule["curtail_mw"][t] > 1e-6:
            return f"curtailed {schedule['curtail_mw'][t]:.3g} MW (network limit)"
        return None
