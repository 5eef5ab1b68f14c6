"""Saving tips on hand-computed profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.enums import Tariff
from core.residents import tips_compute as tc
from core.residents.model import TipKind
from core.tariffs import PRICES_2026, TariffPrices, Zone
from core.tariffs.pricing import DAYS_PER_MONTH

# Round prices (net): G11 0.75 PLN/kWh + 1 PLN/day fixed; G12 and G12w 1.0 peak, 0.4 off-peak
# + 1.2 PLN/day fixed; VAT 23 %.
SIMPLE = {
    Tariff.G11: TariffPrices(Tariff.G11, {Zone.ALL_DAY: 0.5}, {Zone.ALL_DAY: 0.25}, DAYS_PER_MONTH),
    **{
        t: TariffPrices(
            t,
            {Zone.PEAK: 0.6, Zone.OFF_PEAK: 0.3},
            {Zone.PEAK: 0.4, Zone.OFF_PEAK: 0.1},
            1.2 * DAYS_PER_MONTH,
        )
        for t in (Tariff.G12, Tariff.G12W)
    },
}


def _quarters(days: int, start: str = "2026-01-12") -> pd.DatetimeIndex:
    """Two full weeks from Monday 12 January 2026 (no public holiday)."""
    first = pd.Timestamp(start, tz="Europe/Warsaw")
    return pd.date_range(first, first + pd.Timedelta(days=days), freq="15min", inclusive="left")


def test_base_load_is_the_median_night_minimum_priced_at_the_tariff() -> None:
    profile = pd.Series(0.05, _quarters(14))  # 200 W all the time
    tip = tc.base_load_tip(profile, Tariff.G11, SIMPLE)
    assert tip is not None
    assert tip.kind is TipKind.BASE_LOAD
    assert tip.evidence["base_load_w"] == 200
    # (200 - 50) W x 8,760 h = 1,314 kWh/yr at 0.75 x 1.23 = 0.9225 PLN/kWh
    assert tip.evidence["excess_kwh_per_year"] == 1314
    assert tip.saving_pln_per_year == round(1314 * 0.9225)


def test_a_small_base_load_gets_no_tip() -> None:
    profile = pd.Series(0.052 / 4, _quarters(14))  # 52 W: 17.5 kWh/yr, 16 PLN < 20 PLN
    assert tc.base_load_tip(profile, Tariff.G11, SIMPLE) is None
    assert tc.base_load_tip(profile.iloc[: 96 * 3], Tariff.G11, SIMPLE) is None  # 3 nights


def test_cheapest_tariff_on_a_flat_profile_by_hand() -> None:
    profile = pd.Series(0.25, _quarters(14))  # 1 kWh every hour, 14 days incl. 4 weekend days
    tips = tc.tariff_tips(profile, Tariff.G11, SIMPLE)
    assert [t.kind for t in tips] == [TipKind.TARIFF]
    tip = tips[0]
    # G11: 14 x (24 x 0.75 + 1) = 266.0 net; G12w: 10 x (14 x 1.0 + 10 x 0.4 + 1.2)
    # + 4 x (24 x 0.4 + 1.2) = 235.2 net; saving 30.8 x 1.23 = 37.884 PLN in 14 days
    assert tip.evidence["best_tariff"] == "G12w"
    assert tip.saving_pln_per_year == round(37.884 * 365 / 14)  # 988
    assert tip.evidence["G11_pln_per_year"] == round(266.0 * 1.23 * 365 / 14)
    # flat profile: nothing above the base load to shift
    assert not [t for t in tips if t.kind is TipKind.LOAD_SHIFT]


def test_load_shifting_moves_a_fifth_of_the_evening_peak() -> None:
    idx = _quarters(14)
    local = idx.tz_convert("Europe/Warsaw")
    evening = (local.hour >= 18) & (local.hour < 20)
    profile = pd.Series(np.where(evening, 0.30, 0.05), idx)  # 2 kWh/day above a 200 W base
    tips = tc.tariff_tips(profile, Tariff.G12W, SIMPLE)
    # G12w is already the cheapest (83.68 net against G11 85.40 and G12 95.20): no tariff tip.
    assert [t.kind for t in tips] == [TipKind.LOAD_SHIFT]
    shift = tips[0]
    # peak-zone use above the base: 10 weekdays x 2 kWh = 20 kWh; a fifth is 4 kWh in 14 days,
    # each saving (1.0 - 0.4) x 1.23 = 0.738 PLN
    assert shift.evidence["shift_kwh_per_year"] == round(4 * 365 / 14)
    assert shift.saving_pln_per_year == round(4 * 0.738 * 365 / 14)  # 77
    assert shift.evidence["needs_tariff_change"] == "no"


def test_too_short_a_profile_gives_no_tariff_advice() -> None:
    assert tc.tariff_tips(pd.Series(0.25, _quarters(10)), Tariff.G11, SIMPLE) == []


def _hours(days: int) -> pd.DatetimeIndex:
    first = pd.Timestamp("2026-01-12", tz="Europe/Warsaw")
    return pd.date_range(first, first + pd.Timedelta(days=days), freq="h", inclusive="left")


def test_continuous_night_flow_is_a_leak_priced_at_the_water_tariff() -> None:
    idx = _hours(14)
    night = (idx.hour >= 2) & (idx.hour < 5)
    water = pd.Series(np.where(night, 0.006, 0.02), idx)  # 6 L/h never stops at night
    tip = tc.night_water_tip(water)
    assert tip is not None
    assert tip.evidence["night_flow_l_per_h"] == 6.0
    assert tip.evidence["nights_with_flow"] == 14
    # 0.006 m³/h x 8,760 h = 52.56 m³/yr x 14.30 PLN/m³
    assert tip.saving_pln_per_year == round(52.56 * 14.30)


def test_no_leak_when_the_night_is_quiet_or_flow_is_occasional() -> None:
    idx = _hours(14)
    night = (idx.hour >= 2) & (idx.hour < 5)
    assert tc.night_water_tip(pd.Series(np.where(night, 0.0, 0.02), idx)) is None
    odd_days = np.asarray(idx.day % 2 == 1)
    occasional = np.where(night & odd_days, 0.006, np.where(night, 0.0, 0.02))
    assert tc.night_water_tip(pd.Series(occasional, idx)) is None


def test_heat_signature_and_heating_tip_against_similar_households() -> None:
    days = pd.date_range("2026-01-01", periods=21, freq="D").date
    t = pd.Series(np.linspace(-10, 10, 21), index=days)
    q = 10 + 3 * (15 - t).clip(lower=0)  # 10 kWh/day + 3 kWh per degree-day
    base, slope, n = tc.heat_signature(q, t)
    assert (base, slope, n) == (pytest.approx(10), pytest.approx(3), 21)
    # own 3 kWh/(K·day) over 100 m² = 30 Wh/(m²·K·day); peers' median 20
    tip = tc.heating_tip(slope, 100.0, n, [0.02] * 12, 0.3225, min_group=10)
    assert tip is not None
    # 0.01 kWh/(m²·K·day) x 100 m² x 2,766 K·day = 2,766 kWh x 0.3225 PLN/kWh
    assert tip.evidence["excess_kwh_per_year"] == 2766
    assert tip.saving_pln_per_year == round(2766 * 0.3225)
    assert tc.heating_tip(slope, 100.0, n, [0.02] * 9, 0.3225, min_group=10) is None


def test_documented_prices() -> None:
    assert tc.WATER_PRICE_PLN_PER_M3 == 14.30
    assert pytest.approx(0.3225, abs=1e-4) == tc.GAS_PRICE_PLN_PER_KWH
    assert PRICES_2026[Tariff.G12W].assumption  # G12w rates are assumed, and say so
