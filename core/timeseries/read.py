"""Range reads of readings, raw or rolled up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from core.db.types import QUALITY_BY_CODE
from core.enums import ReadingType, Resolution
from core.exceptions import InputError, UnknownMeterError
from core.timeseries.rollup import ROLLUP_COLUMNS, rollup
from core.timeutil import LOCAL_TZ_NAME, require_aware

RAW_COLUMNS = ["meter_id", "ts", "value", "quality", "reason"]
_ORDER = {
    Resolution.MIN15: 900,
    Resolution.HOUR: 3600,
    Resolution.DAY: 86_400 - 3600,
    Resolution.MONTH: 28 * 86_400,
}


def _meter_info(engine: Engine, meter_ids: list[int]) -> dict[int, tuple[ReadingType, int]]:
    marks = ", ".join(f":m{i}" for i in range(len(meter_ids)))
    params = {f"m{i}": m for i, m in enumerate(meter_ids)}
    sql = text(f"SELECT id, reading_type, interval_s FROM meters WHERE id IN ({marks})")
    with engine.connect() as conn:
        rows = conn.execute(sql, params).all()
    info = {int(r[0]): (ReadingType(r[1]), int(r[2])) for r in rows}
    unknown = set(meter_ids) - set(info)
    if unknown:
        raise UnknownMeterError(sorted(unknown))
    return info


def _fetch(
    engine: Engine, meter_id: int, lo: pd.Timestamp, hi: pd.Timestamp, inclusive: bool
) -> pd.DataFrame:
    op = "<=" if inclusive else "<"
    sql = (
        "SELECT meter_id, ts, value, quality, reason FROM readings "
        f"WHERE meter_id = :m AND ts >= :lo AND ts {op} :hi ORDER BY ts"
    )
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # SQLite keeps integer epoch seconds (see core.db.types.UtcDateTime)
            params = {"m": meter_id, "lo": int(lo.timestamp()), "hi": int(hi.timestamp())}
        else:
            params = {"m": meter_id, "lo": lo.to_pydatetime(), "hi": hi.to_pydatetime()}
        rows = conn.execute(text(sql), params).all()
    frame = pd.DataFrame(rows, columns=RAW_COLUMNS)
    if sqlite:
        frame["ts"] = pd.to_datetime(frame["ts"].astype("int64"), unit="s", utc=True)
    else:
        frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame.astype({"meter_id": "int64", "value": "float64", "quality": "int64"})


def read_series(
    engine: Engine,
    meters: int | Iterable[int],
    start: datetime | pd.Timestamp,
    end: datetime | pd.Timestamp,
    resolution: Resolution | str = Resolution.RAW,
) -> pd.DataFrame:
    """Read meters' readings in [start, end), raw or rolled up.

    Args:
        engine: the store's engine.
        meters: one meter id or several.
        start, end: aware bounds of the window (end excluded).
        resolution: ``raw``, ``15min``, ``hour``, ``day`` or ``month``. Days and months are
            Europe/Warsaw calendar periods (a day at a DST change has 23 or 25 hours).

    Returns:
        raw: columns meter_id, ts, value, quality (a ``Quality`` value), reason.
        rolled up: columns meter_id, ts (period start), value, n_readings, n_expected
        (intervals the period should hold at the meter's native interval) and n_not_measured.
        ``ts`` is always in Europe/Warsaw. Rows are ordered by meter, then time.

    Raises:
        InputError: naive bounds, end before start, unknown resolution, or a resolution finer
            than the meter's own interval.
        UnknownMeterError: a meter id the store does not know.

    Example:
        >>> read_series(engine, [1, 2], "2026-10-25T00:00+02:00", "2026-10-26T00:00+01:00", "day")
        ... # doctest: +SKIP
    """
    try:
        res = Resolution(resolution)
    except ValueError as err:
        raise InputError(
            f"resolution: {resolution!r} is not one of {', '.join(r.value for r in Resolution)}",
            field="resolution",
            value=resolution,
        ) from err
    lo = require_aware(pd.Timestamp(start), "start")
    hi = require_aware(pd.Timestamp(end), "end")
    if hi <= lo:
        raise InputError(f"end ({end}) must be after start ({start})", field="end", value=str(end))
    ids = (
        [int(meters)] if isinstance(meters, int | np.integer) else sorted({int(m) for m in meters})
    )
    if not ids:
        raise InputError("meters: give at least one meter id", field="meters")
    info = _meter_info(engine, ids)

    parts = []
    for meter_id in ids:
        reading_type, interval_s = info[meter_id]
        if res is not Resolution.RAW and _ORDER[res] < interval_s:
            raise InputError(
                f"resolution: meter {meter_id} reads every {interval_s} s; {res.value} is finer",
                field="resolution",
                value=res.value,
            )
        inclusive = res is not Resolution.RAW and reading_type is ReadingType.CUMULATIVE
        raw = _fetch(engine, meter_id, lo, hi, inclusive)
        if res is Resolution.RAW:
            parts.append(raw)
        else:
            parts.append(rollup(raw, reading_type, interval_s, res, lo, hi))

    if res is Resolution.RAW:
        filled = [p for p in parts if not p.empty]
        out = pd.concat(filled, ignore_index=True) if filled else parts[0]
        out["quality"] = out["quality"].map(lambda c: QUALITY_BY_CODE[int(c)].value)
        out["ts"] = out["ts"].dt.tz_convert(LOCAL_TZ_NAME)
        return out[RAW_COLUMNS]
    filled = [p for p in parts if not p.empty]
    out = pd.concat(filled, ignore_index=True) if filled else parts[0]
    return out[ROLLUP_COLUMNS]
