"""The IWA water balance of a DMA or a whole system, for one period (volumes in m³).

IWA/AWWA standard balance (Alegre et al., "Performance Indicators for Water Supply Services",
IWA Publishing 2006; AWWA M36):

    system input = authorised consumption + water losses
    authorised   = billed (metered + unmetered) + unbilled (metered + unmetered)
    water losses = apparent losses (unauthorised use + customer meter under-registration)
                   + real losses (leaks, bursts, tank overflows)
    non-revenue water = system input - billed authorised consumption

Apparent losses are rarely measured; the defaults are the usual planning values (assumptions,
no Polish figure published, REFERENCE_FIGURES §3 caveat 13): unauthorised consumption 0.25 %
of system input, customer meters under-registering 2 % of what passes them.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import pandas as pd

from core.exceptions import InputError

logger = logging.getLogger(__name__)

UNAUTHORISED_SHARE_OF_INPUT = 0.0025
METER_UNDER_REGISTRATION = 0.02


@dataclass(frozen=True)
class WaterBalance:
    """An IWA water balance (m³ over the period)."""

    system_input_m3: float
    billed_metered_m3: float
    billed_unmetered_m3: float
    unbilled_metered_m3: float
    unbilled_unmetered_m3: float
    unauthorised_m3: float
    meter_under_registration_m3: float
    real_losses_m3: float

    @property
    def billed_authorised_m3(self) -> float:
        return self.billed_metered_m3 + self.billed_unmetered_m3

    @property
    def unbilled_authorised_m3(self) -> float:
        return self.unbilled_metered_m3 + self.unbilled_unmetered_m3

    @property
    def authorised_m3(self) -> float:
        return self.billed_authorised_m3 + self.unbilled_authorised_m3

    @property
    def water_losses_m3(self) -> float:
        return self.system_input_m3 - self.authorised_m3

    @property
    def apparent_losses_m3(self) -> float:
        return self.unauthorised_m3 + self.meter_under_registration_m3

    @property
    def revenue_water_m3(self) -> float:
        return self.billed_authorised_m3

    @property
    def non_revenue_water_m3(self) -> float:
        return self.system_input_m3 - self.billed_authorised_m3

    @property
    def nrw_percent(self) -> float:
        return (
            100.0 * self.non_revenue_water_m3 / self.system_input_m3
            if self.system_input_m3
            else float("nan")
        )

    def as_dict(self) -> dict[str, float]:
        out = asdict(self)
        for name in (
            "billed_authorised_m3",
            "unbilled_authorised_m3",
            "authorised_m3",
            "water_losses_m3",
            "apparent_losses_m3",
            "revenue_water_m3",
            "non_revenue_water_m3",
            "nrw_percent",
        ):
            out[name] = getattr(self, name)
        return out


def iwa_balance(
    system_input_m3: float,
    billed_metered_m3: float,
    *,
    billed_unmetered_m3: float = 0.0,
    unbilled_metered_m3: float = 0.0,
    unbilled_unmetered_m3: float = 0.0,
    unauthorised_share_of_input: float = UNAUTHORISED_SHARE_OF_INPUT,
    meter_under_registration: float = METER_UNDER_REGISTRATION,
) -> WaterBalance:
    """Build the balance from measured volumes; real losses are what is left.

    Args:
        system_input_m3: water put into the area (inflow meters, net of outflows).
        billed_metered_m3: what customer meters registered and was billed.
        billed_unmetered_m3: flat-rate billed consumption.
        unbilled_metered_m3, unbilled_unmetered_m3: authorised free use (fire fighting,
            mains flushing, the utility's own use).
        unauthorised_share_of_input: illegal connections and theft, share of system input.
        meter_under_registration: share of the true consumption that customer meters miss.

    Raises:
        InputError: a negative volume or a share outside [0, 0.5).

    Example:
        >>> round(iwa_balance(1000.0, 800.0).real_losses_m3, 1)
        181.2
    """
    volumes = {
        "system_input_m3": system_input_m3,
        "billed_metered_m3": billed_metered_m3,
        "billed_unmetered_m3": billed_unmetered_m3,
        "unbilled_metered_m3": unbilled_metered_m3,
        "unbilled_unmetered_m3": unbilled_unmetered_m3,
    }
    for name, value in volumes.items():
        if not value >= 0:
            raise InputError(
                f"{name}: {value} must be a volume of 0 m³ or more", field=name, value=value
            )
    for name, value in (
        ("unauthorised_share_of_input", unauthorised_share_of_input),
        ("meter_under_registration", meter_under_registration),
    ):
        if not 0 <= value < 0.5:
            raise InputError(
                f"{name}: {value} must be a share from 0 to 0.5", field=name, value=value
            )
    metered = billed_metered_m3 + unbilled_metered_m3
    under = metered * meter_under_registration / (1.0 - meter_under_registration)
    unauthorised = system_input_m3 * unauthorised_share_of_input
    authorised = (
        billed_metered_m3 + billed_unmetered_m3 + unbilled_metered_m3 + unbilled_unmetered_m3
    )
    real = system_input_m3 - authorised - unauthorised - under
    if real < 0:
        logger.warning(
            "water balance: real losses come out negative (%.1f m³): inflow meters reading low "
            "or customer meters high; check the meters",
            real,
        )
    return WaterBalance(
        system_input_m3=float(system_input_m3),
        billed_metered_m3=float(billed_metered_m3),
        billed_unmetered_m3=float(billed_unmetered_m3),
        unbilled_metered_m3=float(unbilled_metered_m3),
        unbilled_unmetered_m3=float(unbilled_unmetered_m3),
        unauthorised_m3=float(unauthorised),
        meter_under_registration_m3=float(under),
        real_losses_m3=float(real),
    )


def dma_balance(
    inflow_m3: pd.Series,
    customers_m3: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    **kwargs: float,
) -> WaterBalance:
    """The balance of a DMA from its inflow and its customer meters over [start, end).

    Args:
        inflow_m3: net inflow volume per interval (interval start as an aware index).
        customers_m3: customer consumption per interval, one column per billed meter.
        start, end: the period (aware).
        **kwargs: passed to ``iwa_balance`` (unbilled volumes, shares).

    Raises:
        InputError: naive or inverted bounds, or an inflow with gaps in the period.
    """
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise InputError("period: give aware start < end", field="start", value=str(start))
    inflow = inflow_m3[(inflow_m3.index >= start) & (inflow_m3.index < end)]
    if inflow.isna().any():
        raise InputError(
            f"inflow: {int(inflow.isna().sum())} intervals without a reading in the period; "
            "estimate them first (the balance would read low)",
            field="inflow",
        )
    customers = customers_m3[(customers_m3.index >= start) & (customers_m3.index < end)]
    return iwa_balance(float(inflow.sum()), float(customers.sum().sum()), **kwargs)
