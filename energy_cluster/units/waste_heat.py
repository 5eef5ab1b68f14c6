"""Industrial waste heat: taken up to availability x capacity at a price."""

from __future__ import annotations

import numpy as np

from energy_cluster.config_units import WasteHeatConfig
from energy_cluster.enums import Carrier, CostCategory, UnitType
from energy_cluster.units.base import Schedule, UnitBlock
from energy_cluster.units.registry import register


@register
class WasteHeatBlock(UnitBlock):
    """``q_th_mw <= q_th_max_mw * availability``; unused heat stays at the source."""

    unit_types = (UnitType.WASTE_HEAT,)
    carriers_out = (Carrier.HEAT,)
    cfg: WasteHeatConfig

    def build(self) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        q = self.var("q_th_mw", bounds=(0, cfg.q_th_max_mw))
        self.con(
            "available", lambda m, t: q[t] <= cfg.q_th_max_mw * ctx.value_at(cfg.availability, t)
        )
        ctx.add_injection(Carrier.HEAT, cfg.heat_node, q)
        ctx.add_cost(
            self.name,
            CostCategory.FUEL,
            lambda t: (ctx.value_at(cfg.price_pln_per_mwh, t) + cfg.om_pln_per_mwh) * q[t] * dt,
        )

    def output_mw(self, schedule: Schedule, carrier: Carrier) -> np.ndarray:
        return schedule["q_th_mw"] if carrier is Carrier.HEAT else np.zeros(self.n)

    def available_mw(self, carrier: Carrier, data: dict[str, np.ndarray]) -> np.ndarray:
        if carrier is not Carrier.HEAT:
            return np.zeros(self.n)
        return self.cfg.q_th_max_mw * self.value(self.cfg.availability, data)

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        avail = self.available_mw(Carrier.HEAT, data)
        bad = np.flatnonzero(schedule["q_th_mw"] > avail + tol)
        return [
            f"{self.name}: heat {schedule['q_th_mw'][t]:.6g} above available {avail[t]:.6g} at step {t}"
            for t in bad[:3]
        ]
