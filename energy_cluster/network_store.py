"""Store and read a plan's network-check results (the SQL of ``network.outcome``).

Rows are long: one per branch (or bus) and step, so one plan's results are one index range.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from energy_cluster.config import NetworkConfig
from energy_cluster.models import (
    ClusterNetworkBranch,
    ClusterNetworkBus,
    ClusterNetworkCheck,
    ClusterNetworkIteration,
)
from energy_cluster.network.outcome import IterationRecord, NetworkOutcome

logger = logging.getLogger(__name__)

CHUNK_ROWS = 20_000
NETWORK_TABLES = (
    ClusterNetworkBus,
    ClusterNetworkBranch,
    ClusterNetworkIteration,
    ClusterNetworkCheck,
)


def _long_rows(plan_id: int, frame: pd.DataFrame, key: str, value: str) -> list[dict[str, Any]]:
    stamps = [ts.to_pydatetime() for ts in pd.DatetimeIndex(frame.index).tz_convert("UTC")]
    rows: list[dict[str, Any]] = []
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=float)
        rows.extend(
            {"plan_id": plan_id, key: int(column), "ts": ts, value: float(v)}
            for ts, v in zip(stamps, values, strict=True)
            if np.isfinite(v)
        )
    return rows


def _insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK_ROWS):
        session.execute(insert(table), rows[start : start + CHUNK_ROWS])


def add_network(session: Session, plan_id: int, outcome: NetworkOutcome) -> None:
    """Add a plan's network-check results to ``session`` (the caller's transaction)."""
    limits = outcome.limits
    last = outcome.iterations[-1].violations if outcome.iterations else 0
    session.add(
        ClusterNetworkCheck(
            plan_id=plan_id,
            network=outcome.network,
            slack_bus=outcome.slack_bus,
            v_min_pu=limits.v_min_pu,
            v_max_pu=limits.v_max_pu,
            max_loading_percent=limits.max_loading_percent,
            violations_left=last,
            places_json=json.dumps({str(b): names for b, names in sorted(outcome.places.items())}),
        )
    )
    for it in outcome.iterations:
        session.add(ClusterNetworkIteration(plan_id=plan_id, **vars(it)))
    branches: list[dict[str, Any]] = []
    for kind, loading, power in (
        ("line", outcome.line_loading_percent, outcome.line_p_mw),
        ("trafo", outcome.trafo_loading_percent, outcome.trafo_p_mw),
    ):
        p_mw = {
            (r["element"], r["ts"]): r["p_mw"]
            for r in _long_rows(plan_id, power, "element", "p_mw")
        }
        for row in _long_rows(plan_id, loading, "element", "loading_percent"):
            row["kind"] = kind
            row["p_mw"] = p_mw.get((row["element"], row["ts"]), 0.0)
            branches.append(row)
    _insert(session, ClusterNetworkBranch, branches)
    _insert(session, ClusterNetworkBus, _long_rows(plan_id, outcome.bus_vm_pu, "bus", "vm_pu"))


def _wide(rows: list[Any], key: str, value: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[key, "ts", value])
    if frame.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC"))
    wide = frame.pivot(index="ts", columns=key, values=value).sort_index()
    wide.index = pd.DatetimeIndex(wide.index).tz_convert("UTC").rename(None)
    wide.columns = [int(c) for c in wide.columns]
    return wide.astype(np.float64)


def read_network(engine: Engine, plan_id: int) -> NetworkOutcome | None:
    """A stored plan's network-check results; None when the plan was stored without a check."""
    with engine.connect() as conn:
        head = (
            conn.execute(select(ClusterNetworkCheck).where(ClusterNetworkCheck.plan_id == plan_id))
            .mappings()
            .one_or_none()
        )
        if head is None:
            return None
        iterations = (
            conn.execute(
                select(ClusterNetworkIteration)
                .where(ClusterNetworkIteration.plan_id == plan_id)
                .order_by(ClusterNetworkIteration.iteration)
            )
            .mappings()
            .all()
        )
        branch_rows = conn.execute(
            select(
                ClusterNetworkBranch.kind,
                ClusterNetworkBranch.element,
                ClusterNetworkBranch.ts,
                ClusterNetworkBranch.loading_percent,
                ClusterNetworkBranch.p_mw,
            ).where(ClusterNetworkBranch.plan_id == plan_id)
        ).all()
        bus_rows = conn.execute(
            select(ClusterNetworkBus.bus, ClusterNetworkBus.ts, ClusterNetworkBus.vm_pu).where(
                ClusterNetworkBus.plan_id == plan_id
            )
        ).all()
    branches = pd.DataFrame(
        branch_rows, columns=["kind", "element", "ts", "loading_percent", "p_mw"]
    )
    frames: dict[str, pd.DataFrame] = {}
    for kind in ("line", "trafo"):
        part = branches[branches["kind"] == kind]
        rows = part[["element", "ts", "loading_percent"]].itertuples(index=False)
        frames[f"{kind}_loading_percent"] = _wide(list(rows), "element", "loading_percent")
        rows = part[["element", "ts", "p_mw"]].itertuples(index=False)
        frames[f"{kind}_p_mw"] = _wide(list(rows), "element", "p_mw")
    vm = _wide(list(bus_rows), "bus", "vm_pu")
    index = pd.DatetimeIndex(vm.index)
    return NetworkOutcome(
        index=index,
        line_loading_percent=frames["line_loading_percent"].reindex(index),
        trafo_loading_percent=frames["trafo_loading_percent"].reindex(index),
        line_p_mw=frames["line_p_mw"].reindex(index),
        trafo_p_mw=frames["trafo_p_mw"].reindex(index),
        bus_vm_pu=vm,
        limits=NetworkConfig(
            v_min_pu=head["v_min_pu"],
            v_max_pu=head["v_max_pu"],
            max_loading_percent=head["max_loading_percent"],
        ),
        slack_bus=int(head["slack_bus"]),
        places={int(b): list(n) for b, n in json.loads(head["places_json"]).items()},
        iterations=[
            IterationRecord(**{k: v for k, v in dict(it).items() if k != "plan_id"})
            for it in iterations
        ],
        network=head["network"],
    )
