"""Plans of the region's rows (what ``build_layout`` draws and ``persist`` stores).

Plans carry the stored attributes plus the model parameters the profiles need (space-heating
demand, residents, PV size, what the gas is used for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.enums import BuildingType, HeatingSource, Medium, MeterKind, PremiseKind, Tariff


@dataclass(frozen=True)
class DistrictPlan:
    """A district to store."""

    index: int
    name: str
    gmina: str
    description: str


@dataclass(frozen=True)
class BuildingPlan:
    """A building to store, with the model parameters the consumption profiles need.

    Attributes:
        space_heat_kwh_per_m2: annual space-heating demand in an average year (after retrofit).
        n_persons: residents of all its premises.
        pv_kwp: rooftop PV on a building-level generation meter (0 if none).
        central_dhw: the building's DH heat meter also covers domestic hot water.
    """

    index: int
    district_index: int
    address: str
    building_type: BuildingType
    floor_area_m2: float
    year_built: int
    n_floors: int
    heating_source: HeatingSource
    space_heat_kwh_per_m2: float
    rural: bool
    n_persons: int
    pv_kwp: float
    central_dhw: bool
    activity: str  # "residential" or a non-residential kind (school, office, community, shop)


@dataclass(frozen=True)
class PremisePlan:
    """A premise (with its customer) to store, with its consumption-model parameters."""

    index: int
    building_index: int
    kind: PremiseKind
    unit_number: str
    household_size: int
    floor_area_m2: float
    tariff: Tariff
    customer_number: str
    activity: str  # "household" or a non-residential kind
    rural: bool
    single_family: bool
    heating_source: HeatingSource
    space_heat_kwh_per_m2: float  # actual use: the building's demand less the prebound effect
    gas_heating: bool
    gas_dhw: bool
    gas_cooking: bool
    pv_kwp: float

    @property
    def has_gas(self) -> bool:
        """Whether the premise has a gas meter."""
        return self.gas_heating or self.gas_dhw or self.gas_cooking

    @property
    def has_heat_meter(self) -> bool:
        """A DH-connected house has its own heat meter."""
        return self.single_family and self.heating_source == HeatingSource.DISTRICT_HEATING


@dataclass(frozen=True)
class MeterPlan:
    """A meter to store. ``role`` says which profile produces its readings."""

    index: int
    serial_number: str
    medium: Medium
    meter_kind: MeterKind
    unit: str
    interval_s: int
    premise_index: int | None
    building_index: int | None
    installed_at: dt.datetime
    role: str  # electricity, water, gas, heat, pv, dma_inflow


@dataclass(frozen=True)
class DmaPlan:
    """A district metered area: one district fed through one bulk inflow meter.

    Attributes:
        district_index: the district it covers (its premises' water meters are its customers).
        meter: the inflow meter (water, kind network), at the building where its chamber is;
            its ``index`` follows the premises' and buildings' meters.
        premise_indices: the premises supplied.
        connections: service connections (one per building).
        mains_km: distribution mains in the area.
        real_losses_m3_per_day: expected real losses at the zone's pressure.
    """

    index: int
    district_index: int
    name: str
    meter: MeterPlan
    premise_indices: tuple[int, ...]
    connections: int
    mains_km: float
    real_losses_m3_per_day: float


@dataclass(frozen=True)
class RegionLayout:
    """Everything of the region except its time series."""

    districts: tuple[DistrictPlan, ...]
    buildings: tuple[BuildingPlan, ...]
    premises: tuple[PremisePlan, ...]
    meters: tuple[MeterPlan, ...]
    dmas: tuple[DmaPlan, ...] = ()

    @property
    def all_meters(self) -> tuple[MeterPlan, ...]:
        """The premises' and buildings' meters, then the DMA inflow meters (by ``index``)."""
        return self.meters + tuple(d.meter for d in self.dmas)
