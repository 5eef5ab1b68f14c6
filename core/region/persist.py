"""Store a region layout (districts, buildings, customers, premises, meters) in the database."""

from __future__ import annotations

import logging

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from core.db.engine import session_scope
from core.db.models import Building, Customer, District, Meter, Premise
from core.enums import ReadingType
from core.region.plans import RegionLayout

logger = logging.getLogger(__name__)


def count_districts(engine: Engine) -> int:
    """Number of districts already in the store (a stored region has at least one)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(District)).scalar_one())


def _insert(session: Session, model: type, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, rows))


def store_layout(engine: Engine, layout: RegionLayout) -> list[int]:
    """Insert the layout in one transaction.

    Returns:
        The database id of every meter of ``layout.all_meters``, by its ``index``.
    """
    with session_scope(engine) as session:
        district_ids = _insert(
            session,
            District,
            [
                {"name": d.name, "gmina": d.gmina, "description": d.description}
                for d in layout.districts
            ],
        )
        building_ids = _insert(
            session,
            Building,
            [
                {
                    "district_id": district_ids[b.district_index],
                    "address": b.address,
                    "building_type": b.building_type,
                    "floor_area_m2": b.floor_area_m2,
                    "year_built": b.year_built,
                    "n_floors": b.n_floors,
                    "heating_source": b.heating_source,
                }
                for b in layout.buildings
            ],
        )
        customer_ids = _insert(
            session, Customer, [{"customer_number": p.customer_number} for p in layout.premises]
        )
        premise_ids = _insert(
            session,
            Premise,
            [
                {
                    "building_id": building_ids[p.building_index],
                    "customer_id": customer_ids[i],
                    "premise_kind": p.kind,
                    "unit_number": p.unit_number,
                    "household_size": p.household_size,
                    "floor_area_m2": p.floor_area_m2,
                    "tariff": p.tariff,
                }
                for i, p in enumerate(layout.premises)
            ],
        )
        meter_ids = _insert(
            session,
            Meter,
            [
                {
                    "serial_number": m.serial_number,
                    "medium": m.medium,
                    "meter_kind": m.meter_kind,
                    "reading_type": ReadingType.INTERVAL,
                    "unit": m.unit,
                    "interval_s": m.interval_s,
                    "premise_id": None if m.premise_index is None else premise_ids[m.premise_index],
                    "building_id": None
                    if m.building_index is None
                    else building_ids[m.building_index],
                    "installed_at": m.installed_at,
                }
                for m in layout.all_meters
            ],
        )
    logger.info(
        "stored region layout: %d districts, %d buildings, %d premises, %d meters",
        len(district_ids),
        len(building_ids),
        len(premise_ids),
        len(meter_ids),
    )
    return meter_ids
