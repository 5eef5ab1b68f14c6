"""kof field-setup: a devices file for the store's own meters."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from core.db.models import Meter
from core.enums import ReadingType
from core.exceptions import InputError
from core.region import generate_region
from core.timeseries import TimeSeriesStore
from metering.config import load_devices
from metering.field_setup import build_field
from metering.poller.sink import StoreSink


def _cumulative_meters(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).where(Meter.reading_type == ReadingType.CUMULATIVE)
        ).scalar_one()


def test_devices_file_feeds_register_meters_of_the_region(engine: Engine, tmp_path: Path) -> None:
    generate_region(
        engine, TimeSeriesStore(engine), premises=50, days=1, seed=3, start=dt.date(2026, 2, 2)
    )
    path = build_field(engine, tmp_path / "devices.yaml", devices=12, endpoints=2)

    devices = load_devices(path)
    assert len(devices.devices) == 12
    assert {d.profile.name for d in devices.devices} >= {"mbus_water_meter", "kamstrup_multical"}
    assert _cumulative_meters(engine) == 12
    # every device resolves to a meter of the store, as the poller will resolve them
    assert len(StoreSink(engine, str(path)).resolve(devices.devices)) == 12

    build_field(engine, tmp_path / "again.yaml", devices=12, endpoints=2)
    assert _cumulative_meters(engine) == 12  # reused, not registered twice


def test_empty_store_is_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no billing meters"):
        build_field(engine, tmp_path / "devices.yaml")
