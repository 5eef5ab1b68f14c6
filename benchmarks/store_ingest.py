"""Benchmark: rows/s of ``write_readings`` on SQLite and PostgreSQL beside the raw baseline.

Baselines, measured in the same run on the same rows into an equally empty table:
- SQLite: plain ``executemany`` of a prepared INSERT in one transaction (WAL mode), with the
  rows already built as Python tuples;
- PostgreSQL: plain ``COPY ... FROM STDIN`` of the prepared tuples (psycopg ``write_row``).
``write_readings`` is timed end to end from a DataFrame: validation, the meter check,
conversion and the idempotent write. The printed ratio is write_readings / baseline (target >= 0.7).
The re-write figure writes the same batch again (every row conflicts: the upsert path).

Usage: python benchmarks/store_ingest.py [--rows N] [--repeat K] [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.settings import Settings
from core.timeseries import write_readings
from tests.factories import add_meters

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def make_frame(meter_ids: list[int], rows: int) -> pd.DataFrame:
    steps = rows // len(meter_ids)
    ts = pd.date_range("2026-01-01T00:00Z", periods=steps, freq="15min")
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "meter_id": np.repeat(np.array(meter_ids, dtype="int64"), steps),
            "ts": np.tile(ts, len(meter_ids)),
            "value": rng.gamma(2.0, 0.06, size=steps * len(meter_ids)),
        }
    )


def prepared_rows(frame: pd.DataFrame, sqlite: bool) -> list[tuple]:
    if sqlite:
        stamps = frame["ts"].to_numpy(dtype="datetime64[s]").astype("int64").tolist()
    else:
        stamps = list(pd.DatetimeIndex(frame["ts"]).to_pydatetime())
    n = len(frame)
    return list(
        zip(
            frame["meter_id"].tolist(),
            stamps,
            frame["value"].tolist(),
            [0] * n,
            [None] * n,
            strict=True,
        )
    )


def truncate(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM readings"))
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM readings")


def baseline_sqlite(engine: Engine, rows: list[tuple]) -> None:
    with engine.begin() as conn:
        conn.connection.cursor().executemany(
            "INSERT INTO readings (meter_id, ts, value, quality, reason) VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def baseline_postgres(engine: Engine, rows: list[tuple]) -> None:
    with engine.begin() as conn:
        cursor = conn.connection.cursor()
        with cursor.copy("COPY readings (meter_id, ts, value, quality, reason) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench(engine: Engine, label: str, rows: int, repeat: int) -> dict[str, float]:
    meters = add_meters(engine, 200, prefix=f"B{uuid.uuid4().hex[:4]}")
    frame = make_frame(meters, rows)
    sqlite = engine.dialect.name == "sqlite"
    prepared = prepared_rows(frame, sqlite)
    baseline = baseline_sqlite if sqlite else baseline_postgres
    t_base, t_ours, t_rewrite = [], [], []
    for _ in range(repeat):
        truncate(engine)
        t_base.append(timed(lambda: baseline(engine, prepared)))
        truncate(engine)
        t_ours.append(timed(lambda: write_readings(engine, frame)))
        t_rewrite.append(
            timed(lambda: write_readings(engine, frame.assign(value=frame["value"] + 1)))
        )
    n = len(frame)
    base_rps = n / statistics.median(t_base)
    ours_rps = n / statistics.median(t_ours)
    rewrite_rps = n / statistics.median(t_rewrite)
    print(f"{label}: {n:,} rows, median of {repeat}")
    print(f"  raw baseline       {base_rps:12,.0f} rows/s")
    print(f"  write_readings     {ours_rps:12,.0f} rows/s   ratio {ours_rps / base_rps:.2f}")
    print(f"  re-write (upsert)  {rewrite_rps:12,.0f} rows/s   ratio {rewrite_rps / base_rps:.2f}")
    return {"baseline": base_rps, "ours": ours_rps, "ratio": ours_rps / base_rps}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("KOF_TEST_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Settings(database_url=f"sqlite:///{tmp}/bench.db"))
        upgrade(engine)
        bench(engine, "SQLite (WAL)", args.rows, args.repeat)
        engine.dispose()

    if args.no_postgres:
        return 0
    admin_url = make_url(args.postgres)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"kof_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        engine = make_engine(Settings(database_url=url))
        upgrade(engine)
        bench(engine, "PostgreSQL", args.rows, args.repeat)
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
