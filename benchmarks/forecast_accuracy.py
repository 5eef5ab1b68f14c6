"""Benchmark: accuracy of the combined forecast against seasonal naive on real utility data.

For every Dutch substation (15 min, radiation and wind at 100 m as regressors, day-ahead = 96
steps, six weeks of history) at two windows, and for the Danish heat meter (hourly, the
cumulative register differenced, day-ahead = 24 steps, four months of history) at three
windows, a rolling-origin backtest of the model zoo is run with ``backtest_series``. The
combined forecast of each fold is the one chosen and weighted on the other folds only (nested
cross-validation), so its MASE is an honest estimate. Printed per series and window: the MASE
of every model, of the combination, of the better seasonal naive (daily or weekly, the bar),
and their ratio; then how many series-windows the combination beats and the mean ratio.

Usage: python benchmarks/forecast_accuracy.py [--quick] [--jobs N] [--folds K]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasting.config import BacktestConfig, PipelineConfig
from forecasting.exceptions import ForecastWarning
from forecasting.horizon import split_history
from forecasting.pipeline import backtest_series
from forecasting.prepare import prepare_frame
from forecasting.registry import SEASONAL_NAIVE_NAMES

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SUBSTATIONS = DATA / "electricity" / "substations_nl"
HEAT_METER = DATA / "heat" / "danish_heat_meter" / "processed_final_data_sample.csv"
SUBSTATION_WINDOWS = ("2021-09-30T00:00Z", "2021-10-31T00:00Z")
HEAT_WINDOWS = ("2019-03-01T00:00Z", "2019-12-01T00:00Z", "2020-11-01T00:00Z")
SUBSTATION_HISTORY_DAYS = 42
HEAT_HISTORY_DAYS = 120


@dataclass(frozen=True)
class Case:
    """One series-window: where the data is, how to read it, the backtest to run."""

    dataset: str
    train_until: str
    horizon_steps: int
    history_days: int
    folds: int


@dataclass(frozen=True)
class Row:
    """The figures of one case (MASE per model, combined, the better seasonal naive)."""

    case: Case
    model_mase: dict[str, float]
    combined_mase: float
    naive_mase: float
    label: str
    seconds: float

    @property
    def ratio(self) -> float:
        if not (np.isfinite(self.naive_mase) and self.naive_mase > 0):
            return float("nan")
        return self.combined_mase / self.naive_mase


def cases(quick: bool, folds: int) -> list[Case]:
    """Every substation at every window and the heat meter at its windows (fewer if quick)."""
    names = sorted(p.stem for p in SUBSTATIONS.glob("*.csv"))
    sub_windows = SUBSTATION_WINDOWS[-1:] if quick else SUBSTATION_WINDOWS
    heat_windows = HEAT_WINDOWS[1:2] if quick else HEAT_WINDOWS
    out = [
        Case(name, until, 96, SUBSTATION_HISTORY_DAYS, folds)
        for until in sub_windows
        for name in names
    ]
    out += [
        Case("danish_heat_meter", until, 24, HEAT_HISTORY_DAYS, 2 * folds) for until in heat_windows
    ]
    return out


def _history(case: Case):
    if case.dataset == "danish_heat_meter":
        prepared = prepare_frame(
            pd.read_csv(HEAT_METER),
            time_col="time_rounded",
            target="energy_heat_kwh",
            cumulative=True,
            source=case.dataset,
        )
        tz, country = "Europe/Copenhagen", "DK"
    else:
        prepared = prepare_frame(
            pd.read_csv(SUBSTATIONS / f"{case.dataset}.csv", index_col=0),
            time_col="datetime",
            target="total_substation",
            regressors=("radiation", "windspeed_100m"),
            source=case.dataset,
        )
        tz, country = "Europe/Amsterdam", "NL"
    split = split_history(
        prepared,
        train_until=pd.Timestamp(case.train_until),
        horizon_steps=0,
        calendar_tz=tz,
        country=country,
    )
    return split.history.tail_days(case.history_days)


def run_case(case: Case) -> Row:
    """Backtest one case and keep its MASE figures."""
    history = _history(case)
    config = PipelineConfig(backtest=BacktestConfig(folds=case.folds))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        report = backtest_series(history, case.horizon_steps, config)
    seconds = time.perf_counter() - start
    model_mase = {m: v.mase for m, v in report.metrics.items()}
    naive = min(model_mase.get(m, np.inf) for m in SEASONAL_NAIVE_NAMES)
    return Row(case, model_mase, report.combined.mase, naive, report.combination.label, seconds)


def print_table(rows: list[Row]) -> None:
    models = sorted({m for r in rows for m in r.model_mase})
    short = {
        m: m.replace("seasonal_naive_", "sn_").replace("climatology", "clim")[:12] for m in models
    }
    head = f"{'dataset':<18}{'window':<12}" + "".join(f"{short[m]:>13}" for m in models)
    print(head + f"{'combined':>10}{'min SN':>9}{'ratio':>8}{'s':>6}  chosen")
    for r in rows:
        cells = "".join(f"{r.model_mase.get(m, np.nan):13.3f}" for m in models)
        print(
            f"{r.case.dataset:<18}{r.case.train_until[:10]:<12}{cells}"
            f"{r.combined_mase:10.3f}{r.naive_mase:9.3f}{r.ratio:8.3f}{r.seconds:6.1f}  {r.label}"
        )
    scored = [r for r in rows if np.isfinite(r.ratio)]
    undefined = [f"{r.case.dataset}@{r.case.train_until[:10]}" for r in rows if r not in scored]
    beats = sum(r.combined_mase < r.naive_mase for r in scored)
    ratios = np.array([r.ratio for r in scored])
    print(
        f"combined beats the better seasonal naive on {beats} of {len(scored)} series-windows; "
        f"ratio combined/seasonal naive: mean {ratios.mean():.3f}, worst {ratios.max():.3f}"
        + (
            f"; MASE undefined (a constant history or test window): {', '.join(undefined)}"
            if undefined
            else ""
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one window per dataset")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--folds", type=int, default=3, help="backtest folds (heat meter: 2x)")
    args = parser.parse_args()
    todo = cases(args.quick, args.folds)
    print(
        f"{len(todo)} series-windows, {args.folds} folds ({2 * args.folds} for the heat meter), "
        f"nested cross-validated combination, {args.jobs} processes",
        flush=True,
    )
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(run_case, todo))
    print_table(rows)
    print(f"wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
