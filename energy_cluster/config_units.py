"""Pydantic models of the units a scenario lists, one per unit type (``type`` is the tag).

Every quantity carries its unit in its name. A field typed ``Value`` takes either a number
(constant over the horizon) or the name of a series in the scenario's ``series`` section.
Model-level checks raise ``FieldValueError`` so the loader can name the field at fault.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from energy_cluster.enums import ChpMode, EndRule, UnitType

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
Name = Annotated[str, Field(pattern=NAME_PATTERN, max_length=40)]
Value = float | Annotated[str, Field(pattern=NAME_PATTERN)]
NonNeg = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]


class FieldValueError(ValueError):
    """A model-level check failed on ``field`` (the loader reports the field by name)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


TOTAL_EFFICIENCY = "total efficiency eta_el*(1+power_to_heat)/(power_to_heat+cv)"


def _efficiency_at_most_one(field: str, value: float, what: str = "efficiency") -> None:
    if value > 1.0:
        raise FieldValueError(field, f"{what} {value} is above 1")


class PartLoadPoint(Strict):
    """One point of a part-load efficiency curve.

    Attributes:
        load: output as a fraction of the maximum (0 < load <= 1).
        eta: efficiency at that load (output energy per fuel energy).
    """

    load: Annotated[float, Field(gt=0, le=1)]
    eta: Positive


class CommitmentConfig(Strict):
    """On/off decisions of a dispatchable unit (or of ``count`` identical units)."""

    count: Annotated[int, Field(ge=1, le=50)] = 1
    min_up_h: NonNeg = 0.0
    min_down_h: NonNeg = 0.0
    startup_cost_pln: NonNeg = 0.0
    ramp_up_mw_per_h: Positive | None = None
    ramp_down_mw_per_h: Positive | None = None
    initial_on: Annotated[int, Field(ge=0)] = 0
    initial_hours_in_state: NonNeg = 1000.0
    initial_output_mw: NonNeg | None = None

    @model_validator(mode="after")
    def _initial_count(self) -> CommitmentConfig:
        if self.initial_on > self.count:
            raise FieldValueError(
                "initial_on", f"initial_on ({self.initial_on}) is above count ({self.count})"
            )
        return self


class UnitBase(Strict):
    """Fields every unit has."""

    name: Name
    description: str = ""
    om_pln_per_mwh: NonNeg = 0.0
    renewable_fraction: Fraction = 0.0


class GridConfig(UnitBase):
    """The connection to the distribution grid: import at day-ahead plus tariff, export at day-ahead."""

    type: Literal[UnitType.GRID]
    bus: Name
    import_max_mw: NonNeg
    export_max_mw: NonNeg
    price_pln_per_mwh: Value
    import_tariff_pln_per_mwh: Value = 0.0
    co2_t_per_mwh_import: NonNeg = 0.0


class RenewableConfig(UnitBase):
    """PV or wind: output up to ``availability`` (capacity factor 0..1) times capacity."""

    type: Literal[UnitType.PV, UnitType.WIND]
    bus: Name
    p_el_max_mw: Positive
    availability: Value
    renewable_fraction: Fraction = 1.0


class _ChpGeometry(UnitBase, CommitmentConfig):
    """Operating region of a CHP unit (see ``ChpMode``)."""

    bus: Name
    heat_node: Name
    mode: ChpMode = ChpMode.BACK_PRESSURE
    power_to_heat: Positive
    cv: NonNeg = 0.0
    q_th_max_mw: Positive | None = None

    def _total_efficiency(self, eta_el: float) -> float:
        """(p_el + q_th) / fuel on the back-pressure line, where the total is highest."""
        sigma = self.power_to_heat or 1.0
        cv = self.cv if self.mode is ChpMode.EXTRACTION else 0.0
        return eta_el * (1.0 + sigma) / (sigma + cv)

    def _check_geometry(self) -> None:
        if self.mode is ChpMode.EXTRACTION and self.q_th_max_mw is None:
            raise FieldValueError("q_th_max_mw", "an extraction CHP needs q_th_max_mw")
        if self.mode is ChpMode.BACK_PRESSURE and self.cv:
            raise FieldValueError("cv", "cv applies to extraction CHPs only")


class GasChpConfig(_ChpGeometry):
    """A gas-fired CHP (gas turbine or engine with heat recovery)."""

    type: Literal[UnitType.GAS_CHP]
    p_el_max_mw: Positive
    p_el_min_mw: NonNeg = 0.0
    eta_el: Positive | None = None
    part_load: list[PartLoadPoint] | None = None
    fuel_price_pln_per_mwh: Value
    co2_t_per_mwh_fuel: NonNeg = 0.0
    co2_priced: bool = True

    @model_validator(mode="after")
    def _check(self) -> GasChpConfig:
        _check_min_max("p_el_min_mw", self.p_el_min_mw, "p_el_max_mw", self.p_el_max_mw)
        self._check_geometry()
        for field, eta in _curve(self.eta_el, self.part_load, "eta_el"):
            _efficiency_at_most_one(field, eta, "electrical efficiency")
            _efficiency_at_most_one(field, self._total_efficiency(eta), TOTAL_EFFICIENCY)
        return self


class BunkerConfig(Strict):
    """A waste-fuel bunker: tonnes in stock."""

    capacity_t: Positive
    initial_t: NonNeg = 0.0

    @model_validator(mode="after")
    def _check(self) -> BunkerConfig:
        _check_min_max("initial_t", self.initial_t, "capacity_t", self.capacity_t)
        return self


class WteChpConfig(_ChpGeometry):
    """A waste-to-energy CHP fed from a bunker; outputs per tonne burnt at full load."""

    type: Literal[UnitType.WTE_CHP]
    power_to_heat: Positive | None = None  # type: ignore[assignment]  # derived from per-tonne outputs
    burn_max_t_per_h: Positive
    burn_min_t_per_h: NonNeg = 0.0
    el_mwh_per_t: Positive
    th_mwh_per_t: Positive
    lhv_mj_per_kg: Positive
    co2_fossil_t_per_t: NonNeg = 0.0
    co2_priced: bool = False
    bunker: BunkerConfig
    deliveries_t_per_h: Value
    fuel_sale_max_t_per_h: NonNeg = 0.0
    fuel_sale_price_pln_per_t: float = 0.0
    renewable_fraction: Fraction = 0.0

    @model_validator(mode="after")
    def _check(self) -> WteChpConfig:
        _check_min_max(
            "burn_min_t_per_h", self.burn_min_t_per_h, "burn_max_t_per_h", self.burn_max_t_per_h
        )
        self._check_geometry()
        if self.power_to_heat is not None:
            raise FieldValueError(
                "power_to_heat", "a WtE CHP derives power_to_heat from el_mwh_per_t/th_mwh_per_t"
            )
        lhv_mwh_per_t = self.lhv_mj_per_kg / 3.6
        _efficiency_at_most_one(
            "el_mwh_per_t", self.el_mwh_per_t / lhv_mwh_per_t, "electrical efficiency"
        )
        _efficiency_at_most_one(
            "th_mwh_per_t",
            (self.el_mwh_per_t + self.th_mwh_per_t) / lhv_mwh_per_t,
            "total efficiency (el_mwh_per_t + th_mwh_per_t) / LHV",
        )
        return self


class GasHolderConfig(Strict):
    """A biogas holder: m³ in store."""

    capacity_m3: Positive
    initial_m3: NonNeg = 0.0

    @model_validator(mode="after")
    def _check(self) -> GasHolderConfig:
        _check_min_max("initial_m3", self.initial_m3, "capacity_m3", self.capacity_m3)
        return self


class BiogasChpConfig(_ChpGeometry):
    """A sewage-sludge biogas CHP fed from a gas holder, with a flare."""

    type: Literal[UnitType.BIOGAS_CHP]
    p_el_max_mw: Positive
    p_el_min_mw: NonNeg = 0.0
    eta_el: Positive | None = None
    part_load: list[PartLoadPoint] | None = None
    lhv_kwh_per_m3: Positive
    holder: GasHolderConfig
    production_m3_per_h: Value
    flare_max_m3_per_h: NonNeg | None = None
    flare_cost_pln_per_m3: NonNeg = 0.0
    renewable_fraction: Fraction = 1.0

    @model_validator(mode="after")
    def _check(self) -> BiogasChpConfig:
        _check_min_max("p_el_min_mw", self.p_el_min_mw, "p_el_max_mw", self.p_el_max_mw)
        self._check_geometry()
        for field, eta in _curve(self.eta_el, self.part_load, "eta_el"):
            _efficiency_at_most_one(field, eta, "electrical efficiency")
            _efficiency_at_most_one(field, self._total_efficiency(eta), TOTAL_EFFICIENCY)
        return self


class BoilerConfig(UnitBase, CommitmentConfig):
    """A heat-only boiler (``count`` identical units)."""

    type: Literal[UnitType.BOILER]
    heat_node: Name
    q_th_max_mw: Positive
    q_th_min_mw: NonNeg = 0.0
    eta_th: Positive | None = None
    part_load: list[PartLoadPoint] | None = None
    fuel_price_pln_per_mwh: Value
    co2_t_per_mwh_fuel: NonNeg = 0.0
    co2_priced: bool = True

    @model_validator(mode="after")
    def _check(self) -> BoilerConfig:
        _check_min_max("q_th_min_mw", self.q_th_min_mw, "q_th_max_mw", self.q_th_max_mw)
        for field, eta in _curve(self.eta_th, self.part_load, "eta_th"):
            _efficiency_at_most_one(field, eta, "thermal efficiency")
        return self


class WasteHeatConfig(UnitBase):
    """Industrial waste heat taken into the heat network up to ``availability`` x capacity."""

    type: Literal[UnitType.WASTE_HEAT]
    heat_node: Name
    q_th_max_mw: Positive
    availability: Value = 1.0
    price_pln_per_mwh: Value = 0.0


class PowerToHeatConfig(UnitBase, CommitmentConfig):
    """A heat pump or an electric boiler: ``q_th = cop * p_el``."""

    type: Literal[UnitType.HEAT_PUMP, UnitType.ELECTRIC_BOILER]
    bus: Name
    heat_node: Name
    p_el_max_mw: Positive
    p_el_min_mw: NonNeg = 0.0
    cop: Value

    @model_validator(mode="after")
    def _check(self) -> PowerToHeatConfig:
        _check_min_max("p_el_min_mw", self.p_el_min_mw, "p_el_max_mw", self.p_el_max_mw)
        if self.type is UnitType.ELECTRIC_BOILER and isinstance(self.cop, float):
            _efficiency_at_most_one("cop", self.cop, "electric boiler efficiency")
        return self


class StorageConfig(UnitBase):
    """A battery (on a bus) or a heat storage tank (on a heat node)."""

    type: Literal[UnitType.BATTERY, UnitType.HEAT_STORAGE]
    bus: Name | None = None
    heat_node: Name | None = None
    e_max_mwh: Positive
    e_min_mwh: NonNeg = 0.0
    p_charge_max_mw: Positive
    p_discharge_max_mw: Positive
    eta_charge: Positive = 1.0
    eta_discharge: Positive = 1.0
    loss_per_h: Annotated[float, Field(ge=0, lt=1)] = 0.0
    initial_mwh: NonNeg = 0.0
    end_rule: EndRule = EndRule.AT_LEAST_INITIAL
    exclusive: bool = True
    wear_pln_per_mwh: NonNeg = 0.0

    @model_validator(mode="after")
    def _check(self) -> StorageConfig:
        _check_min_max("e_min_mwh", self.e_min_mwh, "e_max_mwh", self.e_max_mwh)
        _efficiency_at_most_one("eta_charge", self.eta_charge)
        _efficiency_at_most_one("eta_discharge", self.eta_discharge)
        if not self.e_min_mwh <= self.initial_mwh <= self.e_max_mwh:
            raise FieldValueError(
                "initial_mwh",
                f"initial_mwh ({self.initial_mwh}) is outside [e_min_mwh, e_max_mwh] "
                f"= [{self.e_min_mwh}, {self.e_max_mwh}]",
            )
        if self.type is UnitType.BATTERY and (self.bus is None or self.heat_node is not None):
            raise FieldValueError("bus", "a battery needs a bus and no heat_node")
        if self.type is UnitType.HEAT_STORAGE and (self.heat_node is None or self.bus is not None):
            raise FieldValueError("heat_node", "a heat storage needs a heat_node and no bus")
        return self


def _check_min_max(min_field: str, low: float, max_field: str, high: float) -> None:
    if low > high:
        raise FieldValueError(min_field, f"{min_field} ({low}) is above {max_field} ({high})")


def _curve(
    eta: float | None, points: list[PartLoadPoint] | None, eta_field: str
) -> list[tuple[str, float]]:
    """The efficiencies to check, with their field paths; exactly one of eta/points is given."""
    if (eta is None) == (points is None):
        raise FieldValueError(
            eta_field, f"give either {eta_field} or part_load, not both or neither"
        )
    if eta is not None:
        return [(eta_field, eta)]
    assert points is not None
    if not points:
        raise FieldValueError("part_load", "part_load needs at least one point")
    loads = [p.load for p in points]
    if any(b <= a for a, b in itertools.pairwise(loads)):
        raise FieldValueError("part_load", f"part_load loads must increase strictly, got {loads}")
    if loads[-1] != 1.0:
        raise FieldValueError("part_load", "the last part_load point must be at load 1.0")
    return [(f"part_load[{i}].eta", p.eta) for i, p in enumerate(points)]


def _unit_tag(value: object) -> str | None:
    raw = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return None if raw is None else str(raw)


UnitConfig = Annotated[
    Annotated[GridConfig, Tag(UnitType.GRID.value)]
    | Annotated[RenewableConfig, Tag(UnitType.PV.value)]
    | Annotated[RenewableConfig, Tag(UnitType.WIND.value)]
    | Annotated[GasChpConfig, Tag(UnitType.GAS_CHP.value)]
    | Annotated[WteChpConfig, Tag(UnitType.WTE_CHP.value)]
    | Annotated[BiogasChpConfig, Tag(UnitType.BIOGAS_CHP.value)]
    | Annotated[BoilerConfig, Tag(UnitType.BOILER.value)]
    | Annotated[WasteHeatConfig, Tag(UnitType.WASTE_HEAT.value)]
    | Annotated[PowerToHeatConfig, Tag(UnitType.HEAT_PUMP.value)]
    | Annotated[PowerToHeatConfig, Tag(UnitType.ELECTRIC_BOILER.value)]
    | Annotated[StorageConfig, Tag(UnitType.BATTERY.value)]
    | Annotated[StorageConfig, Tag(UnitType.HEAT_STORAGE.value)],
    Discriminator(_unit_tag),
]
