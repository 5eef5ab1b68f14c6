"""The store's district metered areas: their inflow and customer meters, the months with data,
and the IWA balance and night flows of one DMA over one month.

A DMA is a district here: its bulk inflow meters (water meters of kind ``network``) sit at its
buildings and its customers are the main water meters of its premises.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from core.db.engine import session_factory
from core.db.models import Building, District, Meter, Premise, Reading
from core.enums import Medium, MeterKind, PremiseKind, Resolution
from core.settings import Settings
from core.timeseries import read_series
from core.timeutil import LOCAL_TZ_NAME
from water.balance import PeriodAnalysis, analyse_period, month_bounds


def dma_inflow_meter_ids(engine: Engine) -> list[int]:
    """The store's DMA inflow meters (water meters of kind ``network``), which the water
    balance and night flow per DMA need."""
    with session_factory(engine)() as session:
        return list(
            session.scalars(
                select(Meter.id)
                .where(Meter.medium == Medium.WATER, Meter.meter_kind == MeterKind.NETWORK)
                .order_by(Meter.id)
            )
        )


def networks_dir(settings: Settings) -> Path:
    """Where the EPANET network models are: ``water_networks_dir``, else
    ``<var_dir>/water/networks``."""
    return settings.water_networks_dir or Path(settings.var_dir) / "water" / "networks"


@dataclass(frozen=True)
class StoreDma:
    """A DMA of the store: a district whose water inflow meters (kind ``network``) sit at its
    buildings; its customers are the water main meters of the district's premises.

    Attributes:
        name: the district's name.
        inflow_meter_ids: the inflow meters (summed: the net inflow); empty when it has none.
        customer_meter_ids: the customer water meters.
        properties: households supplied (legitimate night use; shops, schools and offices
            are closed at night).
    """

    name: str
    inflow_meter_ids: tuple[int, ...]
    customer_meter_ids: tuple[int, ...]
    properties: int


def store_dmas(engine: Engine) -> list[StoreDma]:
    """The DMAs of the store, by name: every district with a water inflow or customer meter."""
    district_of = func.coalesce(Meter.building_id, Premise.building_id)
    with session_factory(engine)() as session:
        rows = session.execute(
            select(
                District.name, Meter.id, Meter.meter_kind, Meter.premise_id, Premise.premise_kind
            )
            .select_from(Meter)
            .outerjoin(Premise, Premise.id == Meter.premise_id)
            .join(Building, Building.id == district_of)
            .join(District, District.id == Building.district_id)
            .where(
                Meter.medium == Medium.WATER,
                Meter.meter_kind.in_((MeterKind.MAIN, MeterKind.NETWORK)),
            )
            .order_by(District.name, Meter.id)
        ).all()
    found: dict[str, tuple[list[int], list[int], set[int]]] = {}
    for name, meter_id, kind, premise_id, premise_kind in rows:
        inflows, customers, households = found.setdefault(name, ([], [], set()))
        if kind == MeterKind.NETWORK and premise_id is None:
            inflows.append(meter_id)
        elif kind == MeterKind.MAIN and premise_id is not None:
            customers.append(meter_id)
            if premise_kind == PremiseKind.RESIDENTIAL:
                households.add(premise_id)
    return [
        StoreDma(name, tuple(inflows), tuple(customers), len(households))
        for name, (inflows, customers, households) in sorted(found.items())
    ]


def dma_months(engine: Engine) -> list[str]:
    """The months (``YYYY-MM``, Europe/Warsaw) holding DMA inflow readings, oldest first."""
    ids = dma_inflow_meter_ids(engine)
    if not ids:
        return []
    with engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(Reading.ts), func.max(Reading.ts)).where(Reading.meter_id.in_(ids))
        ).one()
    if first is None:
        return []
    months = pd.period_range(
        pd.Timestamp(first).tz_convert(LOCAL_TZ_NAME).tz_localize(None),
        pd.Timestamp(last).tz_convert(LOCAL_TZ_NAME).tz_localize(None),
        freq="M",
    )
    return [str(m) for m in months]


@dataclass(frozen=True)
class DmaMonth:
    """The IWA balance and the night flows of one DMA over one calendar month.

    Attributes:
        dma: the area; month: ``YYYY-MM``; start, end: its local bounds.
        analysis: balance, night flow, coverage and what is missing, with the reason.
    """

    dma: StoreDma
    month: str
    start: pd.Timestamp
    end: pd.Timestamp
    analysis: PeriodAnalysis


def hourly_total(
    engine: Engine, ids: tuple[int, ...], lo: pd.Timestamp, hi: pd.Timestamp, *, every: bool
) -> tuple[pd.Series, int]:
    """The meters' total per hour and the hourly readings held; with ``every``, only the
    hours where every meter read (a net inflow is only known then)."""
    if not ids:
        return pd.Series(dtype=float), 0
    hourly = read_series(engine, list(ids), lo, hi, Resolution.HOUR)
    hourly = hourly[hourly["n_readings"] > 0]
    wide = hourly.pivot_table(index="ts", columns="meter_id", values="value", aggfunc="sum")
    total = wide.sum(axis=1, min_count=len(ids) if every else 1)
    return total.dropna(), len(hourly)


def dma_month(engine: Engine, dma: StoreDma, month: str) -> DmaMonth:
    """The balance and night flows of ``dma`` over ``month`` (``YYYY-MM``, Europe/Warsaw).

    Raises:
        InputError: a malformed month (field ``month``).
    """
    lo, hi = month_bounds(month)
    label = f"{lo:%Y-%m}"
    if not dma.inflow_meter_ids:
        hours = int((hi - lo) / pd.Timedelta(hours=1))
        missing = PeriodAnalysis(None, None, 0, hours, problem="the DMA has no inflow meter")
        return DmaMonth(dma, label, lo, hi, missing)
    inflow, _ = hourly_total(engine, dma.inflow_meter_ids, lo, hi, every=True)
    customers, readings = hourly_total(engine, dma.customer_meter_ids, lo, hi, every=False)
    analysis = analyse_period(
        inflow,
        customers,
        lo,
        hi,
        properties=dma.properties,
        customer_meters=len(dma.customer_meter_ids),
        customer_readings=readings,
    )
    return DmaMonth(dma, label, lo, hi, analysis)
