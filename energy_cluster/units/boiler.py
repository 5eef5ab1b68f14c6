"""Heat-only boilers (``count`` identical units): commitment, part-load curve, fuel and CO2."""

from __future__ import annotations

from typing import Any

import numpy as np

from energy_cluster.config_units import BoilerConfig
from energy_cluster.enums import Carrier, CostCategory, UnitType
from energy_cluster.units.base import Schedule
from energy_cluster.units.chp import add_gas_costs
from energy_cluster.units.commitment import Commitment, CommittedBlock
from energy_cluster.units.curves import add_fuel_curve, make_curve
from energy_cluster.units.registry import register


@register
class BoilerBlock(CommittedBlock):
    """``q_th_mw`` between ``q_th_min_mw`` and ``q_th_max_mw`` per unit on; fuel from the curve."""

    unit_types = (UnitType.BOILER,)
    carriers_out = (Carrier.HEAT,)
    cfg: BoilerConfig
    uc: Commitment | None

    def build(self) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        self.curve = make_curve(cfg.q_th_min_mw, cfg.q_th_max_mw, cfg.eta_th, cfg.part_load)
        q = self.q = self.var("q_th_mw", bounds=(0, cfg.count * cfg.q_th_max_mw))
        fuel = self.var("fuel_mw")
        needs_uc = (
            cfg.q_th_min_mw > 0
            or self.curve.fuel[0] > 1e-12
            or cfg.min_up_h > 0
            or cfg.min_down_h > 0
            or cfg.startup_cost_pln > 0
            or not self.curve.convex
        )
        self.uc = Commitment(self, cfg, y_min_mw=cfg.q_th_min_mw) if needs_uc else None
        add_fuel_curve(self, q, self.uc.on if self.uc else None, cfg.count, self.curve, fuel)
        if self.uc is not None:
            self.uc.add_ramps(q, cfg.count * cfg.q_th_max_mw)
        ctx.add_injection(Carrier.HEAT, cfg.heat_node, q)
        if cfg.om_pln_per_mwh:
            ctx.add_cost(self.name, CostCategory.OM, lambda t: cfg.om_pln_per_mwh * q[t] * dt)
        add_gas_costs(
            self, fuel, cfg.fuel_price_pln_per_mwh, cfg.co2_t_per_mwh_fuel, cfg.co2_priced
        )

    def output_mw(self, schedule: Schedule, carrier: Carrier) -> np.ndarray:
        return schedule["q_th_mw"] if carrier is Carrier.HEAT else np.zeros(self.n)

    def available_mw(self, carrier: Carrier, data: dict[str, np.ndarray]) -> np.ndarray:
        return np.full(
            self.n, self.cfg.count * self.cfg.q_th_max_mw if carrier is Carrier.HEAT else 0.0
        )

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        cfg, q = self.cfg, schedule["q_th_mw"]
        on = np.round(schedule["on"]) if "on" in schedule else (q > 1e-6).astype(float)
        problems = [
            f"{self.name}: heat {q[t]:.6g} outside [{cfg.q_th_min_mw * on[t]:.6g}, {cfg.q_th_max_mw * on[t]:.6g}] with {on[t]:g} on at step {t}"
            for t in np.flatnonzero(
                (q < cfg.q_th_min_mw * on - tol) | (q > cfg.q_th_max_mw * on + tol)
            )[:3]
        ]
        if cfg.count == 1:
            expected = np.where(on > 0.5, self.curve.fuel_at(q), 0.0)
            bad = np.flatnonzero(
                np.abs(schedule["fuel_mw"] - expected) > tol * max(1.0, float(expected.max()))
            )
            problems += [
                f"{self.name}: fuel {schedule['fuel_mw'][t]:.6g} off the curve ({expected[t]:.6g}) at step {t}"
                for t in bad[:3]
            ]
        return problems

    def _uc_output(self) -> Any:
        return self.q

    def limitation(
        self, carrier: Carrier, t: int, schedule: Schedule, data: dict[str, np.ndarray]
    ) -> str | None:
        return self.held_off_reason(t, schedule)
