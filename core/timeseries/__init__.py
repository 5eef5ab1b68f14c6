"""Time-series store: idempotent writes, range reads and rollups of readings and weather."""

from core.timeseries.read import read_series
from core.timeseries.store import TimeSeriesStore
from core.timeseries.write import write_readings

__all__ = ["TimeSeriesStore", "read_series", "write_readings"]
