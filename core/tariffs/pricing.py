"""Price a consumption profile under a household tariff (pure: no database)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.enums import Tariff
from core.exceptions import InputError
from core.tariffs.prices import TariffPrices, prices_for
from core.tariffs.zones import HOUSEHOLD_TARIFFS, Zone, zone_labels

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Bill:
    """The cost of a profile under one tariff, over the profile's period.

    Attributes:
        tariff: the tariff priced.
        days: length of the period in days (sets the share of the monthly fixed charges).
        kwh_by_zone: consumption per zone.
        energy_pln_net, distribution_pln_net, fixed_pln_net: the three parts, net.
        net_pln, vat_pln, gross_pln: totals.
        assumption: the prices' assumption flag (empty when all prices are sourced).
    """

    tariff: Tariff
    days: float
    kwh_by_zone: dict[Zone, float]
    energy_pln_net: float
    distribution_pln_net: float
    fixed_pln_net: float
    net_pln: float
    vat_pln: float
    gross_pln: float
    assumption: str = ""

    @property
    def kwh_total(self) -> float:
        return float(sum(self.kwh_by_zone.values()))

    def gross_per_year_pln(self) -> float:
        """The gross cost scaled to 365 days (the profile taken as typical)."""
        return self.gross_pln * 365.0 / self.days if self.days > 0 else 0.0


def _check_profile(energy_kwh: pd.Series) -> pd.Series:
    if not isinstance(energy_kwh.index, pd.DatetimeIndex) or energy_kwh.index.tz is None:
        raise InputError("the profile needs an aware DatetimeIndex of interval starts", field="ts")
    values = pd.to_numeric(energy_kwh, errors="coerce")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise InputError("energy_kwh: missing or non-numeric value", field="energy_kwh", row=row)
    if (values < 0).any():
        row = int(np.flatnonzero((values < 0).to_numpy())[0])
        raise InputError("energy_kwh: negative consumption", field="energy_kwh", row=row)
    return values.astype("float64")


def profile_days(index: pd.DatetimeIndex) -> float:
    """Length of the period a profile covers: first start to last start plus one interval."""
    if len(index) == 0:
        return 0.0
    if len(index) == 1:
        return 1.0 / 96
    step = pd.Series(index).diff().median()
    return float(((index[-1] - index[0]) + step).total_seconds() / 86_400)


def variable_price_gross(
    starts: pd.DatetimeIndex, tariff: Tariff, prices: TariffPrices | None = None
) -> np.ndarray:
    """Gross variable price (energy + distribution) in PLN/kWh for each interval."""
    prices = prices or prices_for(tariff)
    zones = zone_labels(starts, tariff)
    rate = {z: prices.variable_gross(z) for z in prices.zones}
    return np.array([rate[z] for z in zones], dtype="float64")


def price_profile(
    energy_kwh: pd.Series,
    tariff: Tariff,
    prices: TariffPrices | None = None,
    days: float | None = None,
) -> Bill:
    """Price a profile of interval consumption under a tariff.

    Args:
        energy_kwh: kWh per interval, indexed by aware interval starts (15 min or 1 h).
        tariff: G11, G12 or G12w.
        prices: the price table entry (default: 2026, ``core.tariffs.prices``).
        days: the period's length for the fixed charges (default: the profile's span).

    Returns:
        The bill: kWh per zone, energy, distribution and fixed charges, VAT, gross total.

    Example:
        >>> idx = pd.date_range("2026-01-07", periods=96, freq="15min", tz="Europe/Warsaw")
        >>> round(price_profile(pd.Series(0.1, idx), Tariff.G11).kwh_total, 1)
        9.6
    """
    prices = prices or prices_for(tariff)
    if prices.tariff is not Tariff(tariff):
        raise InputError(
            f"prices are for {prices.tariff.value}, not {tariff}", field="prices", value=tariff
        )
    values = _check_profile(energy_kwh)
    zones = zone_labels(values.index, tariff)
    kwh_by_zone = {z: float(values.to_numpy()[zones == z].sum()) for z in prices.zones}
    energy = sum(kwh_by_zone[z] * prices.energy_pln_per_kwh[z] for z in prices.zones)
    distribution = sum(kwh_by_zone[z] * prices.distribution_pln_per_kwh[z] for z in prices.zones)
    span = profile_days(values.index) if days is None else float(days)
    fixed = prices.fixed_pln_per_month * span / DAYS_PER_MONTH
    net = energy + distribution + fixed
    vat = net * prices.vat
    return Bill(
        tariff=Tariff(tariff),
        days=span,
        kwh_by_zone=kwh_by_zone,
        energy_pln_net=energy,
        distribution_pln_net=distribution,
        fixed_pln_net=fixed,
        net_pln=net,
        vat_pln=vat,
        gross_pln=net + vat,
        assumption=prices.assumption,
    )


def compare_tariffs(
    energy_kwh: pd.Series,
    tariffs: tuple[Tariff, ...] = HOUSEHOLD_TARIFFS,
    table: dict[Tariff, TariffPrices] | None = None,
) -> list[Bill]:
    """Price the same profile under each tariff; cheapest first."""
    bills = [price_profile(energy_kwh, t, prices_for(t, table)) for t in tariffs]
    return sorted(bills, key=lambda b: b.gross_pln)
