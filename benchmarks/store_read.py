"""Benchmark: a one-meter, one-year read of 15-minute data with 10,000 meters in the store.

Baseline, in the same run: the same read from a store that holds only that meter. A ratio near
1 means the (meter_id, ts) index keeps the read independent of how many meters the store has.

Usage: python benchmarks/store_read.py [--meters N] [--other-days D] [--repeat K]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.settings import Settings
from core.timeseries import read_series, write_readings
from tests.factories import add_meters

YEAR_START = pd.Timestamp("2025-01-01").tz_localize("Europe/Warsaw")
YEAR_END = pd.Timestamp("2026-01-01").tz_localize("Europe/Warsaw")


def year_of(meter_id: int) -> pd.DataFrame:
    ts = pd.date_range(YEAR_START, YEAR_END, freq="15min", inclusive="left")
    values = np.random.default_rng(meter_id).gamma(2.0, 0.06, size=len(ts))
    return pd.DataFrame({"meter_id": meter_id, "ts": ts, "value": values})


def build(path: str, meters: int, other_days: int) -> tuple[object, int]:
    engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
    upgrade(engine)
    ids = add_meters(engine, meters)
    target = ids[len(ids) // 2]
    write_readings(engine, year_of(target))
    others = [m for m in ids if m != target]
    steps = other_days * 96
    # Other meters' data spread over the same year, so the target's rows are interleaved.
    ts = pd.date_range(YEAR_START + pd.Timedelta(days=180), periods=steps, freq="15min")
    for i in range(0, len(others), 1000):
        chunk = others[i : i + 1000]
        write_readings(
            engine,
            pd.DataFrame(
                {"meter_id": np.repeat(chunk, steps), "ts": np.tile(ts, len(chunk)), "value": 0.1}
            ),
        )
    return engine, target


def time_reads(engine: object, meter: int, repeat: int) -> dict[str, float]:
    out = {}
    for resolution in ("raw", "day"):
        read_series(engine, meter, YEAR_START, YEAR_END, resolution)  # warm caches first
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            frame = read_series(engine, meter, YEAR_START, YEAR_END, resolution)
            samples.append(time.perf_counter() - start)
        assert len(frame) in (35_040, 365)
        out[resolution] = statistics.median(samples)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=10_000)
    parser.add_argument("--other-days", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big, big_meter = build(f"{tmp}/big.db", args.meters, args.other_days)
        small, small_meter = build(f"{tmp}/small.db", 1, 0)
        t_big = time_reads(big, big_meter, args.repeat)
        t_small = time_reads(small, small_meter, args.repeat)
    print(
        f"SQLite: one meter, one year of 15-minute readings (35,040 rows), {args.meters:,} meters"
    )
    for res in ("raw", "day"):
        print(
            f"  {res:4s} read: {t_big[res] * 1000:8.1f} ms   baseline (1 meter in store) "
            f"{t_small[res] * 1000:8.1f} ms   ratio {t_small[res] / t_big[res]:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
