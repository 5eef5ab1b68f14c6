"""The grid connection: import at day-ahead plus distribution tariff, export at day-ahead."""

from __future__ import annotations

import numpy as np

from energy_cluster.config_units import GridConfig
from energy_cluster.enums import Carrier, CostCategory, UnitType
from energy_cluster.units.base import Schedule, UnitBlock
from energy_cluster.units.registry import register

TOL = 1e-6


@register
class GridBlock(UnitBlock):
    """``import_mw`` and ``export_mw`` within the connection limits."""

    unit_types = (UnitType.GRID,)
    carriers_out = (Carrier.ELECTRICITY,)
    cfg: GridConfig

    def build(self) -> None:
        cfg, ctx, dt = self.cfg, self.ctx, self.dt
        imp = self.var("import_mw", bounds=(0, cfg.import_max_mw))
        exp = self.var("export_mw", bounds=(0, cfg.export_max_mw))
        ctx.add_injection(Carrier.ELECTRICITY, cfg.bus, imp, +1.0)
        ctx.add_injection(Carrier.ELECTRICITY, cfg.bus, exp, -1.0)
        price = cfg.price_pln_per_mwh
        tariff = cfg.import_tariff_pln_per_mwh
        ctx.add_cost(
            self.name,
            CostCategory.IMPORT,
            lambda t: (ctx.value_at(price, t) + ctx.value_at(tariff, t)) * imp[t] * dt,
        )
        ctx.add_cost(
            self.name,
            CostCategory.EXPORT,
            lambda t: -ctx.value_at(price, t) * exp[t] * dt,
        )

    def output_mw(self, schedule: Schedule, carrier: Carrier) -> np.ndarray:
        if carrier is Carrier.ELECTRICITY:
            return schedule["import_mw"] - schedule["export_mw"]
        return np.zeros(self.n)

    def available_mw(self, carrier: Carrier, data: dict[str, np.ndarray]) -> np.ndarray:
        return np.full(self.n, self.cfg.import_max_mw if carrier is Carrier.ELECTRICITY else 0.0)

    def limitation(
        self, carrier: Carrier, t: int, schedule: Schedule, data: dict[str, np.ndarray]
    ) -> str | None:
        if schedule["import_mw"][t] >= self.cfg.import_max_mw - TOL:
            return f"import at its connection limit {self.cfg.import_max_mw:g} MW"
        return None
