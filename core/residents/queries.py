"""SQL of the resident services: premises, meters and reading spans (the only SQL here)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from core.db.engine import session_factory
from core.db.models import Building, District, Meter, Premise, Reading
from core.enums import BuildingType, HeatingSource, Medium, MeterKind, PremiseKind, ReadingType
from core.residents.exceptions import NotVisibleError
from core.residents.model import MeterInfo, MeterScope, PremiseInfo

PORTAL_KINDS = (MeterKind.MAIN, MeterKind.GENERATION)
CONSUMPTION_TYPES = (ReadingType.INTERVAL, ReadingType.CUMULATIVE)


def premise_info(engine: Engine, premise_id: int) -> PremiseInfo:
    """A premise with its building and district. Raises NotVisibleError if there is none."""
    with session_factory(engine)() as session:
        row = session.execute(
            select(Premise, Building, District)
            .join(Building, Building.id == Premise.building_id)
            .join(District, District.id == Building.district_id)
            .where(Premise.id == premise_id)
        ).one_or_none()
        if row is None:
            raise NotVisibleError("premise", premise_id)
        premise, building, district = row
        n = session.scalar(
            select(func.count()).select_from(Premise).where(Premise.building_id == building.id)
        )
        return PremiseInfo(
            id=premise.id,
            building_id=building.id,
            district_id=district.id,
            district_name=district.name,
            address=building.address,
            unit_number=premise.unit_number,
            floor_area_m2=premise.floor_area_m2,
            household_size=premise.household_size,
            tariff=premise.tariff,
            building_type=building.building_type,
            heating_source=building.heating_source,
            building_premises=int(n or 0),
        )


def _meter_info(meter: Meter, scope: MeterScope) -> MeterInfo:
    return MeterInfo(
        id=meter.id,
        serial_number=meter.serial_number,
        medium=meter.medium,
        meter_kind=meter.meter_kind,
        unit=meter.unit,
        interval_s=meter.interval_s,
        scope=scope,
        reading_type=meter.reading_type,
    )


def premise_meters(engine: Engine, premise_id: int) -> list[MeterInfo]:
    """The consumption and generation meters of a premise."""
    with session_factory(engine)() as session:
        meters = session.scalars(
            select(Meter)
            .where(
                Meter.premise_id == premise_id,
                Meter.meter_kind.in_(PORTAL_KINDS),
                Meter.reading_type.in_(CONSUMPTION_TYPES),
            )
            .order_by(Meter.id)
        ).all()
        return [_meter_info(m, MeterScope.PREMISE) for m in meters]


def building_meters(engine: Engine, building_id: int) -> list[MeterInfo]:
    """The meters of the building itself (not of its premises): DH substation, rooftop PV."""
    with session_factory(engine)() as session:
        meters = session.scalars(
            select(Meter)
            .where(
                Meter.building_id == building_id,
                Meter.premise_id.is_(None),
                Meter.meter_kind.in_(PORTAL_KINDS),
                Meter.reading_type.in_(CONSUMPTION_TYPES),
            )
            .order_by(Meter.id)
        ).all()
        return [_meter_info(m, MeterScope.BUILDING) for m in meters]


def building_premise_meters(
    engine: Engine, building_id: int, medium: Medium
) -> list[tuple[int, ReadingType, int]]:
    """Main meters of one medium on the residential premises of a building:
    (id, reading type, interval in s)."""
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Meter.id, Meter.reading_type, Meter.interval_s)
            .join(Premise, Premise.id == Meter.premise_id)
            .where(
                Premise.building_id == building_id,
                Premise.premise_kind == PremiseKind.RESIDENTIAL,
                Meter.medium == medium,
                Meter.meter_kind == MeterKind.MAIN,
            )
            .order_by(Meter.id)
        ).all()
    return [(int(i), ReadingType(t), int(s)) for i, t, s in rows]


def reading_span(engine: Engine, meter_id: int) -> tuple[dt.datetime | None, dt.datetime | None]:
    """First and last reading time of a meter (UTC), or (None, None) without readings.

    Two queries, so that each is one step down the (meter_id, ts) primary key."""
    with session_factory(engine)() as session:
        lo = session.execute(
            select(func.min(Reading.ts)).where(Reading.meter_id == meter_id)
        ).scalar_one()
        hi = session.execute(
            select(func.max(Reading.ts)).where(Reading.meter_id == meter_id)
        ).scalar_one()
    return _as_dt(lo), _as_dt(hi)


def _as_dt(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return dt.datetime.fromtimestamp(int(value), dt.UTC)  # SQLite aggregate of epoch seconds


def similar_premises(
    engine: Engine,
    building_type: BuildingType,
    heating: HeatingSource,
    medium: Medium,
    exclude: set[int],
) -> list[tuple[int, int, float, int]]:
    """Residential premises of a building type and heating with a main meter of ``medium``.

    Returns:
        (premise id, meter id, floor area m², household size) per premise, not in ``exclude``.
    """
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Premise.id, Meter.id, Premise.floor_area_m2, Premise.household_size)
            .join(Building, Building.id == Premise.building_id)
            .join(Meter, Meter.premise_id == Premise.id)
            .where(
                Premise.premise_kind == PremiseKind.RESIDENTIAL,
                Building.building_type == building_type,
                Building.heating_source == heating,
                Meter.medium == medium,
                Meter.meter_kind == MeterKind.MAIN,
            )
            .order_by(Premise.id)
        ).all()
    return [(int(p), int(m), float(a), int(s)) for p, m, a, s in rows if p not in exclude]
