"""CHPs with their own fuel store: waste-to-energy (bunker) and sewage biogas (gas holder)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo

from energy_cluster.config_units import BiogasChpConfig, PartLoadPoint, WteChpConfig
from energy_cluster.enums import Carrier, ChpMode, CostCategory, UnitType
from energy_cluster.units.base import Schedule, State, UnitBlock
from energy_cluster.units.chp import ChpBlock, ChpSpec
from energy_cluster.units.curves import FuelCurve, make_curve
from energy_cluster.units.registry import register


def add_stock(
    block: UnitBlock,
    attr: str,
    capacity: float,
    initial: float,
    inflow: Any,
    outflows: list[pyo.Var],
) -> tuple[pyo.Var, pyo.Param]:
    """A stock ``s[t] = s[t-1] + (inflow[t] - sum(outflows))*dt`` within ``[0, capacity]``."""
    ctx, dt = block.ctx, block.dt
    stock = block.var(attr, bounds=(0, capacity))
    init = block.param(f"init_{attr}", initial)

    def balance(m: Any, t: int) -> Any:
        previous = stock[t - 1] if t > 0 else init
        out = sum(v[t] for v in outflows)
        return stock[t] == previous + (ctx.value_at(inflow, t) - out) * dt

    block.con(f"{attr}_balance", balance)
    return stock, init


def check_stock(
    block: UnitBlock,
    schedule: Schedule,
    attr: str,
    initial: float,
    inflow: np.ndarray,
    outflows: list[str],
    tol: float,
) -> list[str]:
    """Stock continuity: every step's change equals inflow minus outflows."""
    stock = schedule[attr]
    previous = np.r_[initial, stock[:-1]]
    expected = previous + (inflow - sum(schedule[o] for o in outflows)) * block.dt
    bad = np.flatnonzero(np.abs(stock - expected) > tol * max(1.0, float(np.abs(stock).max())))
    return [
        f"{block.name}: {attr} {stock[t]:.6g} != {expected[t]:.6g} at step {t} (continuity)"
        for t in bad[:3]
    ]


class _FuelStockState:
    """Carries a fuel store's stock (``stock`` / ``init_stock``) between rolling windows."""

    stock: Any
    init_stock: Any

    def state_after(self, k: int) -> State:
        return {**super().state_after(k), "stock": float(self.stock[k].value or 0.0)}  # type: ignore[misc]

    def set_state(self, state: State) -> None:
        super().set_state(state)  # type: ignore[misc]
        self.init_stock.set_value(state["stock"])


@register
class WteChpBlock(_FuelStockState, ChpBlock):
    """Waste-to-energy CHP: burns ``burn_t_per_h`` from the bunker; per-tonne outputs."""

    unit_types = (UnitType.WTE_CHP,)
    cfg: WteChpConfig

    def spec(self) -> ChpSpec:
        cfg = self.cfg
        sigma = cfg.el_mwh_per_t / cfg.th_mwh_per_t
        q_max = cfg.th_mwh_per_t * cfg.burn_max_t_per_h
        cv = cfg.cv if cfg.mode is ChpMode.EXTRACTION else 0.0
        eta = cfg.el_mwh_per_t + cv * cfg.th_mwh_per_t  # equivalent MWh per tonne
        x_max, x_min = eta * cfg.burn_max_t_per_h, eta * cfg.burn_min_t_per_h
        curve = FuelCurve((x_min, x_max), (cfg.burn_min_t_per_h, cfg.burn_max_t_per_h))
        return ChpSpec(cfg.mode, sigma, cv, x_max, x_min, q_max, curve, "burn_t_per_h")

    def build_fuel(self, fuel: pyo.Var) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        sale = self.var("fuel_sale_t_per_h", bounds=(0, cfg.fuel_sale_max_t_per_h))
        overflow = self.var("overflow_t_per_h")
        self.stock, self.init_stock = add_stock(
            self,
            "bunker_t",
            cfg.bunker.capacity_t,
            cfg.bunker.initial_t,
            cfg.deliveries_t_per_h,
            [fuel, sale, overflow],
        )
        if cfg.fuel_sale_max_t_per_h:
            ctx.add_cost(
                self.name,
                CostCategory.FUEL_SALE,
                lambda t: -cfg.fuel_sale_price_pln_per_t * sale[t] * dt,
            )
        ctx.add_cost(
            self.name,
            CostCategory.PENALTY_OVERFLOW,
            lambda t: ctx.penalties.fuel_overflow_pln_per_t * overflow[t] * dt,
        )
        if cfg.co2_fossil_t_per_t:
            ctx.add_co2(self.name, lambda t: cfg.co2_fossil_t_per_t * fuel[t] * dt)
            if cfg.co2_priced:
                ctx.add_cost(
                    self.name,
                    CostCategory.CO2,
                    lambda t: ctx.co2_price_pln_per_t(t) * cfg.co2_fossil_t_per_t * fuel[t] * dt,
                )

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        inflow = self.value(self.cfg.deliveries_t_per_h, data)
        initial = pyo.value(self.init_stock)
        flows = ["burn_t_per_h", "fuel_sale_t_per_h", "overflow_t_per_h"]
        return super().check(schedule, data, tol) + check_stock(
            self, schedule, "bunker_t", initial, inflow, flows, tol
        )

    def initial_state(self) -> State:
        return {**super().initial_state(), "stock": self.cfg.bunker.initial_t}

    def limitation(
        self, carrier: Carrier, t: int, schedule: Schedule, data: dict[str, np.ndarray]
    ) -> str | None:
        if schedule["burn_t_per_h"][t] < self.cfg.count * self.cfg.burn_max_t_per_h - 1e-6:
            if schedule["bunker_t"][t] <= 1e-6:
                return "bunker empty (fuel limited)"
            if schedule["bunker_t"].min() <= 1e-6:
                return "bunker runs empty within the horizon (fuel limited)"
        return super().limitation(carrier, t, schedule, data)


@register
class BiogasChpBlock(_FuelStockState, ChpBlock):
    """Sewage-sludge biogas CHP: burns ``biogas_m3_per_h`` from the holder; surplus is flared."""

    unit_types = (UnitType.BIOGAS_CHP,)
    cfg: BiogasChpConfig

    def spec(self) -> ChpSpec:
        cfg = self.cfg
        mwh_per_m3 = cfg.lhv_kwh_per_m3 / 1000.0
        points = None
        if cfg.part_load is not None:
            points = [PartLoadPoint(load=p.load, eta=p.eta * mwh_per_m3) for p in cfg.part_load]
        eta = cfg.eta_el * mwh_per_m3 if cfg.eta_el is not None else None
        curve = make_curve(cfg.p_el_min_mw, cfg.p_el_max_mw, eta, points)
        sigma = cfg.power_to_heat
        q_max = (
            cfg.q_th_max_mw
            if cfg.mode is ChpMode.EXTRACTION and cfg.q_th_max_mw
            else cfg.p_el_max_mw / sigma
        )
        return ChpSpec(
            cfg.mode,
            sigma,
            cfg.cv,
            cfg.p_el_max_mw,
            cfg.p_el_min_mw,
            q_max,
            curve,
            "biogas_m3_per_h",
        )

    def build_fuel(self, fuel: pyo.Var) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        flare_max = cfg.flare_max_m3_per_h
        flare = self.var("flare_m3_per_h", bounds=(0, flare_max))
        self.stock, self.init_stock = add_stock(
            self,
            "holder_m3",
            cfg.holder.capacity_m3,
            cfg.holder.initial_m3,
            cfg.production_m3_per_h,
            [fuel, flare],
        )
        if cfg.flare_cost_pln_per_m3:
            ctx.add_cost(
                self.name,
                CostCategory.OM,
                lambda t: cfg.flare_cost_pln_per_m3 * flare[t] * dt,
            )

    def check(self, schedule: Schedule, data: dict[str, np.ndarray], tol: float) -> list[str]:
        inflow = self.value(self.cfg.production_m3_per_h, data)
        initial = pyo.value(self.init_stock)
        flows = ["biogas_m3_per_h", "flare_m3_per_h"]
        return super().check(schedule, data, tol) + check_stock(
            self, schedule, "holder_m3", initial, inflow, flows, tol
        )

    def initial_state(self) -> State:
        return {**super().initial_state(), "stock": self.cfg.holder.initial_m3}

    def limitation(
        self, carrier: Carrier, t: int, schedule: Schedule, data: dict[str, np.ndarray]
    ) -> str | None:
        if schedule["p_el_mw"][t] < self.cfg.count * self.cfg.p_el_max_mw - 1e-6:
            if schedule["holder_m3"][t] <= 1e-6:
                return "gas holder empty (biogas limited)"
            if schedule["holder_m3"].min() <= 1e-6:
                return "gas holder runs empty within the horizon (biogas limited)"
        return super().limitation(carrier, t, schedule, data)
