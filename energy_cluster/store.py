"""Store and read cluster plans (the adapter between plans and the database; SQL lives here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from core.db.engine import session_scope, write_transaction
from core.exceptions import StoreError
from energy_cluster.enums import SolveStatus
from energy_cluster.explain import Shortfall
from energy_cluster.models import (
    ClusterPlan,
    ClusterPlanKpi,
    ClusterSchedule,
    ClusterShortfall,
    PlanKind,
)
from energy_cluster.network.outcome import NetworkOutcome
from energy_cluster.network_store import NETWORK_TABLES, add_network

logger = logging.getLogger(__name__)

CHUNK_ROWS = 20_000


@dataclass(frozen=True)
class PlanRecord:
    """What a plan stores: header, KPIs, schedules (columns ``unit-attr``), shortfalls, network check."""

    scenario: str
    kind: PlanKind
    index: pd.DatetimeIndex
    step_min: int
    status: SolveStatus
    flagged: bool
    objective_pln: float | None
    best_bound_pln: float | None
    gap: float | None
    build_time_s: float
    solve_time_s: float
    message: str
    scenario_sha256: str
    kpis: dict[str, Any]
    schedules: pd.DataFrame
    shortfalls: list[Shortfall]
    network: NetworkOutcome | None = None


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, float | None]:
    """Nested KPI dicts as ``group.key`` names.

    Example:
        >>> flatten({"a": 1.0, "b": {"x": 2.0}})
        {'a': 1.0, 'b.x': 2.0}
    """
    out: dict[str, float | None] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif value is None or isinstance(value, int | float):
            out[name] = None if value is None else float(value)
    return out


def save_plan(engine: Engine, record: PlanRecord) -> int:
    """Write one plan; returns its id. One transaction: all or nothing.

    Raises:
        StoreError: the database refused the write (it is rolled back).
    """
    index = record.index
    try:
        with session_scope(engine) as session:
            plan = ClusterPlan(
                scenario=record.scenario,
                kind=record.kind,
                created_at=datetime.now(UTC),
                start=index[0].to_pydatetime(),
                end=(index[-1] + pd.Timedelta(minutes=record.step_min)).to_pydatetime(),
                step_min=record.step_min,
                status=record.status,
                flagged=record.flagged,
                objective_pln=record.objective_pln,
                best_bound_pln=record.best_bound_pln,
                gap=record.gap,
                build_time_s=record.build_time_s,
                solve_time_s=record.solve_time_s,
                message=record.message[:300],
                scenario_sha256=record.scenario_sha256,
            )
            session.add(plan)
            session.flush()
            plan_id = plan.id
            kpis = [
                {"plan_id": plan_id, "name": k, "value": v} for k, v in flatten(record.kpis).items()
            ]
            if kpis:
                session.execute(insert(ClusterPlanKpi), kpis)
            for seq, s in enumerate(record.shortfalls):
                session.add(
                    ClusterShortfall(
                        plan_id=plan_id,
                        seq=seq,
                        kind=s.kind,
                        carrier=s.carrier.value,
                        name=s.name,
                        start=s.start.tz_convert("UTC").to_pydatetime(),
                        end=s.end.tz_convert("UTC").to_pydatetime(),
                        energy_mwh=s.energy_mwh,
                        max_mw=s.max_mw,
                        reason=s.reason,
                    )
                )
            stamps = [ts.to_pydatetime() for ts in index.tz_convert("UTC")]
            rows: list[dict[str, Any]] = []
            for column in record.schedules.columns:
                unit, attr = column.split("-", 1)
                values = record.schedules[column].to_numpy(dtype=float)
                rows.extend(
                    {"plan_id": plan_id, "unit": unit, "attr": attr, "ts": ts, "value": float(v)}
                    for ts, v in zip(stamps, values, strict=True)
                )
                if len(rows) >= CHUNK_ROWS:
                    session.execute(insert(ClusterSchedule), rows)
                    rows = []
            if rows:
                session.execute(insert(ClusterSchedule), rows)
            if record.network is not None:
                add_network(session, plan_id, record.network)
    except SQLAlchemyError as err:
        raise StoreError(
            f"could not store the plan of {record.scenario}: {err.__class__.__name__}: {err}"
        ) from err
    logger.info(
        "stored plan %d of %s (%d schedule columns)",
        plan_id,
        record.scenario,
        len(record.schedules.columns),
    )
    return plan_id


def latest_plan_id(engine: Engine, scenario: str | None = None) -> int | None:
    """The newest stored plan (of ``scenario``, when given)."""
    query = (
        select(ClusterPlan.id)
        .order_by(ClusterPlan.created_at.desc(), ClusterPlan.id.desc())
        .limit(1)
    )
    if scenario is not None:
        query = query.where(ClusterPlan.scenario == scenario)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def read_plan(engine: Engine, plan_id: int) -> dict[str, Any]:
    """A stored plan's header and KPIs (flattened names)."""
    with engine.connect() as conn:
        row = (
            conn.execute(select(ClusterPlan).where(ClusterPlan.id == plan_id))
            .mappings()
            .one_or_none()
        )
        if row is None:
            raise StoreError(f"no cluster plan with id {plan_id}")
        kpis = conn.execute(
            select(ClusterPlanKpi.name, ClusterPlanKpi.value).where(
                ClusterPlanKpi.plan_id == plan_id
            )
        ).all()
    header = {k: (v.value if hasattr(v, "value") else v) for k, v in dict(row).items()}
    header["kpis"] = {name: value for name, value in kpis}
    return header


def read_schedules(engine: Engine, plan_id: int, units: list[str] | None = None) -> pd.DataFrame:
    """A stored plan's schedules, columns ``unit-attr``, index UTC."""
    query = select(
        ClusterSchedule.unit, ClusterSchedule.attr, ClusterSchedule.ts, ClusterSchedule.value
    ).where(ClusterSchedule.plan_id == plan_id)
    if units:
        query = query.where(ClusterSchedule.unit.in_(units))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows, columns=["unit", "attr", "ts", "value"])
    frame["column"] = frame["unit"] + "-" + frame["attr"]
    wide = frame.pivot(index="ts", columns="column", values="value").sort_index()
    wide.index = pd.DatetimeIndex(wide.index).tz_convert("UTC")
    wide.columns.name = None
    return wide.astype(np.float64)


def delete_plan(engine: Engine, plan_id: int) -> None:
    """Remove a plan and everything stored with it."""
    with write_transaction(engine) as conn:
        for table in (*NETWORK_TABLES, ClusterSchedule, ClusterPlanKpi, ClusterShortfall):
            conn.execute(delete(table).where(table.plan_id == plan_id))
        conn.execute(delete(ClusterPlan).where(ClusterPlan.id == plan_id))
