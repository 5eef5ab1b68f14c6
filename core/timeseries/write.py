"""Idempotent bulk writes of readings: executemany on SQLite, COPY + upsert on PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from core.db.engine import write_transaction
from core.db.types import QUALITY_CODES
from core.enums import Quality
from core.exceptions import StoreError, UnknownMeterError
from core.timeseries.validate import validate_readings

logger = logging.getLogger(__name__)

_MEASURED = QUALITY_CODES[Quality.MEASURED]

# On conflict the newer row wins, except that the value a device sent survives in raw_value
# when a measured reading is replaced by an estimated or edited one. Unchanged rows are not
# rewritten, so writing the same batch twice changes nothing.
_SQLITE_UPSERT = f"""
INSERT INTO readings (meter_id, ts, value, quality, reason) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (meter_id, ts) DO UPDATE SET
    raw_value = CASE
        WHEN excluded.quality = {_MEASURED} THEN NULL
        WHEN readings.quality = {_MEASURED} THEN readings.value
        ELSE readings.raw_value END,
    value = excluded.value, quality = excluded.quality, reason = excluded.reason
WHERE readings.value IS NOT excluded.value OR readings.quality IS NOT excluded.quality
    OR readings.reason IS NOT excluded.reason
"""

_PG_STAGE = """
CREATE TEMP TABLE readings_stage (
    meter_id integer NOT NULL, ts timestamptz NOT NULL, value double precision,
    quality smallint NOT NULL, reason varchar(200)
) ON COMMIT DROP
"""

_PG_UPSERT = f"""
INSERT INTO readings AS r (meter_id, ts, value, quality, reason)
SELECT meter_id, ts, value, quality, reason FROM readings_stage
ON CONFLICT (meter_id, ts) DO UPDATE SET
    raw_value = CASE
        WHEN excluded.quality = {_MEASURED} THEN NULL
        WHEN r.quality = {_MEASURED} THEN r.value
        ELSE r.raw_value END,
    value = excluded.value, quality = excluded.quality, reason = excluded.reason
WHERE (r.value, r.quality, r.reason) IS DISTINCT FROM (excluded.value, excluded.quality, excluded.reason)
"""

_COPY_COLUMNS = "(meter_id, ts, value, quality, reason)"


def known_meter_ids(conn: Connection, meter_ids: np.ndarray) -> set[int]:
    """The subset of ``meter_ids`` registered in the meters table."""
    found: set[int] = set()
    ids = [int(m) for m in np.unique(meter_ids)]
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        params = {f"m{j}": m for j, m in enumerate(chunk)}
        marks = ", ".join(f":m{j}" for j in range(len(chunk)))
        rows = conn.execute(text(f"SELECT id FROM meters WHERE id IN ({marks})"), params)
        found.update(r[0] for r in rows)
    return found


def check_meters(conn: Connection, meter_ids: np.ndarray) -> None:
    """Raise UnknownMeterError unless every id in ``meter_ids`` is a registered meter."""
    wanted = {int(m) for m in np.unique(meter_ids)}
    unknown = wanted - known_meter_ids(conn, meter_ids)
    if unknown:
        raise UnknownMeterError(sorted(unknown))


def _sqlite_rows(clean: pd.DataFrame, chunk_rows: int) -> Iterator[list[tuple]]:
    epoch_s = clean["ts"].to_numpy(dtype="datetime64[s]").astype("int64")
    values = clean["value"].to_numpy()
    value_list = (
        np.where(np.isnan(values), None, values).tolist()
        if np.isnan(values).any()
        else values.tolist()
    )
    columns = (
        clean["meter_id"].to_numpy().tolist(),
        epoch_s.tolist(),
        value_list,
        clean["quality"].to_numpy().tolist(),
        clean["reason"].tolist(),
    )
    for start in range(0, len(clean), chunk_rows):
        stop = start + chunk_rows
        yield list(zip(*(c[start:stop] for c in columns), strict=True))


def _pg_rows(clean: pd.DataFrame) -> Iterator[tuple]:
    ts = pd.DatetimeIndex(clean["ts"]).to_pydatetime()
    values = clean["value"].to_numpy()
    value_list = np.where(np.isnan(values), None, values).tolist()
    return zip(
        clean["meter_id"].to_numpy().tolist(),
        ts,
        value_list,
        clean["quality"].to_numpy().tolist(),
        clean["reason"].tolist(),
        strict=True,
    )


def _copy(cursor: object, table: str, clean: pd.DataFrame) -> None:
    with cursor.copy(f"COPY {table} {_COPY_COLUMNS} FROM STDIN") as copy:  # type: ignore[attr-defined]
        for row in _pg_rows(clean):
            copy.write_row(row)


def _write_postgres(conn: Connection, clean: pd.DataFrame) -> None:
    import psycopg  # the PostgreSQL adapter; imported only on this path

    cursor = conn.connection.cursor()
    # Fast path for new data (the usual case: a poll cycle, an import of a new period):
    # COPY straight into the table inside a savepoint. Any overlap with stored rows makes it
    # fail at once; then the batch goes through a staging table and an upsert.
    savepoint = conn.begin_nested()
    try:
        _copy(cursor, "readings", clean)
        savepoint.commit()
        return
    except psycopg.errors.UniqueViolation:
        savepoint.rollback()
    cursor.execute(_PG_STAGE)
    _copy(cursor, "readings_stage", clean)
    cursor.execute(_PG_UPSERT)
    cursor.execute("DROP TABLE readings_stage")


def _write_sqlite(conn: Connection, clean: pd.DataFrame, chunk_rows: int) -> None:
    cursor = conn.connection.cursor()
    for rows in _sqlite_rows(clean, chunk_rows):
        cursor.executemany(_SQLITE_UPSERT, rows)


def write_readings(engine: Engine, frame: pd.DataFrame, *, chunk_rows: int = 50_000) -> int:
    """Store readings idempotently, all or nothing, in one transaction.

    Args:
        engine: the store's engine.
        frame: columns meter_id, ts (aware; the interval start for interval meters), value,
            and optionally quality (a ``Quality`` value, default measured) and reason.
        chunk_rows: rows per executemany call on SQLite.

    Returns:
        The number of distinct (meter_id, ts) rows in the batch.

    Raises:
        InputError: a malformed frame (names column, row and value); nothing is written.
        UnknownMeterError: readings for meters the store does not know; nothing is written.
        StoreError: the database refused the batch; it was rolled back whole.
    """
    clean = validate_readings(frame)
    if clean.empty:
        return 0
    try:
        with write_transaction(engine) as conn:
            check_meters(conn, clean["meter_id"].to_numpy())
            if conn.dialect.name == "postgresql":
                _write_postgres(conn, clean)
            else:
                _write_sqlite(conn, clean, chunk_rows)
    except SQLAlchemyError as err:
        raise StoreError(f"the store refused the batch of {len(clean)} readings: {err}") from err
    except Exception as err:
        if type(err).__module__.startswith(("psycopg", "sqlite3")):
            raise StoreError(
                f"the store refused the batch of {len(clean)} readings: {err}"
            ) from err
        raise
    logger.debug("wrote %d readings", len(clean))
    return len(clean)
