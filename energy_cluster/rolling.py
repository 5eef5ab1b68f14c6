"""Rolling-horizon planning: one model built once, updated and re-solved window by window.

Day-ahead: at the gate hour of each day the next two local days (48 h) are planned and the first
local day (23, 24 or 25 h at the DST changes) is kept. Intraday: every hour a fixed window is
re-planned with updated forecasts and the first hour is kept. Between windows the series Params
are set to the new window's forecasts and the unit states (storage contents, fuel stocks, units
on, output for ramps, recent starts and stops for minimum up/down times) are carried from the
end of the kept part; the persistent HiGHS instance only receives the changed values.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.timeutil import LOCAL_TZ_NAME
from energy_cluster.checks import verify_plan
from energy_cluster.config import ForecastErrorConfig
from energy_cluster.enums import RollingMode, SolveStatus, UnitType
from energy_cluster.exceptions import SolverError
from energy_cluster.kpis import Kpis, compute_kpis
from energy_cluster.model import ClusterModel
from energy_cluster.profiles import hourly_noise
from energy_cluster.scenario import Scenario
from energy_cluster.solve import ClusterSolver

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (windows done, windows in total)
WindowHook = Callable[[ClusterModel, int], None]  # (model ready to solve, window number)


@dataclass(frozen=True)
class WindowRecord:
    """One solved window."""

    start: pd.Timestamp
    kept_steps: int
    status: SolveStatus
    objective_pln: float | None
    gap: float | None
    solve_time_s: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.tz_convert(LOCAL_TZ_NAME).isoformat(),
            "kept_steps": self.kept_steps,
            "status": self.status.value,
            "objective_pln": self.objective_pln,
            "gap": self.gap,
            "solve_time_s": round(self.solve_time_s, 4),
        }


@dataclass
class RollingResult:
    """The kept parts of every window, joined, with KPIs over the whole period."""

    scenario: str
    mode: RollingMode
    index: pd.DatetimeIndex
    step_h: float
    schedules: pd.DataFrame
    costs: pd.DataFrame
    co2: pd.DataFrame
    windows: list[WindowRecord]
    kpis: Kpis
    violations: list[str] = field(default_factory=list)
    build_time_s: float = 0.0
    total_time_s: float = 0.0
    solver_time_s: float = 0.0

    @property
    def flagged_windows(self) -> int:
        return sum(1 for w in self.windows if w.status is not SolveStatus.OPTIMAL)

    def to_json_dict(self, *, with_schedules: bool = False) -> dict[str, Any]:
        gaps = [w.gap for w in self.windows if w.gap is not None]
        doc: dict[str, Any] = {
            "scenario": self.scenario,
            "mode": self.mode.value,
            "start": self.index[0].tz_convert(LOCAL_TZ_NAME).isoformat(),
            "steps": len(self.index),
            "step_h": self.step_h,
            "windows": len(self.windows),
            "flagged_windows": self.flagged_windows,
            "max_gap": max(gaps) if gaps else None,
            "build_time_s": round(self.build_time_s, 3),
            "total_time_s": round(self.total_time_s, 3),
            "solver_time_s": round(self.solver_time_s, 3),
            "kpis": self.kpis.as_dict(),
            "violations": self.violations,
            "window_results": [w.as_dict() for w in self.windows],
        }
        if with_schedules:
            doc["timestamps"] = [t.isoformat() for t in self.index.tz_convert(LOCAL_TZ_NAME)]
            doc["schedules"] = {
                c: np.round(self.schedules[c].to_numpy(), 6).tolist() for c in self.schedules
            }
        return doc


def _local_midnight(ts: pd.Timestamp) -> pd.Timestamp:
    local = ts.tz_convert(LOCAL_TZ_NAME)
    return local.normalize().tz_convert("UTC") if local.tzinfo else local


def _forecast(
    scenario: Scenario,
    actual: dict[str, np.ndarray],
    index: pd.DatetimeIndex,
    issued: pd.Timestamp,
    errors: ForecastErrorConfig,
) -> dict[str, np.ndarray]:
    """Forecasts issued at ``issued`` for ``index``: actual values with errors growing with lead."""
    if not (errors.demand_rel_sd or errors.renewable_rel_sd or errors.price_rel_sd):
        return actual
    cfg = scenario.config
    kinds: dict[str, float] = {d.series: errors.demand_rel_sd for d in cfg.demands}
    for unit in cfg.units:
        if unit.type in (UnitType.PV, UnitType.WIND) and isinstance(unit.availability, str):
            kinds[unit.availability] = errors.renewable_rel_sd
        if unit.type is UnitType.GRID and isinstance(unit.price_pln_per_mwh, str):
            kinds[unit.price_pln_per_mwh] = errors.price_rel_sd
    lead_h = np.maximum(0.0, (index - issued) / pd.Timedelta(hours=1))
    scale = np.sqrt(np.maximum(lead_h, 1.0) / 24.0)
    out = dict(actual)
    for i, (name, sd) in enumerate(sorted(kinds.items())):
        if not sd:
            continue
        seed = errors.seed * 1000 + i + int(issued.value // 3_600_000_000_000) % 100_000
        noise = hourly_noise(index, seed, 0.9)
        values = actual[name] * (1.0 + sd * scale * noise)
        if name in {u.availability for u in cfg.units if u.type in (UnitType.PV, UnitType.WIND)}:  # type: ignore[union-attr]
            values = np.clip(values, 0.0, 1.0)
        out[name] = values
    return out


def run_rolling(
    scenario: Scenario,
    days: int,
    *,
    mode: RollingMode | None = None,
    resolution_min: int | None = None,
    progress: Progress | None = None,
    on_window: WindowHook | None = None,
) -> RollingResult:
    """Plan ``days`` local days from the scenario's start day with a rolling horizon.

    Args:
        scenario: the scenario; its series must cover the period plus one window.
        days: number of local days kept.
        mode: day-ahead (default from the scenario) or intraday.
        resolution_min: model resolution (default: the scenario's ``rolling.resolution_min``).
        progress: called with (windows done, windows in total) after each window.
        on_window: called with the model of each window just before it is solved (e.g. to
            export it for a benchmark).

    Raises:
        SolverError: a window ended without any plan.
        ScenarioError: a series does not cover the period.
    """
    started = time.perf_counter()
    rcfg = scenario.config.rolling
    mode = mode or rcfg.mode
    res = resolution_min or rcfg.resolution_min or scenario.config.horizon.resolution_min
    step = pd.Timedelta(minutes=res)
    steps_per_h = 60 // res
    window_h = rcfg.window_hours if mode is RollingMode.DAY_AHEAD else rcfg.intraday_window_hours
    window = round(window_h * steps_per_h)
    first = _local_midnight(pd.Timestamp(scenario.config.horizon.start))
    end_local = first.tz_convert(LOCAL_TZ_NAME) + pd.DateOffset(days=days)
    end = end_local.normalize().tz_convert("UTC")
    period = pd.date_range(first, end, freq=step, inclusive="left")
    full = pd.date_range(first, end + pd.Timedelta(hours=window_h), freq=step, inclusive="left")
    model_scenario = scenario.with_horizon(
        start=first.to_pydatetime(), hours=window_h, resolution_min=res
    )
    actual = scenario.all_series(full)
    cluster = ClusterModel(model_scenario, data={k: v[:window] for k, v in actual.items()})
    solver = ClusterSolver(cluster, scenario.config.solver)
    build_time = cluster.build_time_s

    if mode is RollingMode.DAY_AHEAD:
        starts = [i for i, ts in enumerate(period) if ts == _local_midnight(ts)]
    else:
        starts = list(range(0, len(period), steps_per_h))
    total = len(starts)
    logger.info("rolling %s: %d windows of %d steps (%s)", scenario.name, total, window, mode.value)
    states = dict(cluster.initial_states)
    frames: dict[str, list[pd.DataFrame]] = {"schedules": [], "costs": [], "co2": []}
    records: list[WindowRecord] = []
    violations: list[str] = []
    solver_time = 0.0
    for n, offset in enumerate(starts):
        keep = (starts[n + 1] if n + 1 < total else len(period)) - offset
        index = full[offset : offset + window]
        issued = (
            index[0] - pd.Timedelta(hours=24 - rcfg.gate_hour_local)
            if mode is RollingMode.DAY_AHEAD
            else index[0]
        )
        window_data = {name: values[offset : offset + window] for name, values in actual.items()}
        cluster.set_data(_forecast(scenario, window_data, index, issued, rcfg.forecast_error))
        cluster.set_states(states)
        if on_window is not None:
            on_window(cluster, n)
        result = solver.solve(time_limit_s=rcfg.time_limit_s, mip_rel_gap=rcfg.mip_rel_gap)
        solver_time += result.solver_time_s
        if not result.status.has_plan:
            raise SolverError(
                f"rolling window starting {index[0].tz_convert(LOCAL_TZ_NAME)}: {result.message}"
            )
        frames["schedules"].append(cluster.schedule_frame(index).iloc[:keep])
        frames["costs"].append(cluster.cost_frame(index).iloc[:keep])
        frames["co2"].append(cluster.co2_frame(index).iloc[:keep])
        problems = verify_plan(cluster)
        violations.extend(f"window {index[0].isoformat()}: {p}" for p in problems)
        states = cluster.states_after(keep - 1)
        records.append(
            WindowRecord(
                index[0], keep, result.status, result.objective_pln, result.gap, result.solve_time_s
            )
        )
        if progress is not None:
            progress(n + 1, total)
    schedules = pd.concat(frames["schedules"])
    costs = pd.concat(frames["costs"])
    co2 = pd.concat(frames["co2"])
    kpis = compute_kpis(scenario.config, schedules, costs, co2, res / 60.0)
    elapsed = time.perf_counter() - started
    logger.info(
        "rolling %s: %d windows in %.1f s (HiGHS %.1f s), %d flagged",
        scenario.name,
        total,
        elapsed,
        solver_time,
        sum(1 for r in records if r.status is not SolveStatus.OPTIMAL),
    )
    return RollingResult(
        scenario=scenario.name,
        mode=mode,
        index=period,
        step_h=res / 60.0,
        schedules=schedules,
        costs=costs,
        co2=co2,
        windows=records,
        kpis=kpis,
        violations=violations,
        build_time_s=build_time,
        total_time_s=elapsed,
        solver_time_s=solver_time,
    )


def windows_for(days: int, mode: RollingMode) -> int:
    """Approximate number of windows (for progress displays)."""
    return days if mode is RollingMode.DAY_AHEAD else days * 24
