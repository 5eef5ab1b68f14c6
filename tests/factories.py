"""Small regions built in code for tests."""

from __future__ import annotations

from sqlalchemy import Engine

from core.db.engine import session_scope
from core.db.models import Building, District, Meter
from core.enums import BuildingType, HeatingSource, Medium, MeterKind, ReadingType


def add_meters(
    engine: Engine,
    count: int = 1,
    *,
    medium: Medium = Medium.ELECTRICITY,
    reading_type: ReadingType = ReadingType.INTERVAL,
    interval_s: int = 900,
    unit: str = "kWh",
    prefix: str = "T",
) -> list[int]:
    """Register ``count`` meters on one test building; returns their ids."""
    with session_scope(engine) as session:
        district = session.query(District).filter_by(name="Test").one_or_none()
        if district is None:
            district = District(name="Test", gmina="Kielce")
            session.add(district)
            session.flush()
            session.add(
                Building(
                    district_id=district.id,
                    address="ul. Testowa 1",
                    building_type=BuildingType.MULTI_FAMILY_PANEL,
                    floor_area_m2=3200.0,
                    year_built=1978,
                    n_floors=5,
                    heating_source=HeatingSource.DISTRICT_HEATING,
                )
            )
            session.flush()
        building = session.query(Building).filter_by(district_id=district.id).first()
        start = session.query(Meter).count()
        meters = [
            Meter(
                serial_number=f"{prefix}{start + i:06d}",
                medium=medium,
                meter_kind=MeterKind.MAIN,
                reading_type=reading_type,
                unit=unit,
                interval_s=interval_s,
                building_id=building.id,
            )
            for i in range(count)
        ]
        session.add_all(meters)
        session.flush()
        return [m.id for m in meters]
