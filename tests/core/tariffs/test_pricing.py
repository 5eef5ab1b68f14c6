"""Tariff zones and pricing against hand-computed cases."""

from __future__ import annotations

import pandas as pd
import pytest

from core.enums import Tariff
from core.exceptions import InputError
from core.tariffs import PRICES_2026, TariffPrices, Zone, compare_tariffs, price_profile
from core.tariffs.pricing import DAYS_PER_MONTH, variable_price_gross
from core.tariffs.zones import zone_labels

PLN = 1e-6  # tolerance of money figures computed from exact inputs

# Round test prices, so every figure below can be checked by hand.
SIMPLE = {
    Tariff.G11: TariffPrices(
        Tariff.G11, {Zone.ALL_DAY: 0.5}, {Zone.ALL_DAY: 0.25}, fixed_pln_per_month=DAYS_PER_MONTH
    ),
    Tariff.G12: TariffPrices(
        Tariff.G12,
        {Zone.PEAK: 0.6, Zone.OFF_PEAK: 0.3},
        {Zone.PEAK: 0.4, Zone.OFF_PEAK: 0.1},
        fixed_pln_per_month=1.2 * DAYS_PER_MONTH,
    ),
    Tariff.G12W: TariffPrices(
        Tariff.G12W,
        {Zone.PEAK: 0.6, Zone.OFF_PEAK: 0.3},
        {Zone.PEAK: 0.4, Zone.OFF_PEAK: 0.1},
        fixed_pln_per_month=1.2 * DAYS_PER_MONTH,
    ),
}


def _day(day: str, kwh_per_quarter: float = 0.25) -> pd.Series:
    start = pd.Timestamp(day, tz="Europe/Warsaw")
    end = start + pd.DateOffset(days=1)
    idx = pd.date_range(
        start.tz_convert("UTC"), end.tz_convert("UTC"), freq="15min", inclusive="left"
    )
    return pd.Series(kwh_per_quarter, index=idx)


@pytest.mark.parametrize(
    ("local", "zone"),
    [
        ("05:45", Zone.OFF_PEAK),
        ("06:00", Zone.PEAK),
        ("12:45", Zone.PEAK),
        ("13:00", Zone.OFF_PEAK),
        ("14:45", Zone.OFF_PEAK),
        ("15:00", Zone.PEAK),
        ("21:45", Zone.PEAK),
        ("22:00", Zone.OFF_PEAK),
    ],
)
def test_g12_zone_edges_on_a_working_day(local: str, zone: Zone) -> None:
    idx = pd.DatetimeIndex([pd.Timestamp(f"2026-01-07 {local}", tz="Europe/Warsaw")])
    assert zone_labels(idx, Tariff.G12)[0] == zone


@pytest.mark.parametrize(
    ("day", "zone"),
    [
        ("2026-01-10", Zone.OFF_PEAK),  # Saturday
        ("2026-01-11", Zone.OFF_PEAK),  # Sunday
        ("2026-01-06", Zone.OFF_PEAK),  # Epiphany, a Tuesday
        ("2026-04-06", Zone.OFF_PEAK),  # Easter Monday
        ("2026-11-11", Zone.OFF_PEAK),  # Independence Day, a Wednesday
        ("2026-01-07", Zone.PEAK),  # an ordinary Wednesday
    ],
)
def test_g12w_weekends_and_public_holidays_are_off_peak_all_day(day: str, zone: Zone) -> None:
    idx = pd.DatetimeIndex([pd.Timestamp(f"{day} 10:00", tz="Europe/Warsaw")])
    assert zone_labels(idx, Tariff.G12W)[0] == zone
    assert zone_labels(idx, Tariff.G12)[0] == Zone.PEAK  # G12 ignores the calendar


def test_dst_days_count_the_real_off_peak_hours() -> None:
    spring, autumn = _day("2026-03-29"), _day("2026-10-25")
    assert len(spring) == 92
    assert len(autumn) == 100
    # spring: 00, 01, 03, 04, 05 (02:00 does not exist) + 13-15 + 22-24 = 9 h = 36 quarters
    assert (zone_labels(spring.index, Tariff.G12) == Zone.OFF_PEAK).sum() == 36
    # autumn: 02:00 happens twice: 7 h + 2 h + 2 h = 11 h = 44 quarters
    assert (zone_labels(autumn.index, Tariff.G12) == Zone.OFF_PEAK).sum() == 44


def test_one_working_day_priced_by_hand_under_g11_and_g12() -> None:
    profile = _day("2026-01-07")  # 1 kWh per hour, 24 kWh
    g12 = price_profile(profile, Tariff.G12, SIMPLE[Tariff.G12])
    # off-peak 10 h, peak 14 h
    assert g12.kwh_by_zone == {Zone.PEAK: 14.0, Zone.OFF_PEAK: 10.0}
    assert g12.energy_pln_net == pytest.approx(14 * 0.6 + 10 * 0.3, abs=PLN)  # 11.4
    assert g12.distribution_pln_net == pytest.approx(14 * 0.4 + 10 * 0.1, abs=PLN)  # 6.6
    assert g12.fixed_pln_net == pytest.approx(1.2, abs=PLN)  # one day of the monthly charge
    assert g12.gross_pln == pytest.approx(19.2 * 1.23, abs=PLN)  # 23.616

    g11 = price_profile(profile, Tariff.G11, SIMPLE[Tariff.G11])
    assert g11.gross_pln == pytest.approx((24 * 0.75 + 1.0) * 1.23, abs=PLN)  # 23.37
    ranked = compare_tariffs(profile, table=SIMPLE)
    assert next(b.tariff for b in ranked) is Tariff.G11


def test_a_saturday_is_all_off_peak_under_g12w() -> None:
    bill = price_profile(_day("2026-01-10"), Tariff.G12W, SIMPLE[Tariff.G12W])
    assert bill.kwh_by_zone[Zone.PEAK] == 0.0
    assert bill.gross_pln == pytest.approx((24 * 0.4 + 1.2) * 1.23, abs=PLN)  # 13.284


def test_2026_g11_prices_reproduce_the_published_family_bill() -> None:
    # REF §2e: 212 PLN/month gross at 1.27 PLN/kWh all-in, so 166.93 kWh in a month.
    idx = pd.date_range("2026-02-02", periods=96, freq="15min", tz="Europe/Warsaw")
    month_kwh = 212.0 / 1.27
    bill = price_profile(pd.Series(month_kwh / 96, idx), Tariff.G11, days=DAYS_PER_MONTH)
    assert bill.gross_pln == pytest.approx(212.0, abs=0.05)
    assert PRICES_2026[Tariff.G11].variable_gross(Zone.ALL_DAY) == pytest.approx(1.10, abs=1e-3)


def test_variable_price_follows_the_zones() -> None:
    profile = _day("2026-01-07")
    rate = variable_price_gross(profile.index, Tariff.G12, SIMPLE[Tariff.G12])
    assert rate[0] == pytest.approx(0.4 * 1.23)  # 00:00 off-peak
    assert rate[6 * 4] == pytest.approx(1.0 * 1.23)  # 06:00 peak


def test_bad_profiles_are_refused_with_the_row() -> None:
    profile = _day("2026-01-07")
    profile.iloc[5] = -1.0
    with pytest.raises(InputError, match="negative") as info:
        price_profile(profile, Tariff.G11)
    assert info.value.row == 5
    naive = pd.Series([1.0], index=pd.DatetimeIndex(["2026-01-07 00:00"]))
    with pytest.raises(InputError, match="aware"):
        price_profile(naive, Tariff.G11)
    with pytest.raises(InputError, match="not a household tariff"):
        price_profile(_day("2026-01-07"), Tariff.C11)
