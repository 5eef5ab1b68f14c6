"""Where a leak is: the sensors' hydraulic sensitivity to a leak at each node, and the node
whose sensitivity best explains the residuals (a generalised likelihood ratio test).

The sensitivity comes from EPANET snapshot runs of the utility's own model (an emitter at each
junction in turn, at several times of day). Residuals and sensitivities are compared in the
whitened space of the normal model, so sensors that move together in normal operation (a pump
switching, a warm day) are not mistaken for a leak pattern. The confidence area holds the nodes
whose likelihood ratio is within a margin of the best.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import networkx as nx
import numpy as np

from water.epanet import eps_leak_sensitivity, open_project
from water.leaks.features import NormalModel
from water.model import Sensor, SensorKind
from water.network import M3_PER_S_TO_M3_PER_H, WaterNetwork, repeat_time_controls

logger = logging.getLogger(__name__)

DEFAULT_TIMES_OF_DAY_H = (2, 6, 10, 14, 18, 22)


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
    """

    sensors: tuple[str, ...]
    candidates: tuple[str, ...]
    matrix: np.ndarray
    cells: dict[str, tuple[str, ...]] = field(default_factory=dict)
    demand_response: np.ndarray | None = None

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
        wn.options.time.duration = int(duration_h * 3600)
        wn.options.time.hydraulic_timestep = 3600
        wn.options.time.report_timestep = 3600
        with open_project(wn, network.source) as project:
            by_hour = eps_leak_sensitivity(
                project,
                sensors,
                cands,
                leak_m3_per_h=leak_m3_per_h,
                clock_s=int(wn.options.time.start_clocktime or 0),
            )
        # hour-by-hour responses of one day are erratic (a pump switching an hour earlier):
        # the daily mean is the signature
        matrix = by_hour.mean(axis=0)
    else:
        wn.options.time.duration = 0
        with open_project(wn, network.source) as project:
            matrix, _ = project.leak_sensitivity(
                sensors, cands, [int(h * 3600) for h in times_of_day_h], leak_m3_per_h=leak_m3_per_h
            )
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
    return Sensitivity(
        tuple(s.name for s in sensors),
        kept,
        matrix[:, keep],
        {c: cells[c] for c in kept if c in cells},
        demand_response=response,
    )


class Whitened:
    """Residuals, leak signatures and the demand nuisance in the whitened space of a model.

    ``a[h]`` (n_sensors, n_candidates) is the signature of 1 m³/h of leak at hour of day h;
    ``b[h]`` (n_sensors,) that of all demands 1 % higher (a warm day), which every test fits
    per day and removes, so a day of high demand is not taken for a leak. Detected leaks are
    projected out of residuals and signatures, so the next test looks for something else.
    """

    def __init__(self, model: NormalModel, sensitivity: Sensitivity):
        order = [sensitivity.sensors.index(s) for s in model.sensors]
        self.model = model
        self.sensitivity = sensitivity
        self.candidates = sensitivity.candidates
        self._chol_inv = np.linalg.inv(np.linalg.cholesky(model.corr))
        matrix = sensitivity.matrix[order]
        self._base = np.stack(
            [self._chol_inv @ (matrix / model.std[h][:, None]) for h in range(24)]
        )
        if sensitivity.demand_response is not None:
            beta = sensitivity.demand_response[:, order]
            self._b_base = np.stack([self._chol_inv @ (beta[h] / model.std[h]) for h in range(24)])
        else:
            self._b_base = np.zeros((24, len(order)))
        self.a = self._base.copy()
        self.b = self._b_base.copy()
        self.detected: list[int] = []
        self._q: list[np.ndarray] = []

    def whiten(self, z: np.ndarray) -> np.ndarray:
        """(n, n_sensors) standardised residuals to whitened ones."""
        return z @ self._chol_inv.T

    def add_detected(self, candidate: int) -> None:
        """Project the signature of a detected leak out of every later test."""
        self.detected.append(candidate)
        self._q = []
        for h in range(24):
            q, _ = np.linalg.qr(self._base[h][:, self.detected])
            self._q.append(q)
            self.a[h] = self._base[h] - q @ (q.T @ self._base[h])
            self.b[h] = self._b_base[h] - q @ (q.T @ self._b_base[h])

    def project(self, y: np.ndarray, hod: np.ndarray) -> np.ndarray:
        """Remove the detected leaks' signatures from whitened residuals."""
        if not self.detected:
            return y
        out = y.copy()
        for h in np.unique(hod):
            rows = hod == h
            q = self._q[h]
            out[rows] = y[rows] - (y[rows] @ q) @ q.T
        return out

    def hourly_terms(self, y: np.ndarray, hod: np.ndarray) -> dict[str, np.ndarray]:
        """Per hour: a·y and a·a, a·b (per candidate), b·y and b·b: the sums every test needs."""
        n, c = len(y), len(self.candidates)
        terms = {"ay": np.empty((n, c)), "aa": np.empty((n, c)), "ab": np.empty((n, c))}
        terms["by"] = np.empty(n)
        terms["bb"] = np.empty(n)
        aa = np.stack([(self.a[h] ** 2).sum(axis=0) for h in range(24)])
        ab = np.stack([self.b[h] @ self.a[h] for h in range(24)])
        bb = np.array([self.b[h] @ self.b[h] for h in range(24)])
        for h in np.unique(hod):
            rows = hod == h
            terms["ay"][rows] = y[rows] @ self.a[h]
            terms["by"][rows] = y[rows] @ self.b[h]
        terms["aa"][:] = aa[hod]
        terms["ab"][:] = ab[hod]
        terms["bb"][:] = bb[hod]
        return terms

    def weights(self, candidate: int, hod: np.ndarray) -> np.ndarray:
        """Inverse variance of the hourly flow estimate of one candidate at each hour."""
        norm2 = np.array([(self.a[h][:, candidate] ** 2).sum() for h in range(24)])
        return norm2[hod]

    def glrt(self, y: np.ndarray, hod: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Evidence of a constant leak over a window, with one demand factor per day fitted.

        Returns:
            the likelihood-ratio statistic (0 where the best flow would be negative) and the
            window's flow estimate (m³/h) per candidate.
        """
        terms = self.hourly_terms(y, hod)
        num = np.zeros(len(self.candidates))
        den = np.zeros(len(self.candidates))
        for lo in range(0, len(y), 24):
            day = {k: v[lo : lo + 24].sum(axis=0) for k, v in terms.items()}
            n, d = day_adjusted(day)
            num += n
            den += d
        den = np.maximum(den, 1e-12)
        stat = np.where(num > 0, num**2 / den, 0.0)
        return stat, num / den


def day_adjusted(sums: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and information of the leak flow once the window's demand factor is fitted."""
    bb = np.maximum(sums["bb"], 1e-12)
    if np.ndim(bb):
        bb = bb[..., None]
        by = sums["by"][..., None]
    else:
        by = sums["by"]
    num = sums["ay"] - sums["ab"] * by / bb
    den = np.maximum(sums["aa"] - sums["ab"] ** 2 / bb, 1e-12)
    return num, den


@dataclass(frozen=True)
class Location:
    """The located leak.

    Attributes:
        node: the best node.
        pipe: the best pipe at that node.
        confidence_nodes: nodes within the likelihood margin, best first.
        confidence_radius_m: largest pipe distance from ``node`` to a confidence node.
        flow_m3_per_h: the window's flow estimate at ``node``.
        statistic: the likelihood-ratio statistic of ``node``.
    """

    node: str
    pipe: str
    confidence_nodes: tuple[str, ...]
    confidence_radius_m: float
    flow_m3_per_h: float
    statistic: float
    index: int


def locate(
    network: WaterNetwork,
    whitened: Whitened,
    y: np.ndarray,
    hod: np.ndarray,
    *,
    margin_rel: float = 0.1,
    margin_abs: float = 4.0,
    max_nodes: int = 25,
    inflation: float = 1.0,
) -> Location:
    """Locate the leak that best explains whitened residuals ``y`` (hours of day ``hod``).

    ``inflation`` is the variance of the test statistic under no leak relative to the model's
    (hours are not independent); the confidence margin applies to the deflated statistic.
    """
    stat, flow = whitened.glrt(y, hod)
    stat = stat / max(inflation, 1.0)
    best = int(np.argmax(stat))
    limit = stat[best] - max(margin_abs, margin_rel * stat[best])
    order = np.argsort(-stat)
    members = [int(i) for i in order[:max_nodes] if stat[i] >= limit]
    node = whitened.candidates[best]
    names = tuple(
        dict.fromkeys(n for i in members for n in whitened.sensitivity.cell(whitened.candidates[i]))
    )
    radius = max((network.pipe_distance_m(node, n) for n in names), default=0.0)
    scores = {whitened.candidates[i]: float(stat[i]) for i in members}
    return Location(
        node=node,
        pipe=network.best_pipe(node, scores),
        confidence_nodes=names,
        confidence_radius_m=float(radius if np.isfinite(radius) else 0.0),
        flow_m3_per_h=float(flow[best]),
        statistic=float(stat[best]),
        index=best,
    )
