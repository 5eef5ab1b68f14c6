"""Typed SQLAlchemy 2.0 models of the core store: the region, meters and readings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.db.types import QualityCode, UtcDateTime, enum_column
from core.enums import (
    BuildingType,
    HeatingSource,
    Medium,
    MeterKind,
    PremiseKind,
    Quality,
    ReadingType,
    Tariff,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class District(Base):
    """An osiedle (housing estate) of Kielce or a gmina of the functional area."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    gmina: Mapped[str] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)

    buildings: Mapped[list[Building]] = relationship(back_populates="district")


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (
        CheckConstraint("floor_area_m2 > 0", name="floor_area_positive"),
        CheckConstraint("year_built BETWEEN 1800 AND 2100", name="year_built_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    address: Mapped[str] = mapped_column(String(120))
    building_type: Mapped[BuildingType] = mapped_column(enum_column(BuildingType, "building_type"))
    floor_area_m2: Mapped[float] = mapped_column(Float)
    year_built: Mapped[int] = mapped_column(SmallInteger)
    n_floors: Mapped[int] = mapped_column(SmallInteger)
    heating_source: Mapped[HeatingSource] = mapped_column(
        enum_column(HeatingSource, "heating_source")
    )

    district: Mapped[District] = relationship(back_populates="buildings")
    premises: Mapped[list[Premise]] = relationship(back_populates="building")


class Customer(Base):
    """A contract holder. Personal data: only a customer number is kept in the core store."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_number: Mapped[str] = mapped_column(String(32), unique=True)


class Premise(Base):
    """A point of supply: a flat, a house, a public or commercial unit."""

    __tablename__ = "premises"
    __table_args__ = (
        CheckConstraint("household_size >= 0 AND household_size <= 20", name="household_size"),
        CheckConstraint("floor_area_m2 > 0", name="floor_area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    premise_kind: Mapped[PremiseKind] = mapped_column(enum_column(PremiseKind, "premise_kind"))
    unit_number: Mapped[str] = mapped_column(String(16))
    household_size: Mapped[int] = mapped_column(SmallInteger)  # persons; 0 for non-residential
    floor_area_m2: Mapped[float] = mapped_column(Float)
    tariff: Mapped[Tariff] = mapped_column(enum_column(Tariff, "tariff"))

    building: Mapped[Building] = relationship(back_populates="premises")
    customer: Mapped[Customer | None] = relationship()


class Meter(Base):
    """A meter or a measuring point, attached to a premise or to a whole building."""

    __tablename__ = "meters"
    __table_args__ = (
        CheckConstraint(
            "(premise_id IS NOT NULL) OR (building_id IS NOT NULL)", name="has_location"
        ),
        CheckConstraint("interval_s > 0", name="interval_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_number: Mapped[str] = mapped_column(String(40), unique=True)
    medium: Mapped[Medium] = mapped_column(enum_column(Medium, "medium"))
    meter_kind: Mapped[MeterKind] = mapped_column(enum_column(MeterKind, "meter_kind"))
    reading_type: Mapped[ReadingType] = mapped_column(enum_column(ReadingType, "reading_type"))
    unit: Mapped[str] = mapped_column(String(16))  # kWh, m3, ...
    interval_s: Mapped[int] = mapped_column(Integer)  # native reading interval in seconds
    premise_id: Mapped[int | None] = mapped_column(ForeignKey("premises.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    installed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Reading(Base):
    """One value of one meter at one time.

    The primary key (meter_id, ts) makes writes idempotent and is the index range reads use.
    On SQLite the table is WITHOUT ROWID, so the rows are stored in that order.
    ``raw_value`` keeps what the device sent when ``value`` was later estimated or edited.
    """

    __tablename__ = "readings"
    __table_args__ = ({"sqlite_with_rowid": False},)

    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id"), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[Quality] = mapped_column(QualityCode(), default=Quality.MEASURED)
    reason: Mapped[str | None] = mapped_column(String(200))
    raw_value: Mapped[float | None] = mapped_column(Float)


class WeatherObservation(Base):
    """Hourly weather at a station: the driver of heat, gas, water and PV series."""

    __tablename__ = "weather"
    __table_args__ = ({"sqlite_with_rowid": False},)

    station: Mapped[str] = mapped_column(String(40), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    t_air_degc: Mapped[float] = mapped_column(Float)
    ghi_w_per_m2: Mapped[float] = mapped_column(Float)
    wind_m_per_s: Mapped[float] = mapped_column(Float)


Index("ix_meters_medium_kind", Meter.medium, Meter.meter_kind)
