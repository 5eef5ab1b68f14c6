"""Benchmark: forecasting speed.

1. Prophet: median fit+predict seconds per series for the speed-tuned Prophet beside Prophet
   with the library's defaults (same features, same series, same run), as daily refits of a
   day-ahead forecast over the last days of each series (the tuned one warm-starts from its
   previous fit). Both accuracies (MASE) are printed: the target is a ratio <= 0.3 at equal
   accuracy. Series: the Dutch substations (15 min) and the Danish heat meter (hourly).
2. Scale-out: series per minute for N building-level series (default 500; hourly, eight weeks
   of history, the full model zoo with a two-fold backtest, as ``kof forecast run`` does) on a
   local Dask cluster with one worker per core, beside the in-process rate on a subset.
3. ``--warm``: warm starts across scheduled runs. A small generated region (SQLite in a
   temporary folder); ``run_forecasts`` on its building series (seasonal naive + Prophet,
   two-fold backtest) issued on day D-1, then on day D twice: from the stored fits (warm) and
   again with none stored for D (cold, the same data). Per series: seconds and iterations of
   the first Prophet fit (the one a stored fit can start), and of all its fits in the run.

Usage: python benchmarks/forecast_speed.py [--series N] [--refits R] [--skip-prophet] [--skip-dask]
       [--warm [--warm-premises P]]
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
from forecasting.jobs import RunConfig, SeriesJob, SeriesOutcome, run_job
from forecasting.metrics import score, seasonal_naive_scale
from forecasting.model import SeriesLevel, SeriesQuantity
from forecasting.prepare import PreparedSeries, prepare_frame
from forecasting.prophet_adapter import ProphetForecaster

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


def _first_and_total(outcome: SeriesOutcome) -> tuple[float, int | None, float, bool]:
    """The first Prophet fit's seconds, iterations and warm flag; all its fits' seconds."""
    fits = [f for f in outcome.fits if f.model == "prophet"]
    return fits[0].fit_s, fits[0].n_iterations, sum(f.fit_s for f in fits), fits[0].warm


def bench_warm(premises: int, n_series: int, lookback_days: int) -> None:
    """Cold vs warm Prophet fits of ``kof forecast run`` on a generated region's buildings."""
    import datetime as dt
    import tempfile

    from core.db.engine import make_engine
    from core.db.migrate import upgrade
    from core.region import generate_region
    from core.settings import Settings
    from core.timeseries import TimeSeriesStore
    from forecasting.config import BacktestConfig, PipelineConfig
    from forecasting.service import run_forecasts

    days = lookback_days + 3
    with tempfile.TemporaryDirectory(prefix="kof-warm-bench-") as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/kof.db", var_dir=Path(folder))
        engine = make_engine(settings)
        upgrade(engine)
        start = dt.date(2026, 1, 5)
        began = time.perf_counter()
        generate_region(
            engine, TimeSeriesStore(engine), premises=premises, days=days, seed=2030, start=start
        )
        print(f"region: {premises} premises x {days} days in {time.perf_counter() - began:.0f} s")
        # the last issue day leaves a day of stored weather after its horizon (interpolation)
        day = pd.Timestamp(start + dt.timedelta(days=days - 2), tz="Europe/Warsaw").tz_convert(
            "UTC"
        )
        config = RunConfig(
            lookback_days=lookback_days,
            levels=(SeriesLevel.BUILDING,),
            limit=n_series,
            pipeline=PipelineConfig(
                models=("seasonal_naive_daily", "prophet"), backtest=BacktestConfig(folds=2)
            ),
        )
        previous = day - pd.Timedelta(days=1)
        run_forecasts(engine, issued_at=previous, config=config, scheduler=IN_PROCESS)
        warm = run_forecasts(engine, issued_at=day, config=config, scheduler=IN_PROCESS)
        cold = run_forecasts(engine, issued_at=day, config=config, scheduler=IN_PROCESS)
        engine.dispose()
    rows = []
    for w, c in zip(warm.outcomes, cold.outcomes, strict=True):
        if not any(f.model == "prophet" for f in w.fits) or not c.fits:
            continue
        w_first, w_iter, w_total, w_used = _first_and_total(w)
        c_first, c_iter, c_total, _ = _first_and_total(c)
        gap = float(
            np.nanmax(np.abs(w.forecast["yhat"] - c.forecast["yhat"]))
            / max(np.nanmean(np.abs(c.forecast["yhat"])), 1e-12)
        )
        rows.append((w.key, c_first, w_first, c_iter, w_iter, c_total, w_total, w_used, gap))
        print(
            f"  {w.key:<34} first fit cold {c_first:6.3f} s ({c_iter} it)  warm {w_first:6.3f} s "
            f"({w_iter} it, {'warm' if w_used else 'COLD'})  all fits {c_total:6.3f} -> "
            f"{w_total:6.3f} s  max |yhat diff| {100 * gap:.2f} % of mean",
            flush=True,
        )
        start = w.stored_start()
        if start is not None and not start.warm:
            print(f"    cold because: {start.reason[:300]}")
    if not rows:
        print("no series fitted Prophet")
        return
    cols = list(zip(*rows, strict=True))
    n_used = sum(cols[7])
    print(
        f"{len(rows)} building series ({lookback_days} days, {warm.n_warm_started} warm-started, "
        f"{n_used} first fits warm): first Prophet fit median cold {statistics.median(cols[1]):.3f} s"
        f", warm {statistics.median(cols[2]):.3f} s (ratio "
        f"{statistics.median(cols[2]) / statistics.median(cols[1]):.2f}); mean cold "
        f"{np.mean(cols[1]):.3f} s, warm {np.mean(cols[2]):.3f} s"
    )
    iters_c = [i for i in cols[3] if i is not None]
    iters_w = [i for i in cols[4] if i is not None]
    print(
        f"iterations of the first fit: median cold {statistics.median(iters_c):.0f}, warm "
        f"{statistics.median(iters_w):.0f}; all Prophet fits per series and run: median cold "
        f"{statistics.median(cols[5]):.3f} s, warm {statistics.median(cols[6]):.3f} s (ratio "
        f"{statistics.median(cols[6]) / statistics.median(cols[5]):.2f}); forecast difference "
        f"warm vs cold: median {100 * statistics.median(cols[8]):.3f} %, max "
        f"{100 * max(cols[8]):.3f} % of the mean forecast"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--refits", type=int, default=3)
    parser.add_argument("--lookback-days", type=int, default=56)
    parser.add_argument("--skip-prophet", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--warm", action="store_true", help="cold vs warm scheduled runs")
    parser.add_argument("--warm-premises", type=int, default=120)
    parser.add_argument("--warm-series", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    warnings.simplefilter("ignore", ForecastWarning)
    if args.warm:
        bench_warm(args.warm_premises, args.warm_series, args.lookback_days)
        return
    if not args.skip_prophet:
        bench_prophet(args.refits, args.lookback_days)
    if not args.skip_dask:
        bench_dask(args.series)


if __name__ == "__main__":
    main()
