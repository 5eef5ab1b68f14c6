"""Pydantic models of a cluster scenario file (YAML); see energy_cluster/README.md.

The models check each value on its own (ranges, min <= max, efficiencies <= 1); cross-references
(buses, heat nodes, series names) and series lengths are checked when the file is loaded
(``energy_cluster.scenario.load_scenario``), which names the file, unit and field at fault.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator

from energy_cluster.config_series import SeriesSpec
from energy_cluster.config_units import (
    FieldValueError,
    Name,
    NonNeg,
    Positive,
    Strict,
    UnitConfig,
    Value,
)
from energy_cluster.enums import Carrier, RollingMode


class HorizonConfig(Strict):
    """What is planned: from ``start`` for ``hours`` at ``resolution_min``."""

    start: AwareDatetime
    hours: Annotated[float, Field(gt=0, le=24 * 400)]
    resolution_min: Annotated[int, Field(ge=5, le=60)] = 60

    @model_validator(mode="after")
    def _check(self) -> HorizonConfig:
        if self.resolution_min not in (15, 30, 60):
            raise FieldValueError("resolution_min", "resolution_min must be 15, 30 or 60")
        steps = self.hours * 60 / self.resolution_min
        if abs(steps - round(steps)) > 1e-9:
            raise FieldValueError(
                "hours",
                f"hours ({self.hours}) is not a whole number of {self.resolution_min}-min steps",
            )
        return self

    @property
    def steps(self) -> int:
        return round(self.hours * 60 / self.resolution_min)

    @property
    def step_h(self) -> float:
        return self.resolution_min / 60.0

    @property
    def start_utc(self) -> datetime:
        from datetime import UTC

        return self.start.astimezone(UTC)


class BusConfig(Strict):
    """An electrical place of the cluster, mapped to a bus of the MV benchmark network."""

    cigre_bus: Annotated[int, Field(ge=0, le=14)] | None = None
    description: str = ""


class HeatNodeConfig(Strict):
    """A heat network with its own balance."""

    description: str = ""


class DemandConfig(Strict):
    """A demand to be met: electricity spread over buses by share, or heat at a heat node."""

    name: Name
    carrier: Carrier
    series: Name
    scale: NonNeg = 1.0
    buses: dict[Name, Annotated[float, Field(gt=0, le=1)]] | None = None
    heat_node: Name | None = None
    unserved_penalty_pln_per_mwh: Positive | None = None
    description: str = ""

    @model_validator(mode="after")
    def _check(self) -> DemandConfig:
        if self.carrier is Carrier.ELECTRICITY:
            if not self.buses or self.heat_node is not None:
                raise FieldValueError("buses", "an electricity demand needs buses (name: share)")
            total = sum(self.buses.values())
            if abs(total - 1.0) > 1e-6:
                raise FieldValueError("buses", f"bus shares must add up to 1, got {total:.6g}")
        elif self.heat_node is None or self.buses is not None:
            raise FieldValueError("heat_node", "a heat demand needs a heat_node and no buses")
        return self


class PricesConfig(Strict):
    """Prices shared by all units."""

    co2_eur_per_t: Value = 0.0
    eur_pln: Positive = 4.25


class PenaltiesConfig(Strict):
    """Penalties of the slacks that keep an impossible scenario solvable (PLN per MWh or t)."""

    unserved_el_pln_per_mwh: Positive = 30_000.0
    unserved_heat_pln_per_mwh: Positive = 20_000.0
    dumped_el_pln_per_mwh: Positive = 5_000.0
    dumped_heat_pln_per_mwh: Positive = 2_000.0
    fuel_overflow_pln_per_t: Positive = 2_000.0
    network_pln_per_mwh: Positive = 50_000.0


class SolverConfig(Strict):
    """HiGHS settings."""

    mip_rel_gap: Annotated[float, Field(ge=0, le=0.5)] = 1e-3
    time_limit_s: Positive = 120.0
    threads: Annotated[int, Field(ge=1, le=64)] = 1
    options: dict[str, float | int | str | bool] = Field(default_factory=dict)


class NetworkConfig(Strict):
    """Limits checked by the pandapower network check."""

    v_min_pu: Positive = 0.95
    v_max_pu: Positive = 1.05
    max_loading_percent: Positive = 100.0
    load_power_factor: Annotated[float, Field(gt=0, le=1)] = 0.95
    max_iterations: Annotated[int, Field(ge=1, le=50)] = 8
    margin: Annotated[float, Field(ge=0, lt=0.5)] = 0.02

    @model_validator(mode="after")
    def _check(self) -> NetworkConfig:
        if self.v_min_pu >= self.v_max_pu:
            raise FieldValueError("v_min_pu", "v_min_pu must be below v_max_pu")
        return self


class ForecastErrorConfig(Strict):
    """Relative forecast errors (standard deviation at 24 h lead, growing with sqrt(lead))."""

    demand_rel_sd: NonNeg = 0.0
    renewable_rel_sd: NonNeg = 0.0
    price_rel_sd: NonNeg = 0.0
    seed: int = 0


class RollingConfig(Strict):
    """Rolling-horizon settings."""

    mode: RollingMode = RollingMode.DAY_AHEAD
    window_hours: Positive = 48.0
    gate_hour_local: Annotated[int, Field(ge=0, le=23)] = 12
    intraday_window_hours: Positive = 24.0
    resolution_min: Annotated[int, Field(ge=5, le=60)] | None = 60
    mip_rel_gap: Annotated[float, Field(ge=0, le=0.5)] = 5e-3
    time_limit_s: Positive = 30.0
    forecast_error: ForecastErrorConfig = Field(default_factory=ForecastErrorConfig)


class ScenarioConfig(Strict):
    """A whole scenario file."""

    name: Name
    description: str = ""
    horizon: HorizonConfig
    buses: dict[Name, BusConfig]
    heat_nodes: dict[Name, HeatNodeConfig] = Field(default_factory=dict)
    series: dict[Name, SeriesSpec] = Field(default_factory=dict)
    demands: list[DemandConfig]
    units: list[UnitConfig]
    prices: PricesConfig = Field(default_factory=PricesConfig)
    penalties: PenaltiesConfig = Field(default_factory=PenaltiesConfig)
    solver: SolverConfig = Field(default_factory=SolverConfig)
    network: NetworkConfig | None = None
    rolling: RollingConfig = Field(default_factory=RollingConfig)
