"""Consumption the simulated devices measure, consistent with the KOF reference region.

The reference region's own profile functions (``core.region``) are being written; until they
exist, these small load models stand behind the ``LoadModel`` interface so the simulator can
switch to them without other changes. The figures are the region's (REFERENCE_FIGURES.md):

- electricity: a city household uses 1,741.8 kWh/yr (REF §2a, GUS 2021), scaled with household
  size by an elasticity of 0.45 around 2.52 persons (the region's assumption, REF §2a);
- water: 94 L per person and day in cities (REF §3, GUS);
- heat: space heating 120 kWh/m²·yr (REF §4b: thermo-modernised 1967-85 blocks, 240-280
  as built less 25-45 %) below a 15 °C balance temperature (Eurostat HDD method), plus hot
  water 38.4 L/person·day heated from 10 to 55 °C (REF §3, Polish EP methodology); monthly
  mean temperatures of Kielce (REF §10).

Each model gives the instantaneous quantities (power, flow, temperatures, voltages) and the
rates of the cumulative ones (per hour), under canonical names; ``SimulatedDevice`` converts
them to the names and units of a device's profile.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from core.enums import Medium
from metering.config import DeviceSimulation

_LOCAL = ZoneInfo("Europe/Warsaw")

E_HOUSEHOLD_CITY_KWH_PER_YR = 1741.8  # REF §2a
E_HOUSEHOLD_SIZE_ELASTICITY = 0.45  # REF §2a (region assumption)
MEAN_HOUSEHOLD_PERSONS = 2.52  # NSP 2021 city mean (REF §1)
WATER_L_PER_PERSON_DAY = 94.0  # REF §3
SPACE_HEAT_KWH_PER_M2_YR = 120.0  # REF §4b, retrofitted 1967-85 block
DHW_L_PER_PERSON_DAY = 38.4  # REF §3: 48 L at 55 °C less 20 % with flat meters
HEATING_BALANCE_T_DEGC = 15.0  # Eurostat HDD threshold
WATER_KWH_PER_M3_K = 1.163  # 4.186 kJ/(kg K) / 3.6
MONTHLY_T_MEAN_DEGC = (
    -2.5,
    -2.0,
    2.0,
    8.5,
    13.5,
    16.0,
    18.5,
    17.5,
    13.5,
    8.5,
    3.0,
    -1.0,
)  # REF §10

# Share of the daily mean by local hour: night trough, morning and evening peaks (assumption,
# shaped like the Polish G11 standard load profile).
_E_HOURLY = (
    0.55,
    0.48,
    0.45,
    0.44,
    0.45,
    0.55,
    0.85,
    1.10,
    1.05,
    0.95,
    0.92,
    0.93,
    0.98,
    0.97,
    0.95,
    1.00,
    1.12,
    1.35,
    1.60,
    1.72,
    1.65,
    1.45,
    1.10,
    0.80,
)
_W_HOURLY = (
    0.15,
    0.10,
    0.08,
    0.08,
    0.10,
    0.35,
    1.40,
    2.10,
    1.70,
    1.10,
    0.95,
    0.95,
    1.05,
    1.00,
    0.90,
    0.95,
    1.10,
    1.35,
    1.65,
    1.85,
    1.70,
    1.40,
    0.85,
    0.40,
)
_E_MEAN = sum(_E_HOURLY) / 24.0
_W_MEAN = sum(_W_HOURLY) / 24.0


class LoadModel(Protocol):
    """What a simulated device measures at a time.

    ``instantaneous`` returns canonical instantaneous quantities (``power_w``,
    ``flow_m3_per_h``, ``t_supply_degc``...); ``rates_per_h`` the growth per hour of the
    canonical cumulative ones (``energy_import_kwh``, ``volume_m3``...).
    """

    medium: Medium

    def instantaneous(self, t: datetime) -> dict[str, float]: ...

    def rates_per_h(self, t: datetime) -> dict[str, float]: ...


def _hash_unit(seed: int, k: int) -> float:
    """A reproducible number in [0, 1) for (seed, k): splitmix64."""
    z = (seed * 0x9E3779B97F4A7C15 + k * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & (2**64 - 1)
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
    return ((z ^ (z >> 31)) >> 11) / float(2**53)


def smooth_noise(seed: int, t: datetime, knot_s: float = 1800.0, sigma: float = 0.25) -> float:
    """Mean-one multiplicative noise, interpolated between knots every ``knot_s`` seconds."""
    x = t.timestamp() / knot_s
    k = math.floor(x)
    w = x - k
    a = _hash_unit(seed, k) + _hash_unit(seed, k + 10**9)  # triangular on [0, 2), mean 1
    b = _hash_unit(seed, k + 1) + _hash_unit(seed, k + 1 + 10**9)
    z = (1.0 - w) * a + w * b - 1.0  # about N(0, 0.4)
    return math.exp(sigma * 2.4 * z - 0.5 * sigma * sigma)


def outdoor_t_degc(t: datetime, seed: int = 0) -> float:
    """Outdoor temperature: Kielce's monthly means, a daily cycle of ±4 K and weather noise."""
    local = t.astimezone(_LOCAL)
    month_pos = (local.month - 1) + (local.day - 1) / 31.0
    lo = math.floor(month_pos - 0.5)
    w = month_pos - 0.5 - lo
    mean = (1 - w) * MONTHLY_T_MEAN_DEGC[lo % 12] + w * MONTHLY_T_MEAN_DEGC[(lo + 1) % 12]
    hour = local.hour + local.minute / 60.0
    daily = -4.0 * math.cos(2 * math.pi * (hour - 3.0) / 24.0)
    weather = 6.0 * (math.log(smooth_noise(seed, t, knot_s=3 * 86400.0, sigma=0.3)) + 0.045)
    return mean + daily + weather


class ElectricityLoad:
    """A household's electricity use (three phases, unbalanced)."""

    medium = Medium.ELECTRICITY

    def __init__(self, sim: DeviceSimulation, seed: int):
        self.seed = seed
        persons = sim.persons
        self.annual_kwh = (
            sim.annual_consumption
            or E_HOUSEHOLD_CITY_KWH_PER_YR
            * (persons / MEAN_HOUSEHOLD_PERSONS) ** E_HOUSEHOLD_SIZE_ELASTICITY
        )
        self.mean_kw = self.annual_kwh / 8760.0
        split = [0.5 + _hash_unit(seed, 1), 0.5 + _hash_unit(seed, 2), 0.5 + _hash_unit(seed, 3)]
        self.phase_share = [s / sum(split) for s in split]

    def power_kw(self, t: datetime) -> float:
        local = t.astimezone(_LOCAL)
        hour = local.hour
        w = local.minute / 60.0
        shape = ((1 - w) * _E_HOURLY[hour] + w * _E_HOURLY[(hour + 1) % 24]) / _E_MEAN
        season = 1.0 + 0.15 * math.cos(2 * math.pi * (local.timetuple().tm_yday - 15) / 365.25)
        return self.mean_kw * shape * season * smooth_noise(self.seed, t, 900.0, 0.35)

    def instantaneous(self, t: datetime) -> dict[str, float]:
        p_w = 1000.0 * self.power_kw(t)
        out = {
            "power_w": p_w,
            "frequency_hz": 50.0 + 0.04 * (smooth_noise(self.seed + 7, t, 60.0) - 1),
        }
        for i, share in enumerate(self.phase_share, start=1):
            volts = 230.0 + 4.0 * (smooth_noise(self.seed + 10 + i, t, 300.0, 0.2) - 1.0)
            out[f"voltage_l{i}_v"] = volts
            out[f"power_l{i}_w"] = p_w * share
            out[f"current_l{i}_a"] = p_w * share / volts
        return out

    def rates_per_h(self, t: datetime) -> dict[str, float]:
        return {"energy_import_kwh": self.power_kw(t), "energy_export_kwh": 0.0}


class WaterLoad:
    """A flat's cold-water use."""

    medium = Medium.WATER

    def __init__(self, sim: DeviceSimulation, seed: int):
        self.seed = seed
        annual_m3 = sim.annual_consumption or sim.persons * WATER_L_PER_PERSON_DAY * 365.25 / 1000
        self.mean_m3_per_h = annual_m3 / 8766.0

    def flow_m3_per_h(self, t: datetime) -> float:
        local = t.astimezone(_LOCAL)
        w = local.minute / 60.0
        shape = ((1 - w) * _W_HOURLY[local.hour] + w * _W_HOURLY[(local.hour + 1) % 24]) / _W_MEAN
        return self.mean_m3_per_h * shape * smooth_noise(self.seed, t, 600.0, 0.5)

    def instantaneous(self, t: datetime) -> dict[str, float]:
        season = -2.0 * math.cos(2 * math.pi * (t.timetuple().tm_yday - 15) / 365.25)
        return {"flow_m3_per_h": self.flow_m3_per_h(t), "t_water_degc": 10.0 + season}

    def rates_per_h(self, t: datetime) -> dict[str, float]:
        return {"volume_m3": self.flow_m3_per_h(t)}


class HeatLoad:
    """A building's (or flat's) district-heating substation: space heating plus hot water."""

    medium = Medium.HEAT

    def __init__(self, sim: DeviceSimulation, seed: int):
        self.seed = seed
        # degree-hours of an average year below the balance temperature, from the monthly means
        degree_h = sum(max(0.0, HEATING_BALANCE_T_DEGC - t) * 730.5 for t in MONTHLY_T_MEAN_DEGC)
        space_kwh = SPACE_HEAT_KWH_PER_M2_YR * sim.floor_area_m2
        dhw_kwh = sim.persons * DHW_L_PER_PERSON_DAY * 365.25 / 1000 * 45.0 * WATER_KWH_PER_M3_K
        if sim.annual_consumption:
            factor = sim.annual_consumption / (space_kwh + dhw_kwh)
            space_kwh, dhw_kwh = space_kwh * factor, dhw_kwh * factor
        self.kw_per_k = space_kwh / degree_h
        self.dhw_kw = dhw_kwh / 8766.0

    def _state(self, t: datetime) -> tuple[float, float, float]:
        t_out = outdoor_t_degc(t, self.seed % 7)
        deficit = max(0.0, HEATING_BALANCE_T_DEGC - t_out)
        power_kw = (self.kw_per_k * deficit + self.dhw_kw) * smooth_noise(
            self.seed, t, 1800.0, 0.15
        )
        t_supply = min(90.0, 55.0 + 1.0 * deficit)
        delta_k = 10.0 + 0.5 * deficit
        return power_kw, t_supply, delta_k

    def instantaneous(self, t: datetime) -> dict[str, float]:
        power_kw, t_supply, delta_k = self._state(t)
        return {
            "power_w": 1000.0 * power_kw,
            "flow_m3_per_h": power_kw / (WATER_KWH_PER_M3_K * delta_k),
            "t_supply_degc": t_supply,
            "t_return_degc": t_supply - delta_k,
        }

    def rates_per_h(self, t: datetime) -> dict[str, float]:
        power_kw, _, delta_k = self._state(t)
        return {"energy_heat_kwh": power_kw, "volume_m3": power_kw / (WATER_KWH_PER_M3_K * delta_k)}


_MODELS: dict[Medium, type] = {
    Medium.ELECTRICITY: ElectricityLoad,
    Medium.WATER: WaterLoad,
    Medium.HEAT: HeatLoad,
}


def load_model_for(medium: Medium, sim: DeviceSimulation, seed: int) -> LoadModel:
    """The load model of a medium (a registry: add a medium here and nowhere else)."""
    try:
        model = _MODELS[medium]
    except KeyError as err:
        raise ValueError(f"the simulator has no load model for {medium.value}") from err
    return model(sim, seed)
