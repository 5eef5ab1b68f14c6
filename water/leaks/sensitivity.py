"""The sensors' hydraulic sensitivity to a leak at each candidate node, from the utility's model.

Each candidate junction gets an EPANET emitter in turn (WNTR's leak model), in extended-period
runs (tanks drain and controls respond, as telemetry sees it hours after a burst) or snapshots
at several times of day. The same runs twice as long, for a few spread-out candidates, say how
far the signatures can be trusted: where a leak's effect goes through tanks and pump switching
(ky10), one day and two days of it differ a lot, and a locator must not read much into the
finer differences between candidates.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import networkx as nx
import numpy as np
import wntr

from water.epanet import eps_leak_sensitivity, open_project
from water.model import Sensor, SensorKind
from water.network import M3_PER_S_TO_M3_PER_H, WaterNetwork, repeat_time_controls

logger = logging.getLogger(__name__)

DEFAULT_TIMES_OF_DAY_H = (2, 6, 10, 14, 18, 22)
DEFAULT_CHECK_CANDIDATES = 10  # candidates probed again with runs twice as long


class SensitivityMethod(StrEnum):
    """How the leak sensitivity is simulated."""

    EPS = "eps"  # extended-period runs: tanks drain and controls respond to the leak
    SNAPSHOT = "snapshot"  # steady states at several times of day, tanks at fixed levels


@dataclass(frozen=True)
class Sensitivity:
    """Sensor change per m³/h of leak at each candidate node.

    Attributes:
        sensors: sensor names (rows).
        candidates: junction names (columns).
        matrix: (n_sensors, n_candidates) daily mean; pressure m per m³/h, flow m³/h per m³/h.

        cells: for each candidate, the junctions nearer to it (along the pipes) than to any
            other candidate, itself first; a located candidate stands for its cell.
        demand_response: (24, n_sensors) sensor change per 1 % more demand, per hour of day.
        check_index: candidates (column indices) probed again with runs twice as long.
        check_matrix: (n_sensors, len(check_index)) their signatures from those runs; the
            difference to ``matrix`` is the model's own uncertainty about a leak's signature.
    """

    sensors: tuple[str, ...]
    candidates: tuple[str, ...]
    matrix: np.ndarray
    cells: dict[str, tuple[str, ...]] = field(default_factory=dict)
    demand_response: np.ndarray | None = None
    check_index: tuple[int, ...] = ()
    check_matrix: np.ndarray | None = None

    def cell(self, candidate: str) -> tuple[str, ...]:
        return self.cells.get(candidate, (candidate,))


def choose_candidates(
    network: WaterNetwork, sensors: Sequence[Sensor], max_candidates: int
) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """Candidate leak nodes spread over the network (every junction when few), and their cells."""
    junctions = network.junctions
    if len(junctions) <= max_candidates:
        return junctions, {}
    at_sensors = [
        s.element for s in sensors if s.kind is SensorKind.PRESSURE and s.element in set(junctions)
    ]
    spread = network.spread_nodes(max(max_candidates - len(at_sensors), 1), junctions)
    chosen = list(dict.fromkeys(at_sensors + spread))
    _, paths = nx.multi_source_dijkstra(network.graph, set(chosen), weight="length_m")
    cells: dict[str, list[str]] = {c: [c] for c in chosen}
    for node in junctions:
        path = paths.get(node)
        if path and node != path[0]:
            cells[path[0]].append(node)
    return chosen, {c: tuple(v) for c, v in cells.items()}


def demand_response(
    network: WaterNetwork, sensors: Sequence[Sensor], scale: float = 0.05
) -> np.ndarray:
    """(24, n_sensors): sensor change per 1 % more demand everywhere, per hour of day (model)."""
    runs = []
    for multiplier in (1.0, 1.0 + scale):
        wn = copy.deepcopy(network.wn)
        repeat_time_controls(wn)
        wn.options.quality.parameter = "NONE"
        wn.options.time.duration = 48 * 3600
        wn.options.time.hydraulic_timestep = 3600
        wn.options.time.report_timestep = 3600
        wn.options.hydraulic.demand_multiplier = (
            wn.options.hydraulic.demand_multiplier or 1.0
        ) * multiplier
        with open_project(wn, network.source) as project:
            runs.append(project.run(sensors, 3600))
    n = min(len(runs[0].values), len(runs[1].values))
    delta = (runs[1].values[:n] - runs[0].values[:n]) / (100.0 * scale)
    clock = int(network.wn.options.time.start_clocktime or 0)
    hours = ((runs[0].times_s[:n] + clock) // 3600) % 24
    out = np.zeros((24, len(sensors)))
    for h in range(24):
        rows = delta[hours == h]
        if len(rows):
            out[h] = rows.mean(axis=0)
    return out


def leak_sensitivity(
    network: WaterNetwork,
    sensors: Sequence[Sensor],
    *,
    method: SensitivityMethod | str = SensitivityMethod.EPS,
    duration_h: int = 24,
    times_of_day_h: Sequence[int] = DEFAULT_TIMES_OF_DAY_H,
    leak_m3_per_h: float | None = None,
    max_candidates: int = 300,
    n_check: int = DEFAULT_CHECK_CANDIDATES,
) -> Sensitivity:
    """Sensitivities of the sensors to a leak at candidate junctions, from the utility's model.

    Args:
        network: the utility's model.
        sensors: the telemetry sensors.
        method: extended-period runs of ``duration_h`` (default; what telemetry sees hours
            after a burst) or snapshots at ``times_of_day_h``.
        duration_h: length of each extended-period run.
        times_of_day_h: pattern times of the snapshots.
        leak_m3_per_h: size of the probe leak (default: 1 % of the base demand, 0.5-50 m³/h).
        max_candidates: larger networks are probed at this many spread-out junctions (plus
            the pressure-logger nodes); each stands for the junctions nearest to it.
        n_check: spread-out candidates probed again with runs twice as long (extended-period
            method only), for the model's uncertainty (``Sensitivity.check_matrix``).

    The result also holds the sensors' response to all demands 1 % higher, per hour of day
    (``demand_response``): the signature of a warm day, which a leak must not be confused with.

    Returns:
        The sensitivity matrix; junctions without pressure in the model are left out.
    """
    network.check_sensors(sensors)
    method = SensitivityMethod(method)
    wn = copy.deepcopy(network.wn)
    repeat_time_controls(wn)
    wn.options.quality.parameter = "NONE"
    cands, cells = choose_candidates(network, sensors, max_candidates)
    if leak_m3_per_h is None:
        base = sum(max(float(wn.get_node(j).base_demand or 0.0), 0.0) for j in network.junctions)
        leak_m3_per_h = float(np.clip(0.01 * base * M3_PER_S_TO_M3_PER_H, 0.5, 50.0))
    response = demand_response(network, sensors)
    if method is SensitivityMethod.EPS:
        # hour-by-hour responses of one day are erratic (a pump switching an hour earlier):
        # the daily mean is the signature
        matrix = _eps_signatures(wn, network.source, sensors, cands, duration_h, leak_m3_per_h)
        spread = network.spread_nodes(min(n_check, len(cands)), cands, seed=1) if n_check else []
        check_cols = [cands.index(c) for c in spread]
        check = (
            _eps_signatures(wn, network.source, sensors, spread, 2 * duration_h, leak_m3_per_h)
            if check_cols
            else None
        )
    else:
        wn.options.time.duration = 0
        with open_project(wn, network.source) as project:
            matrix, _ = project.leak_sensitivity(
                sensors, cands, [int(h * 3600) for h in times_of_day_h], leak_m3_per_h=leak_m3_per_h
            )
        check_cols, check = [], None
    keep = np.isfinite(matrix).all(axis=0)
    if not keep.all():
        logger.info(
            "%d candidate junctions have no pressure in the model and cannot leak",
            int((~keep).sum()),
        )
    kept = tuple(c for c, k in zip(cands, keep, strict=True) if k)
    logger.info(
        "leak sensitivity (%s): %d sensors x %d candidates", method.value, len(sensors), len(kept)
    )
    new_col = np.cumsum(keep) - 1
    checked = [
        (int(new_col[col]), j)
        for j, col in enumerate(check_cols)
        if keep[col] and check is not None and np.isfinite(check[:, j]).all()
    ]
    return Sensitivity(
        tuple(s.name for s in sensors),
        kept,
        matrix[:, keep],
        {c: cells[c] for c in kept if c in cells},
        demand_response=response,
        check_index=tuple(col for col, _ in checked),
        check_matrix=check[:, [j for _, j in checked]] if checked and check is not None else None,
    )


def _eps_signatures(
    wn: wntr.network.WaterNetworkModel,
    source: str,
    sensors: Sequence[Sensor],
    candidates: Sequence[str],
    duration_h: float,
    leak_m3_per_h: float,
) -> np.ndarray:
    """(n_sensors, n_candidates) mean sensor change per m³/h of leak over an extended run."""
    wn = copy.deepcopy(wn)
    wn.options.time.duration = int(duration_h * 3600)
    wn.options.time.hydraulic_timestep = 3600
    wn.options.time.report_timestep = 3600
    with open_project(wn, source) as project:
        by_hour = eps_leak_sensitivity(
            project,
            sensors,
            candidates,
            leak_m3_per_h=leak_m3_per_h,
            clock_s=int(wn.options.time.start_clocktime or 0),
        )
    return by_hour.mean(axis=0)
