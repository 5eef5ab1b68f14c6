"""Plan vs actual: the plan's demand and PV against the store's measured cluster totals.

The cluster totals are those of the forecasting catalogue (``forecasting.catalogue``): the sum of
the region's MAIN meters of a medium for the demand, of its GENERATION meters for PV, read with
``forecasting.store_io`` (a step is kept when at least 98 % of the meters report it complete,
scaled up for the few missing; ``total_of``). Each plan series is compared with one total:

==================== ================================== ===============================
plan series          plan columns (MW)                  store total (kWh per step)
==================== ================================== ===============================
electricity demand   ``{demand}-demand_mw``, electricity ``cluster:electric_demand``
heat demand          ``{demand}-demand_mw``, heat        ``cluster:heat_demand``
PV generation        ``{pv unit}-p_el_mw``               ``cluster:pv_output``
==================== ================================== ===============================

The comparison runs on the coarser of the plan's step and the meters' step (plan power is
averaged into it). KPIs per series, over the steps with an actual value:

- ``mae_mw``: mean absolute deviation of the average power;
- ``energy_deviation_mwh``: actual minus planned energy (positive: more than planned);
- ``imbalance_cost_pln`` (electricity only, when the plan has prices): the deviation bought (or
  sold) at the day-ahead price, ``sum(sign * (actual - planned) * step_h * price)`` with sign +1
  for demand and -1 for generation. A proxy: imbalance prices are not in the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from core.enums import Resolution
from core.timeseries import read_series
from energy_cluster.config import ScenarioConfig
from energy_cluster.enums import Carrier, UnitType
from forecasting.catalogue import build_catalogue
from forecasting.model import SeriesLevel
from forecasting.store_io import load_meters, total_of

logger = logging.getLogger(__name__)

STORE_STEPS_S = {900: Resolution.MIN15, 3600: Resolution.HOUR}  # the store's rollups
MWH_PER_UNIT = {"kWh": 1e-3, "MWh": 1.0}


class PlanSeries(StrEnum):
    """The plan series that have a measured counterpart in the store."""

    EL_DEMAND = "electricity demand"
    HEAT_DEMAND = "heat demand"
    PV = "PV generation"


STORE_KEY = {
    PlanSeries.EL_DEMAND: "cluster:electric_demand",
    PlanSeries.HEAT_DEMAND: "cluster:heat_demand",
    PlanSeries.PV: "cluster:pv_output",
}
CARRIER = {
    PlanSeries.EL_DEMAND: Carrier.ELECTRICITY,
    PlanSeries.HEAT_DEMAND: Carrier.HEAT,
    PlanSeries.PV: Carrier.ELECTRICITY,
}
SIGN = {PlanSeries.EL_DEMAND: 1.0, PlanSeries.HEAT_DEMAND: 1.0, PlanSeries.PV: -1.0}


@dataclass(frozen=True)
class MeasuredTotal:
    """A store total as average power per step (NaN where the meters are incomplete)."""

    actual_mw: pd.Series
    n_meters: int
    step_s: int


@dataclass(frozen=True)
class SeriesComparison:
    """One plan series against its measured total, with the deviation KPIs."""

    series: PlanSeries
    store_key: str
    n_meters: int
    step_h: float
    planned_mw: pd.Series
    actual_mw: pd.Series
    n_steps: int
    n_compared: int
    mae_mw: float
    planned_mwh: float
    actual_mwh: float
    energy_deviation_mwh: float
    imbalance_cost_pln: float | None

    @property
    def carrier(self) -> Carrier:
        return CARRIER[self.series]


def planned_series(config: ScenarioConfig, schedules: pd.DataFrame) -> dict[PlanSeries, pd.Series]:
    """The plan's demand and PV series (MW) that the store can measure; absent ones left out."""
    columns: dict[PlanSeries, list[str]] = {s: [] for s in PlanSeries}
    for demand in config.demands:
        series = (
            PlanSeries.EL_DEMAND
            if demand.carrier is Carrier.ELECTRICITY
            else PlanSeries.HEAT_DEMAND
        )
        columns[series].append(f"{demand.name}-demand_mw")
    columns[PlanSeries.PV] = [f"{u.name}-p_el_mw" for u in config.units if u.type is UnitType.PV]
    out: dict[PlanSeries, pd.Series] = {}
    for series, cols in columns.items():
        present = [c for c in cols if c in schedules.columns]
        if present:
            out[series] = schedules[present].sum(axis=1).rename(series.value)
    return out


def _on_grid(values: pd.Series, step_s: int) -> pd.Series:
    """Average power on a coarser grid, anchored at the first step; partial buckets dropped."""
    index = pd.DatetimeIndex(values.index)
    own_s = (index[1] - index[0]).total_seconds() if len(index) > 1 else step_s
    if own_s >= step_s:
        return values
    bucket = (index - index[0]) // pd.Timedelta(seconds=step_s)
    grouped = values.groupby(np.asarray(bucket))
    means = grouped.mean()[grouped.count() == round(step_s / own_s)]
    means.index = index[0] + pd.to_timedelta(means.index * step_s, unit="s")
    return means


def compare(
    series: PlanSeries,
    planned_mw: pd.Series,
    measured: MeasuredTotal,
    prices_pln_per_mwh: pd.Series | None = None,
) -> SeriesComparison:
    """Deviation KPIs of one plan series against its measured total (see the module docstring)."""
    step_s = max(measured.step_s, int(_step_s(planned_mw)))
    planned = _on_grid(planned_mw, step_s)
    actual = _on_grid(measured.actual_mw, step_s).reindex(planned.index)
    step_h = step_s / 3600.0
    mask = actual.notna().to_numpy()
    deviation = (actual - planned).to_numpy(dtype=float)[mask]
    cost = None
    if (
        CARRIER[series] is Carrier.ELECTRICITY
        and prices_pln_per_mwh is not None
        and not prices_pln_per_mwh.empty
    ):
        price = _on_grid(prices_pln_per_mwh, step_s).reindex(planned.index).to_numpy(dtype=float)
        if np.isfinite(price[mask]).all():
            cost = float(SIGN[series] * (deviation * step_h * price[mask]).sum())
    return SeriesComparison(
        series=series,
        store_key=STORE_KEY[series],
        n_meters=measured.n_meters,
        step_h=step_h,
        planned_mw=planned,
        actual_mw=actual,
        n_steps=len(planned),
        n_compared=int(mask.sum()),
        mae_mw=float(np.abs(deviation).mean()) if mask.any() else float("nan"),
        planned_mwh=float(planned.to_numpy()[mask].sum() * step_h),
        actual_mwh=float(actual.to_numpy()[mask].sum() * step_h),
        energy_deviation_mwh=float(deviation.sum() * step_h),
        imbalance_cost_pln=cost,
    )


def _step_s(values: pd.Series) -> float:
    index = pd.DatetimeIndex(values.index)
    return (index[1] - index[0]).total_seconds() if len(index) > 1 else 3600.0


def read_measured_totals(
    engine: Engine, start: pd.Timestamp, end: pd.Timestamp, plan_step_s: int
) -> dict[PlanSeries, MeasuredTotal]:
    """The store's cluster totals over [start, end) as average power (MW).

    A total is left out when the store has no meter for it or its unit is not an energy unit
    the cluster converts (kWh, MWh).
    """
    meters = load_meters(engine)
    if meters.empty:
        return {}
    out: dict[PlanSeries, MeasuredTotal] = {}
    by_key = {s.key: s for s in build_catalogue(meters, levels=(SeriesLevel.CLUSTER,))}
    for series, key in STORE_KEY.items():
        spec = by_key.get(key)
        if spec is None:
            continue
        if spec.unit not in MWH_PER_UNIT:
            logger.warning("plan vs actual: %s is in %s, not an energy unit", key, spec.unit)
            continue
        native = int(meters.loc[meters["meter_id"].isin(spec.meter_ids), "interval_s"].max())
        step_s = next((s for s in STORE_STEPS_S if s >= max(native, plan_step_s)), None)
        if step_s is None:
            continue
        values, complete = _meter_matrix(engine, spec.meter_ids, start, end, step_s)
        total = total_of(values, complete, spec.meter_ids)
        actual_mw = total * MWH_PER_UNIT[spec.unit] / (step_s / 3600.0)
        out[series] = MeasuredTotal(actual_mw.rename(key), len(spec.meter_ids), step_s)
    return out


def _meter_matrix(
    engine: Engine, meter_ids: tuple[int, ...], start: pd.Timestamp, end: pd.Timestamp, step_s: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and completeness (all expected readings present) per step and meter."""
    grid = pd.date_range(start, end, freq=f"{step_s}s", inclusive="left")
    frame = read_series(engine, list(meter_ids), start, end, STORE_STEPS_S[step_s])
    frame["ts"] = pd.DatetimeIndex(frame["ts"]).tz_convert("UTC")
    frame["ok"] = ((frame["n_readings"] >= frame["n_expected"]) & frame["value"].notna()).astype(
        float
    )
    values = frame.pivot(index="ts", columns="meter_id", values="value").reindex(grid)
    ok = frame.pivot(index="ts", columns="meter_id", values="ok").reindex(grid)
    columns = list(meter_ids)
    complete = ok.reindex(columns=columns).fillna(0.0) > 0.5
    return values.reindex(columns=columns), complete
