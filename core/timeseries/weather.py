"""Weather observations: hourly temperature, irradiance and wind per station."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from core.exceptions import InputError
from core.timeseries.validate import utc_timestamps
from core.timeutil import LOCAL_TZ_NAME, require_aware

WEATHER_COLUMNS = ("station", "ts", "t_air_degc", "ghi_w_per_m2", "wind_m_per_s")
_UPSERT = """
INSERT INTO weather (station, ts, t_air_degc, ghi_w_per_m2, wind_m_per_s)
VALUES (:station, :ts, :t_air_degc, :ghi_w_per_m2, :wind_m_per_s)
ON CONFLICT (station, ts) DO UPDATE SET t_air_degc = excluded.t_air_degc,
    ghi_w_per_m2 = excluded.ghi_w_per_m2, wind_m_per_s = excluded.wind_m_per_s
"""


def write_weather(engine: Engine, frame: pd.DataFrame) -> int:
    """Upsert weather rows (all or nothing); returns the number of rows written."""
    missing = [c for c in WEATHER_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"weather frame lacks column(s) {', '.join(missing)}", field=missing[0])
    ts = utc_timestamps(frame["ts"].reset_index(drop=True))
    numeric = {}
    for col in WEATHER_COLUMNS[2:]:
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64")
        if np.isnan(values).any():
            row = int(np.flatnonzero(np.isnan(values))[0])
            raise InputError(f"{col}: missing or non-numeric at row {row}", field=col, row=row)
        numeric[col] = values.tolist()
    if frame.empty:
        return 0
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            stamps = ts.to_numpy(dtype="datetime64[s]").astype("int64").tolist()
        else:
            stamps = list(pd.DatetimeIndex(ts).to_pydatetime())
        rows = [
            dict(zip(WEATHER_COLUMNS, r, strict=True))
            for r in zip(
                frame["station"].astype(str).tolist(), stamps, *numeric.values(), strict=True
            )
        ]
        conn.execute(text(_UPSERT), rows)
    return len(rows)


def read_weather(
    engine: Engine, station: str, start: datetime | pd.Timestamp, end: datetime | pd.Timestamp
) -> pd.DataFrame:
    """Weather of one station in [start, end), ``ts`` in Europe/Warsaw."""
    lo = require_aware(pd.Timestamp(start), "start")
    hi = require_aware(pd.Timestamp(end), "end")
    sql = text(
        "SELECT ts, t_air_degc, ghi_w_per_m2, wind_m_per_s FROM weather "
        "WHERE station = :s AND ts >= :lo AND ts < :hi ORDER BY ts"
    )
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        bounds = (int(lo.timestamp()), int(hi.timestamp())) if sqlite else (lo, hi)
        rows = conn.execute(sql, {"s": station, "lo": bounds[0], "hi": bounds[1]}).all()
    frame = pd.DataFrame(rows, columns=list(WEATHER_COLUMNS[1:]))
    if sqlite:
        frame["ts"] = pd.to_datetime(frame["ts"].astype("int64"), unit="s", utc=True)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True).dt.tz_convert(LOCAL_TZ_NAME)
    return frame.astype({c: "float64" for c in WEATHER_COLUMNS[2:]})
