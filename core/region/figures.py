"""Published figures the reference region is built from, each with its source.

"REF §x" points to ``/work/shared/REFERENCE_FIGURES.md`` section x, which names the original
publication. "(derived)" shows the calculation from sourced inputs. "assumption" marks a
modelling choice for which no published figure was found (REFERENCE_FIGURES caveat 13 lists the
gaps); each one is checked against a published total where one exists (see the tests).
"""

from __future__ import annotations

# --- place and climate ---------------------------------------------------------------------

# Kielce city centre, 50°52'N 20°37'E (en.wikipedia.org "Kielce" infobox).
KIELCE_LAT_DEG = 50.87
KIELCE_LON_DEG = 20.63
# Kielce-Suków synoptic station (REF §10, GUS / fotowizjer.republika.pl/klimat.htm).
WEATHER_STATION = "kielce-sukow"

# Monthly mean daily minimum / maximum, Jan..Dec, °C (REF §10, Wikipedia "Kielce" climate chart).
MONTHLY_T_MIN_DEGC = (-5.0, -5.0, -2.0, 3.0, 8.0, 11.0, 13.0, 12.0, 8.0, 4.0, 0.0, -3.0)
MONTHLY_T_MAX_DEGC = (0.0, 1.0, 6.0, 14.0, 19.0, 21.0, 24.0, 23.0, 19.0, 13.0, 6.0, 1.0)
# Monthly mean temperature, Jan..Dec, °C (REF §10, derived: midpoint of min and max).
MONTHLY_T_MEAN_DEGC = (-2.5, -2.0, 2.0, 8.5, 13.5, 16.0, 18.5, 17.5, 13.5, 8.5, 3.0, -1.0)
# Extremes at Kielce-Suków 1981-1997: +36.2 / -33.9 °C (REF §10); annual means 1996-98 6.3 to
# 7.8 °C (REF §10). The anomaly model below is checked against these, it is not fitted to them.
T_EXTREME_MAX_DEGC = 36.2
T_EXTREME_MIN_DEGC = -33.9
# Day-to-day anomaly of the temperature (assumption; no Kielce statistic in REF §10): synoptic
# component with a 3-day e-folding time, SD 4.0 °C in winter and 2.5 °C in summer; slow
# component (15 days) SD 1.7 / 0.7 °C; fast component (3 h) SD 0.6 °C.
T_SYNOPTIC_TAU_H = 72.0
T_SYNOPTIC_SD_WINTER_DEGC = 4.0
T_SYNOPTIC_SD_SUMMER_DEGC = 2.5
T_SLOW_TAU_H = 360.0
T_SLOW_SD_WINTER_DEGC = 1.7
T_SLOW_SD_SUMMER_DEGC = 0.7
T_FAST_TAU_H = 3.0
T_FAST_SD_DEGC = 0.6
# Clear days are colder in winter and warmer in summer, by this much per SD of the cloudiness
# anomaly (assumption).
T_CLOUD_COUPLING_DEGC = 1.2

# Global horizontal irradiation, central Poland 1,022-1,048 kWh/m²·yr (REF §10, pgie.pl);
# the generator is calibrated to the midpoint. Share of the annual sum in Apr-Sep 77 %
# (REF §10, prosolis.pl); sunshine 1,390-1,900 h/yr (pgie.pl).
GHI_ANNUAL_RANGE_KWH_PER_M2 = (1022.0, 1048.0)
GHI_ANNUAL_TARGET_KWH_PER_M2 = 1035.0
GHI_SHARE_APR_SEP = 0.77

# Wind in the Holy Cross Mountains 2.5-4 m/s (REF §10, swietokrzyskieabc.blogspot.com). Mean
# 3.2 m/s, winter +0.4 / summer -0.4 m/s (assumption); Rayleigh distributed (Weibull k = 2),
# as the modulus of two Gaussian wind components (assumption, usual for inland sites).
WIND_MEAN_M_PER_S = 3.2
WIND_SEASONAL_AMPLITUDE_M_PER_S = 0.4
WIND_RANGE_M_PER_S = (2.5, 4.0)

# Heating threshold 15 °C as in Eurostat's heating degree-days (nrg_chdd_a methodology: heating
# is counted when the daily mean is at or below 15 °C).
HEATING_BALANCE_T_DEGC = 15.0

# --- population and housing -----------------------------------------------------------------

# Residents on the Kielce city DH network ~100,000 (REF §4a) of 186,894 (REF §1a, NSP 2021):
# share 0.535 (derived). KSM runs its own DH systems (REF §4a) and is counted separately.
DH_CITY_NETWORK_RESIDENTS = 100_000
KIELCE_RESIDENTS_NSP2021 = 186_894
DH_CITY_NETWORK_SHARE = DH_CITY_NETWORK_RESIDENTS / KIELCE_RESIDENTS_NSP2021

# Household size shares for 1..6 persons.
# Cities: 1 person 27 %, 4+ persons 25.4 % (GUS "Rodziny w Polsce w świetle wyników NSP 2021",
# reported by pomorska.pl 2024-01); 2/3/5/6 split so the mean is 2.52, the NSP 2011 city mean
# being 2.54 (GUS "Warunki mieszkaniowe gospodarstw domowych i rodzin", NSP 2011).
HOUSEHOLD_SIZE_SHARES_CITY = (0.27, 0.29, 0.19, 0.17, 0.06, 0.02)
# Rural: 1 person 13.6 %, 2 persons 28.2 %, 3 persons 18.2 % (same NSP 2021 report); the 4+
# split gives a mean of 3.13, between the NSP 2021 national 2.99 and the NSP 2011 rural 3.40.
HOUSEHOLD_SIZE_SHARES_RURAL = (0.136, 0.282, 0.182, 0.20, 0.12, 0.08)

# Average dwelling area: urban comparator Skarżysko-Kamienna 60.7 m² (REF §1c); Morawica
# 112.8 m², Górno 111.6 m², Strawczyn 104.4 m² (REF §1b); single-family completions ~132 m²
# (REF §1c). Świętokrzyskie floor area per person 27.0 m² (REF §1c).
URBAN_DWELLING_AREA_M2 = 60.7
MORAWICA_DWELLING_AREA_M2 = 112.8
RURAL_DWELLING_AREA_M2 = (104.4, 112.8)
NEW_SINGLE_FAMILY_AREA_M2 = 132.0
FLOOR_AREA_PER_PERSON_M2 = 27.0

# --- electricity ----------------------------------------------------------------------------

# Average household consumption 2021: cities 1,741.8, rural 2,452.9 kWh/yr (REF §2a, GUS);
# URE's tariff assumption 1.8 MWh/yr (REF §2a).
E_HOUSEHOLD_CITY_KWH_PER_YR = 1741.8
E_HOUSEHOLD_RURAL_KWH_PER_YR = 2452.9
E_HOUSEHOLD_URE_KWH_PER_YR = 1800.0
# Household-size elasticity of electricity use (assumption: economies of scale, per-person use
# is not published, REF §2a "n/f"); totals are normalised to the GUS means above.
E_HOUSEHOLD_SIZE_ELASTICITY = 0.45
# Always-on load: median 45 W, lognormal sigma 0.45; 6 % of households ×3-5 (old freezer,
# aquarium, server) (assumption).
E_BASE_MEDIAN_KW = 0.045
E_BASE_SIGMA = 0.45
E_BASE_HIGH_SHARE = 0.06
E_BASE_HIGH_FACTOR = (3.0, 5.0)
# Share of household electricity used for lighting (assumption, ~12 %).
E_LIGHTING_SHARE = 0.12
# Spread between households of the same size (lognormal sigma, assumption).
E_HOUSEHOLD_SIGMA = 0.33

# Tariffs: G11 ~90 % of households (REF §2b, URE 2025); the ≤10 % multi-zone rest split
# 7 % G12 / 3 % G12w (assumption). Electric-heated premises: mostly G12 (assumption).
TARIFF_SHARES_HOUSEHOLD = {"G11": 0.90, "G12": 0.07, "G12w": 0.03}
TARIFF_SHARES_ELECTRIC_HEATING = {"G11": 0.10, "G12": 0.80, "G12w": 0.10}
TARIFF_SHARES_NON_RESIDENTIAL = {"C11": 0.75, "C12a": 0.25}
# G12 (PGE) cheaper hours 00-06, 13-15, 22-24 every day; G12w the same plus Saturday and
# Sunday (REF §2c). Share of a G12 household's flexible load moved into them (assumption).
G12_OFFPEAK_HOURS = ((0, 6), (13, 15), (22, 24))
G12_SHIFTED_SHARE = 0.25

# Non-residential electricity intensity, kWh/m²·yr: general office 95, schools and seasonal
# public buildings 40, public buildings with light usage 20 (CIBSE TM46:2008 Table 1); general
# retail 165 (same table).
E_INTENSITY_KWH_PER_M2 = {"school": 40.0, "office": 95.0, "community": 20.0, "shop": 165.0}
# Shops closed on Sundays and public holidays (Ustawa z 10 stycznia 2018 o ograniczeniu handlu
# w niedziele i święta, Dz.U. 2018 poz. 305). School classes end on the first Friday after
# 20 June, the summer break lasts to 31 August and the winter break is 23-31 December (MEN
# regulation on the school year, Dz.U. 2017 poz. 1603).
SCHOOL_YEAR_END_AFTER_JUNE_DAY = 20
SCHOOL_WINTER_BREAK_FROM_DEC_DAY = 23

# --- renewables -----------------------------------------------------------------------------

# PV specific yield 990.2 kWh/kWp·yr, 9 rooftop systems in SE Poland (REF §8, Gulkowski 2022).
PV_SPECIFIC_YIELD_KWH_PER_KWP = 990.2
# Prosumer installations end-2024: 12,045 MW in ~1.52 million installations (URE via
# pveurope.eu 2025): mean 7.9 kWp (derived). Microinstallations are at most 50 kW (same).
PV_HOUSE_MEAN_KWP = 12_045_000 / 1_520_000
PV_MICROINSTALLATION_MAX_KW = 50.0
# Share of houses, public and other buildings with rooftop PV (assumption, consistent with
# 1.5 million prosumers among Poland's households).
PV_SHARE = {"house": 0.20, "public": 0.40, "block": 0.10, "commercial": 0.15}

# --- water ----------------------------------------------------------------------------------

# Household water use ~2015: cities 94, rural 79 L/person/day (REF §3, GUS).
WATER_CITY_L_PER_PERSON_DAY = 94.0
WATER_RURAL_L_PER_PERSON_DAY = 79.0
# Continuous leaks (running cistern, dripping tap): share of premises and flow (assumption;
# REF §3 and caveat 13: leak rates n/f).
LEAK_SHARE = 0.03
LEAK_FLOW_L_PER_H = (2.0, 12.0)
# Hot-water use at 55 °C: multi-family 48, single-family 35 L/person/day, -20 % with flat
# water meters; schools 8 L/pupil, offices 7 L/employee, shops 25 L/employee (Polish
# energy-performance methodology, table of unit daily hot-water use, reproduced at
# images.elk.pl/c/911/5388).
DHW_MULTI_FAMILY_L_PER_PERSON_DAY = 48.0 * 0.8
DHW_SINGLE_FAMILY_L_PER_PERSON_DAY = 35.0
DHW_NON_RESIDENTIAL_L_PER_OCCUPANT_DAY = {
    "school": 8.0,
    "office": 7.0,
    "community": 7.0,
    "shop": 25.0,
}
DHW_SUPPLY_T_DEGC = 55.0
# Groundwater supply (REF §3: deep wells only) at ~10 °C (assumption).
COLD_WATER_T_DEGC = 10.0
WATER_HEAT_CAPACITY_WH_PER_L_K = 1.163  # physics: 4.186 kJ/(kg K) / 3.6
# Circulation and storage losses of central DHW in blocks (assumption, ×1.4).
DHW_DISTRIBUTION_LOSS_FACTOR = 1.4
# Hot water is ~40 % of household water (derived: 38.4 of 94 L/person/day); total water of
# non-residential occupants is taken as the hot-water figure ÷ 0.4 (derived).
NON_RESIDENTIAL_HOT_WATER_FRACTION = 0.4
# Occupant density (assumption): school 10 m²/pupil, office 20 m²/employee, community centre
# 40 m²/visitor-equivalent, shop 40 m²/employee.
OCCUPANT_AREA_M2 = {"school": 10.0, "office": 20.0, "community": 40.0, "shop": 40.0}

# --- heat -----------------------------------------------------------------------------------

# Seasonal space-heating energy by construction period, kWh/m²·yr, as built (REF §4b,
# energia.eco.pl): up to 1966 240-400; 1967-85 240-280; 1986-92 160-200; 1993-96 120-160;
# from 1997 80-150.
SPACE_HEAT_KWH_PER_M2_BY_PERIOD = (
    (1966, (240.0, 400.0)),
    (1985, (240.0, 280.0)),
    (1992, (160.0, 200.0)),
    (1996, (120.0, 160.0)),
    (2100, (80.0, 150.0)),
)
# Thermo-modernisation saves at least 25 % (Ustawa z 21 listopada 2008 o wspieraniu
# termomodernizacji i remontów, art. 5); up to 45 % assumed.
RETROFIT_SAVING_RANGE = (0.25, 0.45)
# Uroczysko: 37 tower blocks with gas water heaters, 11 modernised (REF §1d).
UROCZYSKO_RETROFIT_SHARE = 11 / 37
# Other panel estates: share of thermo-modernised blocks (assumption).
PANEL_RETROFIT_SHARE = 0.6
# Individually heated dwellings use less than their calculated demand (rooms kept cool, lower
# set-points), on average ~30 % less and more so the higher the calculated demand: the
# "prebound effect" (Sunikka-Blank & Galvin, Building Research & Information 40(3), 2012).
# Linear fit assumed: actual/calculated = 1.05 - 0.0015 m²·yr/kWh × q, within 0.4-1.0 (0.9 at
# 100, 0.75 at 200, 0.45 at 400 kWh/m²; ~0.77 over the region's houses). Not applied to blocks
# on DH, which are heated centrally.
PREBOUND_INTERCEPT = 1.05
PREBOUND_SLOPE_PER_KWH_PER_M2 = 0.0015
PREBOUND_RANGE = (0.4, 1.0)
# Heat-pump COP as a function of outdoor temperature: 3.0 + 0.08 K⁻¹ × T, within 1.8-4.5
# (assumption, air-source).
HEAT_PUMP_COP_AT_0_DEGC = 3.0
HEAT_PUMP_COP_SLOPE_PER_K = 0.08
HEAT_PUMP_COP_RANGE = (1.8, 4.5)

# --- gas ------------------------------------------------------------------------------------

# Gross calorific value of high-methane gas E: tariff standard 39.5 MJ/m³ = 10.972 kWh/m³
# (PGNiG tariff standard via instalacje-gazowe.info; simepolska.pl "Przelicznik kWh").
GAS_GCV_KWH_PER_M3 = 39.5 / 3.6
# Network-gas use per household customer 2020: cities 5,260, rural 10,235 kWh/yr (REF §5, GUS);
# per person in gas-using households 183 m³ urban (REF §5, PIE).
GAS_PER_CUSTOMER_CITY_KWH_PER_YR = 5260.0
GAS_PER_CUSTOMER_RURAL_KWH_PER_YR = 10235.0
# Dwellings with network gas: Morawica 38.1 % (2022), Świętokrzyskie 40.5 % (2018), urban
# comparator Skarżysko-Kamienna 81.8 % (2023) (REF §1b, §1c, §5).
GAS_NETWORK_SHARE_MORAWICA = 0.381
GAS_NETWORK_SHARE_REGION = 0.405
GAS_NETWORK_SHARE_URBAN = 0.818
# Cooking-only customers: PSG tariff group W-1 covers up to 1,100 kWh/yr; mean 700 kWh/yr for
# 2.5 persons (assumption within that group).
GAS_COOKING_KWH_PER_YR = 700.0
# Seasonal efficiency of gas boilers and water heaters on the gross calorific value
# (assumption).
GAS_BOILER_EFFICIENCY = 0.85

# --- water network: district metered areas (DMAs) ---------------------------------------------
# Each district is one DMA fed through a bulk inflow meter. The inflow is the IWA water balance
# (Alegre et al., "Performance Indicators for Water Supply Services", IWA 2006; AWWA M36):
# customers' true use + unbilled authorised use + apparent losses + real losses.
#
# Unbilled unmetered authorised use (mains flushing, fire fighting, the utility's own use):
# 1.25 % of system input, and unauthorised use (theft, illegal connections): 0.25 % of system
# input; the default values of the AWWA Free Water Audit Software (AWWA M36, "Water Audits and
# Loss Control Programs", 4th ed., 2016). No Polish figure is published (REF §3, caveat 13).
UNBILLED_UNMETERED_SHARE_OF_INPUT = 0.0125
UNAUTHORISED_SHARE_OF_INPUT = 0.0025
# Unbilled use happens by day (flushing crews, hydrants): 8:00-16:00 local, day-to-day spread
# lognormal sigma 0.5 (assumption).
UNBILLED_HOURS = (8, 16)
UNBILLED_DAY_SIGMA = 0.5
# Customer meters register less than passes them; 2 % is the planning value the water balance
# uses (water/balance.py, assumption: no Polish figure); per meter 1-3 % (assumption).
METER_UNDER_REGISTRATION_RANGE = (0.01, 0.03)
# Real losses. Water lost from the networks of Poland's ~3,000 utilities: ~321 hm³ in 2019
# (REF §3, portalkomunalny.pl, GUS). Service connections: ~5.9 million at the end of 2020, of
# which 113.7 thousand were added in 2020 (GUS "Infrastruktura komunalna w 2020 r.", reported
# by sozosfera.pl "Długość sieci wodociągowej w Polsce wzrosła"), so ~5.79 million in 2019:
# 321e9 L / 5.79e6 / 365 ≈ 152 L per connection and day (derived). Taken as the real losses of
# a network performing like the national average (apparent losses are modelled separately).
GUS_WATER_LOST_2019_M3_PER_YR = 321e6
GUS_CONNECTIONS_2019 = 5.9e6 - 113.7e3
REAL_LOSSES_NATIONAL_L_PER_CONNECTION_DAY = (
    GUS_WATER_LOST_2019_M3_PER_YR * 1000.0 / GUS_CONNECTIONS_2019 / 365.0
)
# Distribution mains per service connection (derived from the same GUS release, 2020): 313.4
# thousand km for ~5.9 million connections nationally (53.1 m); cities 72.0 thousand km for the
# 38 % of connections there (32.1 m); rural areas 241.4 thousand km for 62 % (66.0 m).
MAINS_M_PER_CONNECTION_NATIONAL = 313.4e6 / 5.9e6
MAINS_M_PER_CONNECTION_CITY = 72.0e6 / (0.38 * 5.9e6)
MAINS_M_PER_CONNECTION_RURAL = 241.4e6 / (0.62 * 5.9e6)
# Private pipe from the property boundary to the customer meter: 10 m per connection
# (assumption).
PRIVATE_PIPE_M_PER_CONNECTION = 10.0
# Unavoidable annual real losses, UARL [L/day] = (18 Lm + 0.8 Nc + 25 Lp) × P, Lm mains km, Nc
# connections, Lp private pipe km, P pressure m (Lambert, Brown, Takizawa & Weimer, "A review of
# performance indicators for real losses from water supply systems", J. Water SRT - Aqua 48(6),
# 1999). Its coefficients weight the network's parts: a DMA's real losses are the national
# average per connection scaled by its UARL per connection over the national one (the same
# infrastructure leakage index and pressure everywhere).
UARL_L_PER_KM_MAINS_DAY_M = 18.0
UARL_L_PER_CONNECTION_DAY_M = 0.8
UARL_L_PER_KM_PRIVATE_DAY_M = 25.0
# Pressure: the zone's night pressure 50 m (the UARL standard pressure; assumption), minus the
# head loss to the zone, which grows with demand to the power 1.85 (Hazen-Williams) and reaches
# 15 m at the period's peak hour (assumption).
NIGHT_PRESSURE_M = 50.0
PEAK_HEAD_LOSS_M = 15.0
HEAD_LOSS_EXPONENT = 1.85
# Leak flow varies with pressure to the power N1 (FAVAD): 1.5 for background leakage at joints
# and fittings, 0.5 for a burst through a fixed orifice (Thornton, Sturm & Kunkel, "Water Loss
# Control", 2nd ed., McGraw-Hill 2008, §10.6; May, "Pressure dependent leakage", World Water
# and Environmental Engineering, 1994).
BACKGROUND_LEAK_N1 = 1.5
BURST_N1 = 0.5
# Background leakage drifts as small leaks appear and are repaired: AR(1) with a 10-day time
# constant and SD 5 % (assumption).
BACKGROUND_DRIFT_TAU_H = 240.0
BACKGROUND_DRIFT_SD = 0.05
# One unreported burst on a service connection in the region: 1.6 m³/h at 50 m (the service
# connection burst flow behind the UARL formula, Lambert et al. 1999), in a DMA drawn in
# proportion to its connections, starting 40-70 % into the period (periods of 14 days or more)
# and running to its end.
BURST_FLOW_M3_PER_H_AT_50_M = 1.6
BURST_START_SHARE = (0.4, 0.7)
BURST_MIN_DAYS = 14
