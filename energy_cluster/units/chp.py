"""CHP units: the feasible operating region and the fuel curve, shared by gas, WtE and biogas.

With ``x`` the equivalent electrical load (``p_el`` for back-pressure, ``p_el + cv*q_th`` for
extraction-condensing), per unit on:

- back-pressure: ``p_el = sigma*q_th`` and ``x_min <= x <= x_max``;
- extraction: ``p_el >= sigma*q_th``, ``q_th <= q_th_max`` and ``x_min <= x <= x_max``;
- fuel = piecewise-linear curve of x (see ``curves``).

Subclasses say how the fuel is paid for or stocked (gas bought; waste from a bunker; biogas
from a holder).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.environ as pyo

from energy_cluster.config_units import GasChpConfig
from energy_cluster.enums import Carrier, ChpMode, CostCategory, UnitType
from energy_cluster.units.base import Schedule, UnitBlock
from energy_cluster.units.commitment import Commitment, CommittedBlock
from energy_cluster.units.curves import FuelCurve, add_fuel_curve, make_curve
from energy_cluster.units.registry import register


@dataclass(frozen=True)
class ChpSpec:
    """The region of one CHP unit in model units.

    Attributes:
        sigma: power-to-heat ratio on the back-pressure line.
        cv: loss of electrical output per MW of heat extracted (extraction only).
        x_max_mw, x_min_mw: equivalent load limits per unit.
        q_max_mw: heat limit per unit.
        curve: fuel per unit as a function of x.
        fuel_attr: name of the fuel variable, with its unit.
    """

    mode: ChpMode
    sigma: float
    cv: float
    x_max_mw: float
    x_min_mw: float
    q_max_mw: float
    curve: FuelCurve
    fuel_attr: str


class ChpBlock(CommittedBlock):
    """The region and fuel curve; subclasses provide ``spec`` and ``build_fuel``."""

    carriers_out = (Carrier.ELECTRICITY, Carrier.HEAT)
    uc: Commitment | None

    @abstractmethod
    def spec(self) -> ChpSpec:
        """The unit's region in model units."""

    @abstractmethod
    def build_fuel(self, fuel: pyo.Var) -> None:
        """Costs, emissions and stocks of the fuel variable."""

    def build(self) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        s = self.chp = self.spec()
        count = cfg.count
        p = self.var("p_el_mw", bounds=(0, count * s.x_max_mw))
        q = self.var("q_th_mw", bounds=(0, count * s.q_max_mw))
        fuel = self.var(s.fuel_attr)
        needs_uc = (
            s.x_min_mw > 0
            or s.curve.fuel[0] > 1e-12
            or cfg.min_up_h > 0
            or cfg.min_down_h > 0
            or cfg.startup_cost_pln > 0
            or not s.curve.convex
        )
        self.uc = Commitment(self, cfg, y_min_mw=s.x_min_mw) if needs_uc else None
        on = self.uc.on if self.uc else None
        if s.mode is ChpMode.BACK_PRESSURE:
            self.con("back_pressure", lambda m, t: p[t] == s.sigma * q[t])
            x: Any = p
        else:
            x = pyo.Expression(ctx.T, rule=lambda m, t: p[t] + s.cv * q[t])
            ctx.m.add_component(f"{self.name}-load_eq_mw", x)
            self.con("above_back_pressure_line", lambda m, t: p[t] >= s.sigma * q[t])
            if on is not None:
                self.con("heat_max", lambda m, t: q[t] <= s.q_max_mw * on[t])
        add_fuel_curve(self, x, on, count, s.curve, fuel)
        if self.uc is not None:
            self.uc.add_ramps(x, s.x_max_mw * count)
        self._x = x
        ctx.add_injection(Carrier.ELECTRICITY, cfg.bus, p)
        ctx.add_injection(Carrier.HEAT, cfg.heat_node, q)
        if cfg.om_pln_per_mwh:
            ctx.add_cost(self.name, CostCategory.OM, lambda t: cfg.om_pln_per_mwh * p[t] * dt)
        self.build_fuel(fuel)

    # ---- results ------------------------------------------------------------------------
    def schedule(self) -> Schedule:
        out = super().schedule()
        if self.chp.mode is ChpMode.EXTRACTION:
            out["load_eq_mw"] = out["p_el_mw"] + self.chp.cv * out["q_th_mw"]
        return out

    def output_mw(self, schedule: Schedule, carrier: Carrier) -> np.ndarray:
        return schedule["p_el_mw"] if carrier is Carrier.ELECTRICITY else schedule["q_th_mw"]

    def available_mw(self, carrier: Carrier, data: dict[str, np.ndarray]) -> np.ndarray:
        s, count = self.chp, self.cfg.count
        if carrier is Carrier.ELECTRICITY:
            return np.full(self.n, count * s.x_max_mw)
        return np.full(self.n, count * s.q_max_mw)

    def on_units(self, schedule: Schedule) -> np.ndarray:
        if "on" in schedule:
            return np.round(schedule["on"])
        return (schedule["p_el_mw"] + schedule["q_th_mw"] > 1e-6).astype(float)

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        s = self.chp
        p, q = schedule["p_el_mw"], schedule["q_th_mw"]
        on = self.on_units(schedule)
        x = p + (s.cv * q if s.mode is ChpMode.EXTRACTION else 0.0)
        problems: list[str] = []

        def flag(mask: np.ndarray, what: str) -> None:
            for t in np.flatnonzero(mask)[:3]:
                problems.append(
                    f"{self.name}: {what} at step {t} (p_el {p[t]:.6g}, q_th {q[t]:.6g}, on {on[t]:g})"
                )

        if s.mode is ChpMode.BACK_PRESSURE:
            flag(np.abs(p - s.sigma * q) > tol, "off the back-pressure line")
        else:
            flag(p < s.sigma * q - tol, "below the back-pressure line")
            flag(q > s.q_max_mw * on + tol, "heat above q_th_max")
        flag(x > s.x_max_mw * on + tol, "load above the maximum")
        flag(x < s.x_min_mw * on - tol, "on below the minimum stable load")
        if self.cfg.count == 1:
            expected = np.where(on > 0.5, np.interp(x, s.curve.x, s.curve.fuel), 0.0)
            flag(
                np.abs(schedule[s.fuel_attr] - expected)
                > tol * max(1.0, float(np.abs(expected).max())),
                "fuel off the curve",
            )
        return problems

    def _uc_output(self) -> Any:
        return self._x

    def limitation(
        self, carrier: Carrier, t: int, schedule: Schedule, data: dict[str, np.ndarray]
    ) -> str | None:
        return self.held_off_reason(t, schedule)


@register
class GasChpBlock(ChpBlock):
    """A gas turbine or engine with heat recovery; gas bought at ``fuel_price_pln_per_mwh``."""

    unit_types = (UnitType.GAS_CHP,)
    cfg: GasChpConfig

    def spec(self) -> ChpSpec:
        cfg = self.cfg
        sigma = cfg.power_to_heat
        if cfg.mode is ChpMode.BACK_PRESSURE:
            q_max = cfg.p_el_max_mw / sigma
        else:
            assert cfg.q_th_max_mw is not None
            q_max = cfg.q_th_max_mw
        curve = make_curve(cfg.p_el_min_mw, cfg.p_el_max_mw, cfg.eta_el, cfg.part_load)
        return ChpSpec(
            cfg.mode, sigma, cfg.cv, cfg.p_el_max_mw, cfg.p_el_min_mw, q_max, curve, "fuel_mw"
        )

    def build_fuel(self, fuel: pyo.Var) -> None:
        add_gas_costs(
            self,
            fuel,
            self.cfg.fuel_price_pln_per_mwh,
            self.cfg.co2_t_per_mwh_fuel,
            self.cfg.co2_priced,
        )


def add_gas_costs(
    block: UnitBlock, fuel: pyo.Var, price: Any, co2_t_per_mwh: float, priced: bool
) -> None:
    """Fuel bought per MWh (LHV) and its CO2 (t), with the allowance cost when priced."""
    ctx, dt = block.ctx, block.dt
    ctx.add_cost(block.name, CostCategory.FUEL, lambda t: ctx.value_at(price, t) * fuel[t] * dt)
    if co2_t_per_mwh:
        ctx.add_co2(block.name, lambda t: co2_t_per_mwh * fuel[t] * dt)
        if priced:
            ctx.add_cost(
                block.name,
                CostCategory.CO2,
                lambda t: ctx.co2_price_pln_per_t(t) * co2_t_per_mwh * fuel[t] * dt,
            )
