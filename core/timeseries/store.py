"""The time-series store: one object over an engine, used by every package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine

from core.enums import Resolution
from core.timeseries import read, weather, write


class TimeSeriesStore:
    """Readings and weather in the configured database.

    Example:
        >>> store = TimeSeriesStore(make_engine(load_settings()))  # doctest: +SKIP
        >>> store.write_readings(frame)  # doctest: +SKIP
    """

    def __init__(self, engine: Engine, chunk_rows: int = 50_000):
        self.engine = engine
        self.chunk_rows = chunk_rows

    def write_readings(self, frame: pd.DataFrame) -> int:
        """See ``core.timeseries.write.write_readings``."""
        return write.write_readings(self.engine, frame, chunk_rows=self.chunk_rows)

    def read_series(
        self,
        meters: int | Iterable[int],
        start: datetime | pd.Timestamp,
        end: datetime | pd.Timestamp,
        resolution: Resolution | str = Resolution.RAW,
    ) -> pd.DataFrame:
        """See ``core.timeseries.read.read_series``."""
        return read.read_series(self.engine, meters, start, end, resolution)

    def write_weather(self, frame: pd.DataFrame) -> int:
        return weather.write_weather(self.engine, frame)

    def read_weather(
        self, station: str, start: datetime | pd.Timestamp, end: datetime | pd.Timestamp
    ) -> pd.DataFrame:
        return weather.read_weather(self.engine, station, start, end)
