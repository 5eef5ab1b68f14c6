"""Explain unserved demand and dumped energy in terms of the input: which demand, when, why."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from energy_cluster.enums import Carrier
from energy_cluster.model import CLUSTER, NETWORK, ClusterModel
from energy_cluster.units.base import Schedule

logger = logging.getLogger(__name__)

SLACK_TOL_MW = 1e-4


@dataclass(frozen=True)
class Shortfall:
    """One contiguous period in which a demand was not met (or energy had to be dumped).

    Attributes:
        kind: "unserved", "dumped" or "network" (a network cut relaxed by its slack).
        carrier: electricity or heat.
        name: the demand (unserved) or the node (dumped).
        start, end: local time of the first step and the end of the last step.
        steps: number of steps.
        energy_mwh: energy not served (or dumped).
        max_mw: the largest shortfall in one step.
        reason: why, in terms of the input.
    """

    kind: str
    carrier: Carrier
    name: str
    start: pd.Timestamp
    end: pd.Timestamp
    steps: int
    energy_mwh: float
    max_mw: float
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "carrier": self.carrier.value,
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "steps": self.steps,
            "energy_mwh": round(self.energy_mwh, 6),
            "max_mw": round(self.max_mw, 6),
            "reason": self.reason,
        }

    def __str__(self) -> str:
        what = {"unserved": "not served", "dumped": "dumped"}.get(
            self.kind, "over the network limit"
        )
        return (
            f"{self.carrier.value} {self.name}: {self.energy_mwh:.3f} MWh {what} "
            f"{self.start:%Y-%m-%d %H:%M}-{self.end:%Y-%m-%d %H:%M} (max {self.max_mw:.3f} MW): {self.reason}"
        )


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    runs, start = [], None
    for t, flag in enumerate(mask):
        if flag and start is None:
            start = t
        elif not flag and start is not None:
            runs.append((start, t))
            start = None
    if start is not None:
        runs.append((start, len(mask)))
    return runs


def find_shortfalls(
    cluster: ClusterModel,
    index: pd.DatetimeIndex,
    schedules: Mapping[str, Schedule],
    data: Mapping[str, np.ndarray],
) -> list[Shortfall]:
    """Every period of unserved demand or dumped energy, with its reason."""
    cfg, dt = cluster.scenario.config, cluster.step_h
    slacks = cluster.slack_values()
    demands = cluster.demand_values(data)
    local = index.tz_convert("Europe/Warsaw")
    out: list[Shortfall] = []
    for d in cfg.demands:
        unserved = slacks[f"{d.name}-unserved_mw"]
        node = d.heat_node if d.carrier is Carrier.HEAT else None
        for a, b in _runs(unserved > SLACK_TOL_MW):
            peak = a + int(np.argmax(unserved[a:b]))
            reason = _why_unserved(cluster, d.carrier, node, peak, schedules, data, demands)
            out.append(_shortfall("unserved", d.carrier, d.name, local, a, b, unserved, dt, reason))
    dumps = [(Carrier.ELECTRICITY, CLUSTER, slacks[f"{CLUSTER}-dumped_el_mw"], None)]
    dumps += [
        (Carrier.HEAT, node, slacks[f"{node}-dumped_heat_mw"], node) for node in cfg.heat_nodes
    ]
    for carrier, name, dumped, node in dumps:
        for a, b in _runs(dumped > SLACK_TOL_MW):
            peak = a + int(np.argmax(dumped[a:b]))
            reason = _why_dumped(cluster, carrier, node, peak, schedules, demands)
            out.append(_shortfall("dumped", carrier, name, local, a, b, dumped, dt, reason))
    network = slacks.get(f"{NETWORK}-slack_mw")
    if network is not None:
        for a, b in _runs(network > SLACK_TOL_MW):
            reason = (
                "a network limit (line, transformer or voltage cut) could not be met by re-dispatch"
            )
            out.append(
                _shortfall(
                    "network", Carrier.ELECTRICITY, NETWORK, local, a, b, network, dt, reason
                )
            )
    for item in out:
        logger.warning("%s", item)
    return out


def _shortfall(
    kind: str,
    carrier: Carrier,
    name: str,
    local: pd.DatetimeIndex,
    a: int,
    b: int,
    values: np.ndarray,
    dt: float,
    reason: str,
) -> Shortfall:
    return Shortfall(
        kind=kind,
        carrier=carrier,
        name=name,
        start=local[a],
        end=local[b - 1] + pd.Timedelta(hours=dt),
        steps=b - a,
        energy_mwh=float(values[a:b].sum() * dt),
        max_mw=float(values[a:b].max()),
        reason=reason,
    )


def _at_node(cluster: ClusterModel, name: str, carrier: Carrier, node: str | None) -> bool:
    """True when the unit can deliver ``carrier`` into the balance of ``node``."""
    block = cluster.blocks[name]
    if not block.serves(carrier):
        return False
    return carrier is Carrier.ELECTRICITY or getattr(block.cfg, "heat_node", None) == node


def _why_unserved(
    cluster: ClusterModel,
    carrier: Carrier,
    node: str | None,
    t: int,
    schedules: Mapping[str, Schedule],
    data: Mapping[str, np.ndarray],
    demands: Mapping[str, np.ndarray],
) -> str:
    cfg = cluster.scenario.config
    total_demand = sum(
        demands[f"{d.name}-demand_mw"][t]
        for d in cfg.demands
        if d.carrier is carrier and (carrier is Carrier.ELECTRICITY or d.heat_node == node)
    )
    capacity: dict[str, float] = {}
    limits: list[str] = []
    for name, block in cluster.blocks.items():
        if not _at_node(cluster, name, carrier, node):
            continue
        available = float(block.available_mw(carrier, data)[t])
        if available <= 1e-9:
            continue
        capacity[name] = available
        delivered = float(block.output_mw(schedules[name], carrier)[t])
        if delivered < available - 1e-6:
            why = block.limitation(carrier, t, schedules[name], data)
            if why:
                limits.append(f"{name} {why}")
    supply = sum(capacity.values())
    parts = ", ".join(f"{k} {v:.3g}" for k, v in sorted(capacity.items(), key=lambda kv: -kv[1]))
    if total_demand > supply + 1e-6:
        return (
            f"demand {total_demand:.3f} MW exceeds the most the units can deliver, "
            f"{supply:.3f} MW ({parts or 'no unit'})"
        )
    if limits:
        return "units held below their capacity: " + "; ".join(limits)
    return (
        f"demand {total_demand:.3f} MW is within capacity {supply:.3f} MW, but the units could not "
        "follow it (ramp limits, minimum up/down times, storage or network limits)"
    )


def _why_dumped(
    cluster: ClusterModel,
    carrier: Carrier,
    node: str | None,
    t: int,
    schedules: Mapping[str, Schedule],
    demands: Mapping[str, np.ndarray],
) -> str:
    producers = []
    for name, block in cluster.blocks.items():
        if not _at_node(cluster, name, carrier, node):
            continue
        out = float(block.output_mw(schedules[name], carrier)[t])
        if out > 1e-6:
            producers.append((name, out))
    producers.sort(key=lambda kv: -kv[1])
    listed = ", ".join(f"{n} {v:.3g} MW" for n, v in producers) or "none"
    return (
        f"output that could not be reduced exceeds demand plus storage and export headroom "
        f"(producing: {listed}); check minimum stable loads, must-burn fuel stocks and export limits"
    )
