"""Saving tips computed from a household's profile (pure: pandas in, ``Tip`` out).

Figures and their sources:

- ``REFERENCE_BASE_LOAD_W`` 50 W: the always-on load of an efficient household - a modern
  fridge-freezer (~25 W on average), a router (~10 W) and devices on standby (~15 W)
  (assumption; EU ecodesign limits standby to 0.5 W per device, Reg. (EU) 2023/826).
- ``SHIFTABLE_SHARE`` 20 %: the part of peak-zone use above the base load that a household can
  move to off-peak hours (washing machine, dishwasher, charging, water heating) (assumption).
- ``WATER_PRICE_PLN_PER_M3`` 14.30 gross: Wodociągi Kieleckie household water and sewage
  13.24 PLN/m³ net in the 2024-27 tariff (radiofama.com.pl, approved by Wody Polskie) + 8 % VAT.
- ``GAS_PRICE_PLN_PER_KWH`` 0.3225 gross: PGNiG OD tariff no. 16 gas fuel 204.26 PLN/MWh
  (URE, from 1 Jul 2025; fakt.pl 2025-05) less 3.4 % from 25 Feb 2026 (URE, myOrlen tariff
  change no. 1) = 197.31, plus PSG W-3 distribution 65.23 PLN/MWh (URE, from 1 Jul 2024;
  wprost.pl) less 0.5 % for 2026 (URE, fakt.pl 2025-12-17) = 64.90; 262.21 net + 23 % VAT.
- ``HEAT_PRICE_PLN_PER_KWH`` 0.5004: district heat in Kielce 139 PLN/GJ from January 2024
  (MPEC Kielce's president, PAP via portalspozywczy.pl 2023-10) / 277.78 kWh/GJ.
- ``HDD_PER_YEAR`` 2,766 K·day: heating degree-days at the 15 °C threshold (as Eurostat) from
  the Kielce monthly mean temperatures of REF §10, monthly-mean method (derived, indicative).
- Night water: a continuous flow is a minimum hourly volume of at least 1.5 L in the night hours
  02-05 on at least 80 % of nights (a dripping tap drips ~1-2 L/h; assumption).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.enums import Tariff
from core.residents.model import Tip, TipKind
from core.tariffs import Bill, TariffPrices, Zone, compare_tariffs, prices_for
from core.tariffs.pricing import variable_price_gross
from core.tariffs.zones import zone_labels
from core.timeutil import LOCAL_TZ_NAME

REFERENCE_BASE_LOAD_W = 50.0
SHIFTABLE_SHARE = 0.20
WATER_PRICE_PLN_PER_M3 = round(13.24 * 1.08, 2)
GAS_PRICE_PLN_PER_KWH = round((204.26 * (1 - 0.034) + 65.23 * (1 - 0.005)) / 1000 * 1.23, 4)
HEAT_PRICE_PLN_PER_KWH = round(139.0 / 277.78, 4)
HDD_PER_YEAR = 2766.0
HEATING_THRESHOLD_DEGC = 15.0
MIN_SAVING_PLN = 20.0
MIN_DAYS_ELECTRICITY = 14
MIN_NIGHTS = 7
NIGHT_HOURS_BASE_LOAD = (1, 5)  # local hours [1, 5): everybody asleep
NIGHT_HOURS_WATER = (2, 5)
LEAK_MIN_M3_PER_H = 0.0015
LEAK_NIGHT_SHARE = 0.8
MIN_HEATING_DAYS = 14


def _local(series: pd.Series) -> pd.Series:
    return series.tz_convert(LOCAL_TZ_NAME) if series.index.tz is not None else series


def night_minima(series: pd.Series, hours: tuple[int, int]) -> pd.Series:
    """Minimum value per local night within [hours), indexed by date."""
    s = _local(series)
    mask = (s.index.hour >= hours[0]) & (s.index.hour < hours[1])
    night = s[mask]
    return night.groupby(night.index.date).min()


def base_load_tip(
    energy_kwh: pd.Series, tariff: Tariff, table: dict[Tariff, TariffPrices] | None = None
) -> Tip | None:
    """Always-on load: the median of the nightly minimum power against an efficient household.

    Args:
        energy_kwh: 15-minute consumption, indexed by aware interval starts.
        tariff: the household's tariff (the saving is priced at its time-averaged rate).
    """
    if len(energy_kwh) == 0:
        return None
    step_h = pd.Series(energy_kwh.index).diff().median().total_seconds() / 3600
    minima = night_minima(energy_kwh, NIGHT_HOURS_BASE_LOAD) / step_h  # kW
    if len(minima) < MIN_NIGHTS:
        return None
    base_w = float(minima.median() * 1000)
    excess_w = base_w - REFERENCE_BASE_LOAD_W
    rate = float(np.mean(variable_price_gross(energy_kwh.index, tariff, prices_for(tariff, table))))
    kwh_per_year = excess_w * 8.76
    saving = kwh_per_year * rate
    if saving < MIN_SAVING_PLN:
        return None
    return Tip(
        TipKind.BASE_LOAD,
        round(saving, 0),
        {
            "base_load_w": round(base_w, 0),
            "reference_w": REFERENCE_BASE_LOAD_W,
            "nights": len(minima),
            "excess_kwh_per_year": round(kwh_per_year, 0),
            "price_pln_per_kwh": round(rate, 3),
        },
    )


def _annual(bill: Bill) -> float:
    return bill.gross_per_year_pln()


def tariff_tips(
    energy_kwh: pd.Series, tariff: Tariff, table: dict[Tariff, TariffPrices] | None = None
) -> list[Tip]:
    """The cheapest tariff on the actual profile, and load shifting to the off-peak zones.

    The profile is priced under G11, G12 and G12w (``core.tariffs``) and scaled to a year.
    Load shifting moves ``SHIFTABLE_SHARE`` of the peak-zone use above the base load to the
    off-peak zone of the cheapest two-zone tariff; for a G11 household its saving is what it
    adds to a tariff change (or, without one, what the change and the shift give together).
    """
    days = len(pd.Series(energy_kwh.index).dt.date.unique())
    if days < MIN_DAYS_ELECTRICITY or float(energy_kwh.sum()) <= 0:
        return []
    bills = compare_tariffs(energy_kwh, table=table)
    by_tariff = {b.tariff: b for b in bills}
    current = by_tariff[tariff]
    best = bills[0]
    tips: list[Tip] = []
    tariff_saving = _annual(current) - _annual(best)
    if best.tariff is not tariff and tariff_saving >= MIN_SAVING_PLN:
        evidence: dict[str, float | str] = {
            "current_tariff": tariff.value,
            "best_tariff": best.tariff.value,
            "days": days,
            **{f"{b.tariff.value}_pln_per_year": round(_annual(b), 0) for b in bills},
            "off_peak_share_g12": round(
                by_tariff[Tariff.G12].kwh_by_zone[Zone.OFF_PEAK] / max(current.kwh_total, 1e-9), 3
            ),
        }
        if best.assumption:
            evidence["assumption"] = best.assumption
        tips.append(Tip(TipKind.TARIFF, round(tariff_saving, 0), evidence))

    two_zone = min((b for b in bills if b.tariff is not Tariff.G11), key=_annual)
    zones = zone_labels(energy_kwh.index, two_zone.tariff)
    step_h = pd.Series(energy_kwh.index).diff().median().total_seconds() / 3600
    base_kwh = float(night_minima(energy_kwh, NIGHT_HOURS_BASE_LOAD).median()) if days else 0.0
    above = (energy_kwh - base_kwh).clip(lower=0).to_numpy()
    shift_kwh = SHIFTABLE_SHARE * float(above[zones == Zone.PEAK].sum())
    prices = prices_for(two_zone.tariff, table)
    spread = prices.variable_gross(Zone.PEAK) - prices.variable_gross(Zone.OFF_PEAK)
    shifted_annual = _annual(two_zone) - shift_kwh * spread * 365.0 / two_zone.days
    reference = _annual(current) - (tariff_saving if tips else 0.0)
    shift_saving = reference - shifted_annual
    if shift_saving >= MIN_SAVING_PLN and step_h > 0:
        tips.append(
            Tip(
                TipKind.LOAD_SHIFT,
                round(shift_saving, 0),
                {
                    "tariff": two_zone.tariff.value,
                    "shift_kwh_per_year": round(shift_kwh * 365.0 / two_zone.days, 0),
                    "shift_share": SHIFTABLE_SHARE,
                    "peak_pln_per_kwh": round(prices.variable_gross(Zone.PEAK), 3),
                    "off_peak_pln_per_kwh": round(prices.variable_gross(Zone.OFF_PEAK), 3),
                    "needs_tariff_change": "yes" if two_zone.tariff is not tariff else "no",
                },
            )
        )
    return tips


def night_water_tip(water_m3: pd.Series) -> Tip | None:
    """Continuous night flow in the flat (a running cistern, a dripping tap).

    Args:
        water_m3: hourly water consumption, indexed by aware interval starts.
    """
    minima = night_minima(water_m3, NIGHT_HOURS_WATER)
    if len(minima) < MIN_NIGHTS:
        return None
    recent = minima.iloc[-14:]
    flowing = recent >= LEAK_MIN_M3_PER_H
    if flowing.mean() < LEAK_NIGHT_SHARE:
        return None
    flow_m3_per_h = float(recent[flowing].median())
    m3_per_year = flow_m3_per_h * 8760
    return Tip(
        TipKind.NIGHT_WATER,
        round(m3_per_year * WATER_PRICE_PLN_PER_M3, 0),
        {
            "night_flow_l_per_h": round(flow_m3_per_h * 1000, 1),
            "nights_with_flow": int(flowing.sum()),
            "nights": len(recent),
            "m3_per_year": round(m3_per_year, 1),
            "price_pln_per_m3": WATER_PRICE_PLN_PER_M3,
        },
    )


def heat_signature(daily_kwh: pd.Series, daily_t_degc: pd.Series) -> tuple[float, float, int]:
    """Least-squares fit of daily heat = base + slope x HDD (HDD = max(0, 15 °C - T)).

    Returns:
        (base kWh/day, slope kWh per K·day, days used); slope is NaN with too few heating days.
    """
    frame = pd.concat({"q": daily_kwh, "t": daily_t_degc}, axis=1).dropna()
    hdd = (HEATING_THRESHOLD_DEGC - frame["t"]).clip(lower=0)
    if len(frame) < MIN_HEATING_DAYS or hdd.std() < 0.5:
        return float("nan"), float("nan"), len(frame)
    slope, base = np.polyfit(hdd.to_numpy(), frame["q"].to_numpy(), 1)
    return float(base), float(slope), len(frame)


def heating_tip(
    slope_kwh_per_kday: float,
    area_m2: float,
    days: int,
    peer_slopes_per_m2: list[float],
    price_pln_per_kwh: float,
    min_group: int,
) -> Tip | None:
    """Heating use per m² and degree-day against the median of similar households.

    The saving is the household's excess over the median, over a year's degree-days.
    """
    own = slope_kwh_per_kday / area_m2
    if len(peer_slopes_per_m2) < min_group or not np.isfinite(own):
        return None
    median = float(np.median(peer_slopes_per_m2))
    kwh_per_year = (own - median) * area_m2 * HDD_PER_YEAR
    saving = kwh_per_year * price_pln_per_kwh
    if saving < MIN_SAVING_PLN:
        return None
    return Tip(
        TipKind.HEATING,
        round(saving, 0),
        {
            "wh_per_m2_kday": round(own * 1000, 1),
            "peer_median_wh_per_m2_kday": round(median * 1000, 1),
            "peers": len(peer_slopes_per_m2),
            "days": days,
            "excess_kwh_per_year": round(kwh_per_year, 0),
            "price_pln_per_kwh": price_pln_per_kwh,
        },
    )
