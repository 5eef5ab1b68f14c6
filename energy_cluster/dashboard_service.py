"""Read and re-plan services for the operators' dashboards: the latest stored plan as a view.

Wraps ``energy_cluster.store`` (stored plans, KPIs, schedules), ``network_store`` (the network
check of a plan), ``actuals`` (plan vs measured) and ``service`` (plan and store the reference
scenario) behind calls the web layer can use without SQL; every result is a plain dataclass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from core.exceptions import InputError
from core.timeutil import LOCAL_TZ_NAME
from energy_cluster.actuals import (
    PlanSeries,
    SeriesComparison,
    compare,
    planned_series,
    read_measured_totals,
)
from energy_cluster.network.cigre import cigre_topology
from energy_cluster.network.outcome import IterationRecord, elements_at, step_summary, worst_step
from energy_cluster.network.topology import LayoutSource
from energy_cluster.network_store import read_network
from energy_cluster.planner import plan_scenario
from energy_cluster.scenario import REFERENCE_SCENARIO, Scenario, load_scenario
from energy_cluster.service import store_plan
from energy_cluster.store import latest_plan_id, read_plan, read_schedules

logger = logging.getLogger(__name__)

PRICE_SERIES = "day_ahead_pln_per_mwh"


@dataclass(frozen=True)
class PlanView:
    """The latest stored plan, as the dashboards show it.

    Attributes:
        plan_id: the stored plan's id.
        header: the plan's header (scenario, status, objective_pln, gap, created_at, ...).
        kpis: flattened KPI names (``generation_mwh.ec_gas_chp.electricity``) to values.
        schedules: columns ``unit-attr`` (MW, MWh, t/h), UTC index.
        prices_pln_per_mwh: the day-ahead price on the plan's index (empty when the plan's
            scenario is not the reference one).
    """

    plan_id: int
    header: dict[str, Any]
    kpis: dict[str, float | None]
    schedules: pd.DataFrame
    prices_pln_per_mwh: pd.Series

    @property
    def created_at(self) -> datetime | None:
        value = self.header.get("created_at")
        return value if isinstance(value, datetime) else None


def _reference_of(header: dict[str, Any]) -> Scenario | None:
    """The reference scenario when the plan was made from it (its series and units are known)."""
    scenario = load_scenario(REFERENCE_SCENARIO)
    return scenario if header.get("scenario") == scenario.name else None


def latest_plan_view(engine: Engine) -> PlanView | None:
    """The newest stored plan with its schedules and prices; None when no plan is stored."""
    plan_id = latest_plan_id(engine)
    if plan_id is None:
        return None
    header = read_plan(engine, plan_id)
    schedules = read_schedules(engine, plan_id)
    prices = pd.Series(dtype=float, name=PRICE_SERIES)
    scenario = _reference_of(header) if not schedules.empty else None
    if scenario is not None:
        index = pd.DatetimeIndex(schedules.index)
        prices = pd.Series(scenario.series(PRICE_SERIES, index), index=index, name=PRICE_SERIES)
    return PlanView(
        plan_id=plan_id,
        header=header,
        kpis=dict(header.pop("kpis", {})),
        schedules=schedules,
        prices_pln_per_mwh=prices,
    )


def replan_reference(
    engine: Engine,
    progress: Callable[[str, float], None] | None = None,
    *,
    network_check: bool = False,
) -> int:
    """Plan the reference scenario and store the plan; returns the new plan id.

    Args:
        engine: the store's engine.
        progress: called with (stage, fraction done 0..1) as the work advances.
        network_check: check the plan on the MV network and re-plan until it fits (slower);
            the power flow of the final plan is stored with it.
    """
    report = progress or (lambda stage, done: None)
    report("loading the reference scenario", 0.05)
    scenario = load_scenario(REFERENCE_SCENARIO)
    stage = "solving the dispatch (MILP)"
    report(stage + (" and checking the network (AC power flow)" if network_check else ""), 0.2)
    plan = plan_scenario(scenario, network_check=network_check)
    report("storing the plan", 0.9)
    plan_id = store_plan(engine, scenario, plan)
    logger.info("re-planned %s: plan %d (%s)", scenario.name, plan_id, plan.solve.status)
    report("done", 1.0)
    return plan_id


# ---- network check on a single-line diagram ------------------------------------------------


@dataclass(frozen=True)
class NetworkView:
    """A plan's network check at one step, ready to draw as a single-line diagram.

    Attributes:
        plan_id: the plan.
        network: the network's name.
        ts: the step shown (UTC interval start).
        worst_ts: the step with the largest utilisation of a limit.
        v_min_pu, v_max_pu, max_loading_percent: the limits checked.
        summary: per step (UTC): max line/trafo loading (%), voltage range (pu), violations,
            utilisation (see ``network.outcome``).
        buses: bus, name, vn_kv, x, y, places (the scenario's places there), vm_pu, checked,
            violated, at ``ts``.
        branches: kind, element, name, from_bus, to_bus, closed, loading_percent, p_mw,
            violated, at ``ts``.
        layout: where the bus positions come from (geodata or the topology).
        iterations: what each iteration of the check found.
    """

    plan_id: int
    network: str
    ts: pd.Timestamp
    worst_ts: pd.Timestamp
    v_min_pu: float
    v_max_pu: float
    max_loading_percent: float
    summary: pd.DataFrame
    buses: pd.DataFrame
    branches: pd.DataFrame
    layout: LayoutSource
    iterations: list[IterationRecord]

    @property
    def violations_left(self) -> int:
        return int(self.summary["violations"].sum())


def parse_local_time(text: str | None) -> pd.Timestamp:
    """A time typed by an operator, local (Europe/Warsaw) unless it carries an offset.

    Raises:
        InputError: not a date and time, or a local time that a DST change skips or repeats.

    Example:
        >>> parse_local_time("2026-01-14 18:00").isoformat()
        '2026-01-14T17:00:00+00:00'
    """
    raw = (text or "").strip()
    hint = "give it as YYYY-MM-DD HH:MM (Europe/Warsaw time), e.g. 2026-01-14 18:00"
    try:
        ts = pd.Timestamp(raw) if raw else None
    except (ValueError, OverflowError) as err:
        raise InputError(f"{raw!r} is not a time: {hint}", field="time", value=raw) from err
    if ts is None or ts is pd.NaT:
        raise InputError(f"no time given: {hint}", field="time", value=raw)
    if ts.tzinfo is not None:
        return ts.tz_convert("UTC")
    try:
        local = ts.tz_localize(LOCAL_TZ_NAME, ambiguous="raise", nonexistent="raise")
    except Exception as err:  # pytz/zoneinfo raise their own Ambiguous/NonExistent errors
        raise InputError(
            f"{raw!r} is skipped or repeated by a daylight-saving change in Europe/Warsaw: "
            "add the offset, e.g. 2026-10-25 02:30+01:00",
            field="time",
            value=raw,
        ) from err
    return local.tz_convert("UTC")


def network_view(
    engine: Engine, plan_id: int, at: pd.Timestamp | None = None
) -> NetworkView | None:
    """A plan's network check at ``at`` (the step holding it; default the worst step).

    Returns:
        None when the plan was stored without a network check.

    Raises:
        InputError: ``at`` lies outside the plan's horizon.
    """
    outcome = read_network(engine, plan_id)
    if outcome is None or outcome.bus_vm_pu.empty:
        return None
    summary = step_summary(outcome)
    index = pd.DatetimeIndex(summary.index)
    worst = worst_step(summary)
    step = worst
    if at is not None:
        width = index[1] - index[0] if len(index) > 1 else pd.Timedelta(hours=1)
        if at < index[0] or at >= index[-1] + width:
            local = index.tz_convert(LOCAL_TZ_NAME)
            raise InputError(
                f"{at.tz_convert(LOCAL_TZ_NAME):%Y-%m-%d %H:%M} is outside the plan's horizon, "
                f"{local[0]:%Y-%m-%d %H:%M} to {(local[-1] + width):%Y-%m-%d %H:%M}",
                field="time",
                value=at.isoformat(),
            )
        step = int(index.searchsorted(at, side="right")) - 1
    topology = cigre_topology()
    branch_results, bus_results = elements_at(outcome, step)
    buses = topology.buses.merge(bus_results, on="bus", how="left")
    buses["places"] = [", ".join(outcome.places.get(int(b), [])) for b in buses["bus"]]
    branches = topology.branches.merge(branch_results, on=["kind", "element"], how="left")
    for frame in (buses, branches):  # an element without a result is not called violated
        frame["violated"] = frame["violated"].eq(True)
    limits = outcome.limits
    return NetworkView(
        plan_id=plan_id,
        network=outcome.network,
        ts=index[step],
        worst_ts=index[worst],
        v_min_pu=limits.v_min_pu,
        v_max_pu=limits.v_max_pu,
        max_loading_percent=limits.max_loading_percent,
        summary=summary,
        buses=buses,
        branches=branches,
        layout=topology.layout,
        iterations=outcome.iterations,
    )


# ---- plan vs actual --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanVsActual:
    """The plan's demand and PV against the measured cluster totals.

    Attributes:
        plan_id: the plan.
        compared: one comparison per series with measured values in the plan's period.
        missing: plan series without measured values, with the reason.
    """

    plan_id: int
    compared: list[SeriesComparison]
    missing: dict[PlanSeries, str]


def plan_vs_actual(
    engine: Engine,
    plan: PlanView,
    scenario: Scenario | None = None,
) -> PlanVsActual | None:
    """Compare ``plan`` with the store's measured totals over the plan's period.

    Args:
        engine: the store's engine.
        plan: the stored plan (``latest_plan_view``).
        scenario: the plan's scenario (which demands and units are which); default the
            reference scenario when the plan was made from it.

    Returns:
        None when the plan's scenario is unknown (its series cannot be matched to meters).
    """
    scenario = scenario or _reference_of(plan.header)
    if scenario is None or plan.schedules.empty:
        return None
    planned = planned_series(scenario.config, plan.schedules)
    index = pd.DatetimeIndex(plan.schedules.index)
    step_s = int(plan.header.get("step_min") or round(scenario.step_h * 60)) * 60
    end = index[-1] + pd.Timedelta(seconds=step_s)
    measured = read_measured_totals(engine, index[0], end, step_s)
    compared: list[SeriesComparison] = []
    missing: dict[PlanSeries, str] = {}
    prices = plan.prices_pln_per_mwh
    for series, planned_mw in planned.items():
        total = measured.get(series)
        if total is None:
            missing[series] = "no meters for it in the store"
            continue
        comparison = compare(series, planned_mw, total, prices if not prices.empty else None)
        if comparison.n_compared == 0:
            missing[series] = (
                f"no complete readings of its {total.n_meters} meters in the plan's period"
            )
            continue
        compared.append(comparison)
    return PlanVsActual(plan_id=plan.plan_id, compared=compared, missing=missing)
