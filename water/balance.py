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
of system input, customer meters under-registering 2 % of what passes them. Unbilled unmetered
authorised use (flushing, fire fighting), when not measured, is 1.25 % of system input. The
0.25 % and 1.25 % are the default values of the AWWA Free Water Audit Software (AWWA M36,
"Water Audits and Loss Control Programs", 4th ed., 2016).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass

import pandas as pd

from core.exceptions import InputError
from core.timeutil import LOCAL_TZ_NAME
from water.nightflow import NightFlowAnalysis, minimum_night_flow

logger = logging.getLogger(__name__)

UNAUTHORISED_SHARE_OF_INPUT = 0.0025
METER_UNDER_REGISTRATION = 0.02
UNBILLED_UNMETERED_SHARE_OF_INPUT = 0.0125


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
    unbilled_unmetered_share_of_input: float | None = None,
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
        unbilled_unmetered_share_of_input: estimate the unbilled unmetered use as this share of
            system input (e.g. ``UNBILLED_UNMETERED_SHARE_OF_INPUT``) instead of giving it.

    Raises:
        InputError: a negative volume, a share outside [0, 0.5), or both an unbilled unmetered
            volume and a share.

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
        ("unbilled_unmetered_share_of_input", unbilled_unmetered_share_of_input or 0.0),
    ):
        if not 0 <= value < 0.5:
            raise InputError(
                f"{name}: {value} must be a share from 0 to 0.5", field=name, value=value
            )
    if unbilled_unmetered_share_of_input is not None:
        if unbilled_unmetered_m3:
            raise InputError(
                "give unbilled_unmetered_m3 or unbilled_unmetered_share_of_input, not both",
                field="unbilled_unmetered_share_of_input",
                value=unbilled_unmetered_share_of_input,
            )
        unbilled_unmetered_m3 = system_input_m3 * unbilled_unmetered_share_of_input
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


def month_bounds(month: object, tz: str = LOCAL_TZ_NAME) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Local start and end (excluded) of a calendar month written ``YYYY-MM``.

    Raises:
        InputError: anything but a month from 1900-01 to 2099-12 (field ``month``).

    Example:
        >>> [str(t) for t in month_bounds("2026-03")]
        ['2026-03-01 00:00:00+01:00', '2026-04-01 00:00:00+02:00']
    """
    found = re.fullmatch(r"(\d{4})-(\d{2})", month.strip()) if isinstance(month, str) else None
    if found is None or not 1 <= int(found[2]) <= 12 or not 1900 <= int(found[1]) <= 2099:
        raise InputError(
            f"month: {month!r} is not a month; write it as YYYY-MM, e.g. 2026-01",
            field="month",
            value=month,
        )
    first = pd.Timestamp(year=int(found[1]), month=int(found[2]), day=1)
    return first.tz_localize(tz), (first + pd.offsets.MonthBegin(1)).tz_localize(tz)


@dataclass(frozen=True)
class PeriodAnalysis:
    """The balance and the night flows of a DMA over a period, or why they are missing.

    Attributes:
        balance: the IWA balance over the hours the inflow covers (None: see ``problem``).
        night: the minimum-night-flow analysis (None: see ``problem``).
        hours_covered, hours_in_period: hours with an inflow reading, hours of the period.
        covered_from, covered_until: the span the balance covers (None without readings).
        problem: why something is missing, for an operator ("" when both are there).
        notes: warnings about the data (missing customer readings).
    """

    balance: WaterBalance | None
    night: NightFlowAnalysis | None
    hours_covered: int
    hours_in_period: int
    covered_from: pd.Timestamp | None = None
    covered_until: pd.Timestamp | None = None
    problem: str = ""
    notes: tuple[str, ...] = ()


def analyse_period(
    inflow_m3: pd.Series,
    customers_m3: pd.Series,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    properties: int,
    customer_meters: int,
    customer_readings: int,
) -> PeriodAnalysis:
    """Balance and night flow of a DMA from hourly volumes over [start, end).

    The balance covers the span from the first to the last hour with an inflow reading;
    unbilled unmetered use is estimated as ``UNBILLED_UNMETERED_SHARE_OF_INPUT``.

    Args:
        inflow_m3: net inflow per hour (aware index; hours without a reading absent or NaN).
        customers_m3: the customer meters' total per hour.
        start, end: the period (aware).
        properties: properties supplied (legitimate night use).
        customer_meters: customer meters in the DMA.
        customer_readings: hourly readings those meters hold in the span (gaps make losses
            read high, which a note says).
    """
    hours = pd.date_range(
        start.tz_convert("UTC"), end.tz_convert("UTC"), freq="1h", inclusive="left"
    )
    inflow = inflow_m3.tz_convert("UTC").reindex(hours)
    covered = inflow.dropna()
    if covered.empty:
        return PeriodAnalysis(None, None, 0, len(hours), problem="no inflow readings in the period")
    lo, hi = covered.index[0], covered.index[-1] + pd.Timedelta(hours=1)
    span = inflow[(inflow.index >= lo) & (inflow.index < hi)]
    notes = []
    expected = customer_meters * len(span)
    if customer_readings < expected:
        notes.append(
            f"customer meters miss {expected - customer_readings} of {expected} hourly readings "
            "in the span: billed volumes read low and losses high"
        )
    problems = []
    balance = None
    try:
        customers = customers_m3.tz_convert("UTC").to_frame("customers")
        balance = dma_balance(
            span,
            customers,
            lo,
            hi,
            unbilled_unmetered_share_of_input=UNBILLED_UNMETERED_SHARE_OF_INPUT,
        )
    except InputError as err:
        problems.append(f"no balance: {err}")
    night = None
    try:
        night = minimum_night_flow(covered, properties=properties)
    except InputError as err:
        problems.append(f"no night flow: {err}")
    return PeriodAnalysis(
        balance, night, len(covered), len(hours), lo, hi, "; ".join(problems), tuple(notes)
    )
