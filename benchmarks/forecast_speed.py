"""Benchmark: forecasting speed.

1. Prophet: median fit+predict seconds per series for the speed-tuned Prophet beside Prophet
   with the library's defaults (same features, same series, same run), as daily refits of a
   day-ahead forecast over the last days of each series (the tuned one warm-starts from its
   previous fit). Both accuracies (MASE) are printed: the target is a ratio <= 0.3 at equal
   accuracy. Series: the Dutch substations (15 min) and the Danish heat meter (hourly).
2. Scale-out: series per minute for N building-level series (default 500; hourly, eight weeks
   of history, the full model zoo with a two-fold backtest, as ``kof forecast run`` does) on a
   local Dask cluster with one worker per core, beside the in-process rate on a subset.

Usage: python benchmarks/forecast_speed.py [--series N] [--refits R] [--skip-prophet] [--skip-dask]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting.catalogue import SeriesSpec
from forecasting.config import ProphetConfig
from forecasting.distributed import IN_PROCESS, map_series
from forecasting.exceptions import ForecastWarning
from forecasting.horizon import split_history
from forecasting.metrics import score, seasonal_naive_scale
from forecasting.model import SeriesLevel, SeriesQuantity
from forecasting.prepare import PreparedSeries, prepare_frame
from forecasting.prophet_adapter import ProphetForecaster
from forecasting.service import RunConfig, SeriesJob, run_job

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
QUANTILES = (0.1, 0.5, 0.9)


def real_series() -> list[tuple[str, PreparedSeries, int, str]]:
    """(name, series, horizon steps, country) for every real series with a usable target."""
    out = []
    for path in sorted((DATA / "electricity" / "substations_nl").glob("*.csv")):
        frame = pd.read_csv(path, index_col=0)
        if frame["total_substation"].std() < 0.1:  # WLS: all but constant
            continue
        prepared = prepare_frame(
            frame,
            time_col="datetime",
            target="total_substation",
            regressors=("radiation", "windspeed_100m"),
            source=path.stem,
        )
        out.append((path.stem, prepared, 96, "NL"))
    heat = pd.read_csv(DATA / "heat" / "danish_heat_meter" / "processed_final_data_sample.csv")
    prepared = prepare_frame(
        heat.iloc[-24 * 120 :],
        time_col="time_rounded",
        target="energy_heat_kwh",
        cumulative=True,
        source="danish_heat_meter",
    )
    out.append(("danish_heat_meter", prepared, 24, "DK"))
    return out


def prophet_run(
    config: ProphetConfig, name: str, series: list, refits: int, lookback_days: int
) -> tuple[list[float], list[float]]:
    """Per series: median seconds of fit+predict over the refits, and the mean MASE."""
    seconds, mases = [], []
    for label, prepared, horizon, country in series:
        model = ProphetForecaster(config, name=name)
        end = prepared.y.dropna().index[-1]
        per_fit, per_mase = [], []
        for k in range(refits, 0, -1):
            origin = end - pd.Timedelta(days=k)
            split = split_history(
                prepared,
                train_until=origin,
                horizon_steps=horizon,
                calendar_tz="Europe/Warsaw",
                country=country,
            )
            history = split.history.tail_days(lookback_days)
            start = time.perf_counter()
            model.fit(history, horizon)
            forecast = model.predict(split.future, QUANTILES)
            per_fit.append(time.perf_counter() - start)
            scale = seasonal_naive_scale(history.y, "Europe/Warsaw")
            per_mase.append(score(prepared.y, forecast, scale, QUANTILES).mase)
        seconds.append(statistics.median(per_fit))
        mases.append(float(np.mean(per_mase)))
        print(f"  {name:<16}{label:<20}{seconds[-1]:8.3f} s  MASE {mases[-1]:.3f}", flush=True)
    return seconds, mases


def bench_prophet(refits: int, lookback_days: int) -> None:
    series = real_series()
    print(
        f"Prophet: {len(series)} real series, {refits} daily refits each, {lookback_days} days of history, intervals {QUANTILES}"
    )
    tuned_s, tuned_mase = prophet_run(ProphetConfig(), "prophet", series, refits, lookback_days)
    default_s, default_mase = prophet_run(
        ProphetConfig(speed_tuned=False), "prophet_default", series, refits, lookback_days
    )
    ratio = statistics.median(tuned_s) / statistics.median(default_s)
    print(
        f"median fit+predict per series: tuned {statistics.median(tuned_s):.3f} s, default {statistics.median(default_s):.3f} s, ratio {ratio:.2f} (target <= 0.3)"
    )
    print(
        f"mean MASE: tuned {np.mean(tuned_mase):.3f}, default {np.mean(default_mase):.3f} (ratio {np.mean(tuned_mase) / np.mean(default_mase):.3f})"
    )


def building_jobs(n: int, days: int = 56, seed: int = 2030) -> list[SeriesJob]:
    """N hourly building series (heat- or electricity-like) with an outdoor temperature."""
    rng = np.random.default_rng(seed)
    issued = pd.Timestamp("2026-02-01T00:00+01:00").tz_convert("UTC")
    index = pd.date_range(
        issued - pd.Timedelta(days=days),
        issued + pd.Timedelta(hours=24),
        freq="h",
        inclusive="left",
    )
    hours = np.arange(len(index))
    local = index.tz_convert("Europe/Warsaw")
    hour = np.asarray(local.hour)
    weekend = np.asarray(local.weekday >= 5)
    t_air = -1.0 + 5.0 * np.sin(hours / 97.0) + 3.0 * np.sin(2 * np.pi * (hour - 9) / 24)
    config = RunConfig(lookback_days=days)
    jobs = []
    for i in range(n):
        heat = i % 2 == 0
        base = rng.uniform(5, 60)
        profile = 1 + 0.5 * np.exp(-((hour - 7) ** 2) / 6) + 0.7 * np.exp(-((hour - 19) ** 2) / 8)
        profile = np.where(weekend, 0.85 * profile + 0.1, profile)
        drive = 1 + np.maximum(15 - t_air, 0) / 12 if heat else 1.0
        noise = 1 + 0.15 * rng.standard_normal(len(index))
        y = pd.Series(base * profile * drive * noise, index=index)
        y[y.index >= issued] = np.nan
        quantity = SeriesQuantity.HEAT_DEMAND if heat else SeriesQuantity.ELECTRIC_DEMAND
        spec = SeriesSpec(
            f"building:{i}:{quantity.value}", SeriesLevel.BUILDING, quantity, i, (i,), "kWh", 3600
        )
        prepared = PreparedSeries(
            y=y,
            regressors=pd.DataFrame({"t_air_degc": t_air}, index=index),
            step_s=3600,
            display_tz=issued.tz,
            source=spec.key,
            n_gap_steps=0,
        )
        job = SeriesJob(spec.key, prepared, issued, 24, spec, config)
        jobs.append(job)
    return jobs


def timed_job(job: SeriesJob) -> tuple[bool, float]:
    """Run one job; (forecast made, CPU seconds of this process and its Stan children)."""
    before = os.times()
    outcome = run_job(job)
    after = os.times()
    fields = ("user", "system", "children_user", "children_system")
    return outcome.forecast is not None, sum(getattr(after, f) - getattr(before, f) for f in fields)


def bench_dask(n: int) -> None:
    jobs = building_jobs(n)
    workers = os.cpu_count() or 1
    subset = jobs[: max(4, min(20, n // 25))]
    start = time.perf_counter()
    map_series(timed_job, subset, scheduler=IN_PROCESS)
    single = len(subset) / ((time.perf_counter() - start) / 60)
    start = time.perf_counter()
    results = map_series(timed_job, jobs, n_workers=workers, progress=True)
    elapsed = time.perf_counter() - start
    failed = sum(not ok for ok, _ in results)
    cpu = [c for _, c in results]
    rate = n / (elapsed / 60)
    print(
        f"Dask local cluster, {workers} workers: {n} building series in {elapsed:.1f} s = "
        f"{rate:.1f} series/min (cluster start included); {failed} failed"
    )
    print(
        f"in process, one core: {single:.1f} series/min on {len(subset)} series; "
        f"scale-out ratio {rate / single:.2f} on {workers} cores"
    )
    print(
        f"CPU per series: median {statistics.median(cpu):.2f} s, mean {np.mean(cpu):.2f} s, i.e. "
        f"{workers * 60 / np.mean(cpu):.0f} series/min on {workers} otherwise idle cores "
        f"(1-minute load average at the end: {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--refits", type=int, default=3)
    parser.add_argument("--lookback-days", type=int, default=56)
    parser.add_argument("--skip-prophet", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    warnings.simplefilter("ignore", ForecastWarning)
    if not args.skip_prophet:
        bench_prophet(args.refits, args.lookback_days)
    if not args.skip_dask:
        bench_dask(args.series)


if __name__ == "__main__":
    main()
