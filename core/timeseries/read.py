"""Range reads of readings, raw or rolled up."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fetch(
    engine: Engine, meter_id: int, lo: pd.Timestamp, hi: pd.Timestamp, inclusive: bool
) -> pd.DataFrame:
    op = "<=" if inclusive else "<"
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        mark = "?" if sqlite else "%s"  # the driver's own parameter style: plain tuples back
        sql = (
            "SELECT meter_id, ts, value, quality, reason FROM readings "
            f"WHERE meter_id = {mark} AND ts >= {mark} AND ts {op} {mark} ORDER BY ts"
        )
        if sqlite:  # SQLite keeps integer epoch seconds (see core.db.types.UtcDateTime)
            params = (meter_id, int(lo.timestamp()), int(hi.timestamp()))
        else:
            params = (meter_id, lo.to_pydatetime(), hi.to_pydatetime())
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    if not rows:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in RAW_COLUMNS})
        frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
        return frame.astype({"meter_id": "int64", "value": "float64", "quality": "int64"})
    meter_col, ts_col, value_col, quality_col, reason_col = zip(*rows, strict=True)
    if sqlite:
        ts = pd.to_datetime(np.fromiter(ts_col, dtype="int64", count=len(rows)), unit="s", utc=True)
    else:
        ts = pd.to_datetime(list(ts_col), utc=True)
    return pd.DataFrame(
        {
            "meter_id": np.fromiter(meter_col, dtype="int64", count=len(rows)),
            "ts": ts,
            "value": np.array(value_col, dtype="float64"),
            "quality": np.fromiter(quality_col, dtype="int64", count=len(rows)),
            "reason": pd.Series(reason_col, dtype=object),
        }
    )


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
        # Tens of thousands of fresh row tuples would set off full collections of the heap.
        with _gc_paused():
            raw = _fetch(engine, meter_id, lo, hi, inclusive)
        if res is Resolution.RAW:
            parts.append(raw)
        else:
            parts.append(rollup(raw, reading_type, interval_s, res, lo, hi))

    if res is Resolution.RAW:
        filled = [p for p in parts if not p.empty]
        out = pd.concat(filled, ignore_index=True) if filled else parts[0]
        labels = np.array([QUALITY_BY_CODE[c].value for c in sorted(QUALITY_BY_CODE)], dtype=object)
        out["quality"] = labels[out["quality"].to_numpy(dtype="int64")]
        out["ts"] = out["ts"].dt.tz_convert(LOCAL_TZ_NAME)
        return out[RAW_COLUMNS]
    filled = [p for p in parts if not p.empty]
    out = pd.concat(filled, ignore_index=True) if filled else parts[0]
    return out[ROLLUP_COLUMNS]
