"""The region layout against the published housing, heating and tariff figures (no database)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from core.enums import BuildingType, HeatingSource, PremiseKind, Tariff
from core.region import figures as fig
from core.region.layout import build_layout, prebound_factor, space_heat_demand_kwh_per_m2
from core.region.plans import RegionLayout

START = dt.date(2026, 1, 1)
DH_SHARE_TOL = 0.08  # share of Kielce residents on the city DH network
URBAN_AREA_TOL_M2 = 10.0  # vs the 60.7 m² urban comparator (which has few houses)
RURAL_AREA_TOL_M2 = 5.0
GAS_SHARE_TOL = 0.07
PV_KWP_TOL = 1.0


@pytest.fixture(scope="module")
def big() -> RegionLayout:
    return build_layout(5000, 9, START)


def _district(layout: RegionLayout, name: str) -> int:
    return next(d.index for d in layout.districts if d.name == name)


def _homes_in(layout: RegionLayout, district: int) -> list:
    return [
        p
        for p in layout.premises
        if p.kind == PremiseKind.RESIDENTIAL
        and layout.buildings[p.building_index].district_index == district
    ]


def test_layout_has_the_requested_premises_and_unique_serials(big: RegionLayout) -> None:
    assert len(big.premises) == 5000
    assert {d.gmina for d in big.districts} == {"Kielce", "Masłów", "Morawica"}
    serials = [m.serial_number for m in big.meters]
    assert len(set(serials)) == len(serials)
    customers = [p.customer_number for p in big.premises]
    assert len(set(customers)) == len(customers)
    assert {p.kind for p in big.premises} == set(PremiseKind)
    assert all(m.installed_at < dt.datetime(2026, 1, 1, tzinfo=dt.UTC) for m in big.meters)
    buildings = {b.index: b for b in big.buildings}
    for b in big.buildings:
        assert b.floor_area_m2 > 0
        assert 1800 <= b.year_built <= 2100
    dh_blocks = [
        b
        for b in buildings.values()
        if b.heating_source == HeatingSource.DISTRICT_HEATING
        and b.building_type != BuildingType.SINGLE_FAMILY
    ]
    heat_meters = [m for m in big.meters if m.role == "heat" and m.premise_index is None]
    assert len(heat_meters) == len(dh_blocks)


def test_city_dh_network_serves_about_100000_of_186894_residents(big: RegionLayout) -> None:
    ksm = _district(big, "Osiedla KSM")
    city = [p for p in big.premises if p.kind == PremiseKind.RESIDENTIAL and not p.rural]
    persons = sum(p.household_size for p in city)
    on_network = sum(
        p.household_size
        for p in city
        if p.heating_source == HeatingSource.DISTRICT_HEATING
        and big.buildings[p.building_index].district_index != ksm
    )
    assert on_network / persons == pytest.approx(fig.DH_CITY_NETWORK_SHARE, abs=DH_SHARE_TOL)


def test_households_and_dwellings_match_the_census(big: RegionLayout) -> None:
    homes = [p for p in big.premises if p.kind == PremiseKind.RESIDENTIAL]
    city = [p for p in homes if not p.rural]
    rural = [p for p in homes if p.rural]
    assert np.mean([p.household_size for p in city]) == pytest.approx(2.52, abs=0.1)
    assert 2.4 < np.mean([p.household_size for p in homes]) < 2.8
    assert np.mean([p.floor_area_m2 for p in city]) == pytest.approx(
        fig.URBAN_DWELLING_AREA_M2, abs=URBAN_AREA_TOL_M2
    )
    lo, hi = fig.RURAL_DWELLING_AREA_M2
    assert (
        lo - RURAL_AREA_TOL_M2 < np.mean([p.floor_area_m2 for p in rural]) < hi + RURAL_AREA_TOL_M2
    )
    flats = [p.floor_area_m2 / p.household_size for p in city if not p.single_family]
    assert np.mean(flats) < fig.FLOOR_AREA_PER_PERSON_M2


def test_network_gas_shares_of_the_kof_gminas(big: RegionLayout) -> None:
    morawica = _homes_in(big, _district(big, "Morawica"))
    maslow = _homes_in(big, _district(big, "Masłów"))
    assert np.mean([p.has_gas for p in morawica]) == pytest.approx(
        fig.GAS_NETWORK_SHARE_MORAWICA, abs=GAS_SHARE_TOL
    )
    assert np.mean([p.has_gas for p in maslow]) == pytest.approx(
        fig.GAS_NETWORK_SHARE_REGION, abs=GAS_SHARE_TOL
    )
    city = [p for p in big.premises if p.kind == PremiseKind.RESIDENTIAL and not p.rural]
    assert 0.6 < np.mean([p.has_gas for p in city]) <= fig.GAS_NETWORK_SHARE_URBAN + GAS_SHARE_TOL
    # Uroczysko: gas water heaters in every flat
    assert all(p.gas_dhw for p in _homes_in(big, _district(big, "Uroczysko")))


def test_tariffs_and_pv(big: RegionLayout) -> None:
    homes = [p for p in big.premises if p.kind == PremiseKind.RESIDENTIAL]
    g11 = np.mean([p.tariff == Tariff.G11 for p in homes])
    assert 0.84 < g11 < 0.93  # URE ~90 %, a little lower with electric heating on G12
    assert {p.tariff for p in big.premises if p.kind != PremiseKind.RESIDENTIAL} <= {
        Tariff.C11,
        Tariff.C12A,
    }
    house_pv = [p.pv_kwp for p in big.premises if p.pv_kwp > 0]
    assert np.mean(house_pv) == pytest.approx(fig.PV_HOUSE_MEAN_KWP, abs=PV_KWP_TOL)
    all_pv = house_pv + [b.pv_kwp for b in big.buildings if b.pv_kwp > 0]
    assert max(all_pv) <= fig.PV_MICROINSTALLATION_MAX_KW


def test_space_heat_demand_by_construction_period() -> None:
    rng = np.random.default_rng(0)
    for year, (lo, hi) in (
        (1930, (240, 400)),
        (1978, (240, 280)),
        (1990, (160, 200)),
        (2015, (80, 150)),
    ):
        as_built = [space_heat_demand_kwh_per_m2(rng, year, 0.0) for _ in range(50)]
        assert lo <= min(as_built)
        assert max(as_built) <= hi
        retrofitted = [space_heat_demand_kwh_per_m2(rng, year, 1.0) for _ in range(50)]
        assert max(retrofitted) <= hi * (1 - fig.RETROFIT_SAVING_RANGE[0])
    assert prebound_factor(100.0) > prebound_factor(300.0)
    assert fig.PREBOUND_RANGE[0] <= prebound_factor(1000.0) <= prebound_factor(0.0) <= 1.0
