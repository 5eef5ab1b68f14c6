"""Districts and building archetypes of the reference region.

Districts are real Kielce osiedla (REF §1d) and two KOF gminas (REF §1b). What the sources say
about each is in its description; years, storeys and flat sizes not given there are marked as
assumptions in the archetype table. Shares are of the region's residential premises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.enums import BuildingType, HeatingSource
from core.region import figures as fig

DH = HeatingSource.DISTRICT_HEATING
GAS = HeatingSource.GAS
ELECTRIC = HeatingSource.ELECTRIC
SOLID = HeatingSource.SOLID_FUEL


@dataclass(frozen=True)
class BuildingArchetype:
    """How buildings of one kind are drawn.

    Attributes:
        building_type: the stored building category.
        year_range: construction years (inclusive).
        floors_range: storeys (inclusive).
        flats_per_floor_range: premises per storey over the whole building (inclusive).
        flat_area_m2: mean premise area.
        heating_mix: probability of each heating source.
        gas_cooking_share: share of premises cooking on network gas (if not gas-heated).
        retrofit_share: share of thermo-modernised buildings.
        dhw_from_gas: hot water from gas water heaters in the flats (not from the DH meter).
    """

    building_type: BuildingType
    year_range: tuple[int, int]
    floors_range: tuple[int, int]
    flats_per_floor_range: tuple[int, int]
    flat_area_m2: float
    heating_mix: dict[HeatingSource, float]
    gas_cooking_share: float
    retrofit_share: float
    dhw_from_gas: bool = False


@dataclass(frozen=True)
class DistrictSpec:
    """A district of the region and the mix of residential buildings in it."""

    name: str
    gmina: str
    description: str
    share: float
    rural: bool
    archetypes: tuple[tuple[str, float], ...]
    non_residential_heating: dict[HeatingSource, float] = field(default_factory=dict)


# Years, storeys, flats per storey and heating mixes are assumptions unless the district
# description gives them; electric heating (heat pumps in houses, storage heaters in
# tenements) is kept to a few per cent of dwellings. Flat areas: blocks below and new buildings near the 60.7 m² urban comparator; houses
# near the 104-113 m² of the rural KOF gminas and the ~132 m² of new houses (figures.py).
ARCHETYPES: dict[str, BuildingArchetype] = {
    "panel_lowrise_1980s": BuildingArchetype(
        BuildingType.MULTI_FAMILY_PANEL,
        (1980, 1986),
        (2, 5),
        (6, 15),
        50.0,
        {DH: 1.0},
        0.75,
        fig.PANEL_RETROFIT_SHARE,
    ),
    "panel_tower_1980s": BuildingArchetype(
        BuildingType.MULTI_FAMILY_PANEL,
        (1980, 1986),
        (7, 11),
        (4, 8),
        46.0,
        {DH: 1.0},
        0.75,
        fig.PANEL_RETROFIT_SHARE,
    ),
    "panel_lowrise_1970s": BuildingArchetype(
        BuildingType.MULTI_FAMILY_PANEL,
        (1967, 1985),
        (4, 5),
        (6, 15),
        48.0,
        {DH: 1.0},
        0.8,
        fig.PANEL_RETROFIT_SHARE,
    ),
    "panel_tower_1970s": BuildingArchetype(
        BuildingType.MULTI_FAMILY_PANEL,
        (1970, 1985),
        (9, 11),
        (4, 8),
        46.0,
        {DH: 1.0},
        0.8,
        fig.PANEL_RETROFIT_SHARE,
    ),
    "uroczysko_tower": BuildingArchetype(
        BuildingType.MULTI_FAMILY_PANEL,
        (1972, 1985),
        (9, 11),
        (4, 8),
        47.0,
        {DH: 1.0},
        1.0,
        fig.UROCZYSKO_RETROFIT_SHARE,
        dhw_from_gas=True,
    ),
    "coop_block_1990s": BuildingArchetype(
        BuildingType.MULTI_FAMILY_PANEL,
        (1986, 1996),
        (4, 5),
        (6, 12),
        55.0,
        {DH: 1.0},
        0.6,
        0.5,
    ),
    "block_1950s": BuildingArchetype(
        BuildingType.MULTI_FAMILY_OLD,
        (1950, 1966),
        (3, 4),
        (4, 8),
        45.0,
        {DH: 0.9, GAS: 0.1},
        0.85,
        0.5,
    ),
    "tenement": BuildingArchetype(
        BuildingType.MULTI_FAMILY_OLD,
        (1880, 1939),
        (2, 4),
        (2, 4),
        62.0,
        {DH: 0.3, GAS: 0.45, ELECTRIC: 0.05, SOLID: 0.2},
        0.8,
        0.2,
    ),
    "new_block": BuildingArchetype(
        BuildingType.MULTI_FAMILY_NEW,
        (2005, 2023),
        (4, 7),
        (4, 10),
        58.0,
        {DH: 0.7, GAS: 0.3},
        0.15,
        0.0,
    ),
    "house_city": BuildingArchetype(
        BuildingType.SINGLE_FAMILY,
        (1955, 2023),
        (1, 2),
        (1, 1),
        115.0,
        {GAS: 0.66, DH: 0.08, ELECTRIC: 0.08, SOLID: 0.18},
        0.3,
        0.4,
    ),
    # Masłów: no gas figure; the Świętokrzyskie 40.5 % network-gas share (figures.py):
    # 35 % gas-heated + 8 % of the rest cooking on gas = 40 %.
    "house_maslow": BuildingArchetype(
        BuildingType.SINGLE_FAMILY,
        (1950, 2023),
        (1, 2),
        (1, 1),
        108.0,
        {GAS: 0.35, SOLID: 0.57, ELECTRIC: 0.08},
        0.08,
        0.4,
    ),
    # Morawica: 38.1 % of dwellings on network gas (REF §1b): 33 % gas-heated + 7 % of the
    # rest cooking on gas = 37.7 %; average dwelling 112.8 m².
    "house_morawica": BuildingArchetype(
        BuildingType.SINGLE_FAMILY,
        (1950, 2023),
        (1, 2),
        (1, 1),
        fig.MORAWICA_DWELLING_AREA_M2,
        {GAS: 0.33, SOLID: 0.59, ELECTRIC: 0.08},
        0.07,
        0.4,
    ),
}

CITY_NON_RESIDENTIAL_HEATING = {DH: 0.8, GAS: 0.15, ELECTRIC: 0.05}
RURAL_NON_RESIDENTIAL_HEATING = {GAS: 0.65, ELECTRIC: 0.2, SOLID: 0.15}

DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec(
        "Słoneczne Wzgórze",
        "Kielce",
        "NE Kielce, built in the first half of the 1980s: 2- and 4-storey blocks and "
        "7-11-storey towers (kielce-online.pl); city DH network (MPEC).",
        0.11,
        False,
        (("panel_lowrise_1980s", 0.55), ("panel_tower_1980s", 0.45)),
    ),
    DistrictSpec(
        "Barwinek",
        "Kielce",
        "One of the largest Kielce estates, mostly low-rise blocks plus three towers "
        "(nowosci.com.pl); city DH network (MPEC).",
        0.11,
        False,
        (("panel_lowrise_1970s", 0.85), ("panel_tower_1970s", 0.15)),
    ),
    DistrictSpec(
        "Uroczysko",
        "Kielce",
        "37 tower blocks with gas water heaters in the flats, 11 of them modernised "
        "(halokielce.pl, 2023); space heating from the city DH network.",
        0.05,
        False,
        (("uroczysko_tower", 1.0),),
    ),
    DistrictSpec(
        "Osiedla KSM",
        "Kielce",
        "Estates of the Kielecka Spółdzielnia Mieszkaniowa, heated by KSM's own systems and "
        "boiler houses WLM-I and WLM-II (heat supply plan of Kielce, 2014).",
        0.11,
        False,
        (("panel_lowrise_1970s", 0.7), ("panel_tower_1970s", 0.3)),
    ),
    DistrictSpec(
        "Czarnów",
        "Kielce",
        "First blocks built 1950-51 (kielce.naszemiasto.pl), later panel blocks.",
        0.05,
        False,
        (("block_1950s", 0.6), ("panel_lowrise_1970s", 0.4)),
    ),
    DistrictSpec(
        "Podkarczówka",
        "Kielce",
        "Built by the RSM Armatury housing cooperative (sagapedia.com, Karczówka).",
        0.05,
        False,
        (("coop_block_1990s", 1.0),),
    ),
    DistrictSpec(
        "Panorama i Via Botanica",
        "Kielce",
        "Small new estates (sagapedia.com, Karczówka).",
        0.04,
        False,
        (("new_block", 1.0),),
    ),
    DistrictSpec(
        "Śródmieście",
        "Kielce",
        "City centre: pre-war tenements heated by DH, flat gas boilers, electric storage "
        "heaters or stoves, and new infill blocks.",
        0.10,
        False,
        (("tenement", 0.8), ("new_block", 0.2)),
    ),
    DistrictSpec(
        "Baranówek",
        "Kielce",
        "Mostly single-family houses (nowosci.com.pl); stands for the city's single-family "
        "areas, sized so that ~54 % of Kielce residents are on the city DH network (REF §4a).",
        0.20,
        False,
        (("house_city", 1.0),),
    ),
    DistrictSpec(
        "Masłów",
        "Masłów",
        "KOF gmina east of Kielce, 11,087 inhabitants (2020); single-family houses; water "
        "supplied by Wodociągi Kieleckie (REF §1b, §3).",
        0.09,
        True,
        (("house_maslow", 1.0),),
    ),
    DistrictSpec(
        "Morawica",
        "Morawica",
        "KOF gmina south of Kielce, 17,784 inhabitants; 5,500 dwellings of 112.8 m² on "
        "average; 38.1 % on network gas (REF §1b, poland.gg 2022).",
        0.09,
        True,
        (("house_morawica", 1.0),),
    ),
)

# Non-residential premises: share of all premises and how they are drawn.
PUBLIC_SHARE = 0.015
COMMERCIAL_SHARE = 0.05
PUBLIC_KINDS = {"school": 0.5, "office": 0.3, "community": 0.2}
# Floor area (m²), storeys and construction years of public buildings (assumption).
PUBLIC_AREA_M2 = {
    "school": (2000.0, 5000.0),
    "office": (1000.0, 3000.0),
    "community": (400.0, 1200.0),
}
PUBLIC_FLOORS = {"school": (2, 3), "office": (3, 5), "community": (1, 2)}
PUBLIC_YEARS = {"school": (1958, 1995), "office": (1965, 2010), "community": (1950, 2000)}
PUBLIC_RETROFIT_SHARE = 0.7
# Commercial buildings: 1-3 shop/service units of 60-400 m² (assumption).
SHOP_AREA_M2 = (60.0, 400.0)
SHOPS_PER_BUILDING = (1, 3)
COMMERCIAL_YEARS = (1965, 2022)
