"""New leaks in the store's DMAs from their night flows, and the work orders they open.

Each DMA's inflow over the last ``days`` days gives its nightly minimum flows
(``water.nightflow``); a lasting step up (``water.nightflow_alarm``) is a new leak somewhere
behind the DMA's inflow meter. The work order names the DMA's entry node in the region's network
model (``water:kof_region/node:<inflow meter serial>``) so the networks view marks it there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from core.db.engine import session_factory
from core.db.models import Meter, Reading
from core.enums import Medium
from core.maintenance.enums import Priority
from core.maintenance.service import ItemView, open_item
from water.dma_store import StoreDma, hourly_total, store_dmas
from water.nightflow import minimum_night_flow
from water.nightflow_alarm import NightFlowRise, night_flow_rise

logger = logging.getLogger(__name__)

REGION_NETWORK = "kof_region"  # the stem of the file ``kof water region-network`` writes
# Above this night flow a rise is a mains burst rather than a service pipe (Lambert et al. 1999:
# service-pipe bursts 1.6 m³/h, mains bursts 12 m³/h at 50 m).
URGENT_RISE_M3_PER_H = 6.0


@dataclass(frozen=True)
class DmaAlarm:
    """A DMA whose night flows stepped up: the DMA, its inflow meter serial and the rise."""

    dma: StoreDma
    inflow_serial: str
    rise: NightFlowRise

    @property
    def asset(self) -> str:
        return f"water:{REGION_NETWORK}/node:{self.inflow_serial}"


def _serials(engine: Engine, meter_ids: list[int]) -> dict[int, str]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Meter.id, Meter.serial_number).where(Meter.id.in_(meter_ids))
        ).all()
    return dict(rows)


def dma_leak_alarms(engine: Engine, *, days: int = 60) -> list[DmaAlarm]:
    """DMAs whose minimum night flow stepped up over the last ``days`` days of inflow readings."""
    dmas = [d for d in store_dmas(engine) if d.inflow_meter_ids]
    ids = [m for d in dmas for m in d.inflow_meter_ids]
    if not ids:
        return []
    with engine.connect() as conn:
        last = conn.execute(select(func.max(Reading.ts)).where(Reading.meter_id.in_(ids))).scalar()
    if last is None:
        return []
    end = pd.Timestamp(last).tz_convert("UTC").ceil("1h") + pd.Timedelta(hours=1)
    start = end - pd.Timedelta(days=days)
    serials = _serials(engine, ids)
    alarms = []
    for dma in dmas:
        inflow, _ = hourly_total(engine, dma.inflow_meter_ids, start, end, every=True)
        if inflow.empty:
            continue
        night = minimum_night_flow(inflow, properties=dma.properties)
        rise = night_flow_rise(night.nightly["mnf_m3_per_h"])
        if rise is not None:
            alarms.append(DmaAlarm(dma, serials[dma.inflow_meter_ids[0]], rise))
    return alarms


def open_dma_work_orders(engine: Engine, alarms: list[DmaAlarm]) -> list[ItemView]:
    """One work order per alarm (an active one for the same DMA gets the new evidence)."""
    items = []
    for a in alarms:
        r = a.rise
        items.append(
            open_item(
                engine,
                medium=Medium.WATER,
                asset=a.asset,
                kind="leak",
                title=(
                    f"Night flow in DMA {a.dma.name} up {r.rise_m3_per_h:.1f} m³/h since the "
                    f"night of {r.first_night:%Y-%m-%d}: a new leak behind meter {a.inflow_serial}"
                ),
                evidence={"dma": a.dma.name, "inflow_meter": a.inflow_serial, **r.as_json()},
                priority=(
                    Priority.URGENT if r.rise_m3_per_h >= URGENT_RISE_M3_PER_H else Priority.HIGH
                ),
                detected_at=pd.Timestamp(r.first_night, tz="Europe/Warsaw")
                + pd.Timedelta(days=r.nights_after),
            )
        )
        logger.info("work order %d: %s", items[-1].id, items[-1].title)
    return items
