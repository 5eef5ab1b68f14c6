"""Labelled leak scenarios simulated with WNTR/EPANET: telemetry with known leaks.

Demands vary as they do in a real network: every junction's pattern is multiplied by a daily
factor (AR(1) over days: warm days, weekends) and by the noise of its group of junctions
(AR(1) over time steps), so that leak-free telemetry already holds the variability a detector
must not call a leak. Sensors add white measurement noise.

Leaks follow WNTR's leak model Q = Cd·A·sqrt(2·g·p): a leak given by its orifice area gets the
flow of that law at the node's mean pressure, injected as an extra demand whose pattern is 0
before the start, then 1 (abrupt) or a linear ramp (incipient). This runs on EPANET, so it
works on any network EPANET solves (ky10 does not converge in WNTR's own simulator);
``simulate_wntr_leak`` runs WNTR's pressure-dependent leak itself, for cross-checks.
"""

from __future__ import annotations

import copy
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import wntr

from water.epanet import open_project
from water.exceptions import SimulationError
from water.model import LeakKind, LeakSpec, Sensor, SensorKind
from water.network import M3_PER_S_TO_M3_PER_H, WaterNetwork, repeat_time_controls

logger = logging.getLogger(__name__)

G_M_PER_S2 = 9.81


@dataclass(frozen=True)
class ScenarioSettings:
    """How a scenario is simulated.

    Attributes:
        start: the first timestamp (aware).
        duration_h: simulated hours.
        step_s: hydraulic and report step (300 s: 5-minute telemetry).
        day_sigma: standard deviation of the daily demand factor.
        day_phi: day-to-day autocorrelation of that factor.
        noise_sigma: standard deviation of the per-step demand noise of a group of junctions.
        n_groups: groups of junctions with their own demand noise.
        pressure_noise_m: sensor noise of pressure loggers (m).
        flow_noise_rel: sensor noise of flow meters, relative to the flow.
        seed: the scenario seed.
        warmup_h: hours simulated before ``start`` and dropped (tanks settle).
    """

    start: pd.Timestamp
    duration_h: float = 72.0
    step_s: int = 300
    day_sigma: float = 0.04
    day_phi: float = 0.6
    noise_sigma: float = 0.05
    n_groups: int = 6
    pressure_noise_m: float = 0.03
    flow_noise_rel: float = 0.005
    seed: int = 0
    warmup_h: float = 24.0


@dataclass(frozen=True)
class Scenario:
    """A simulated scenario.

    Attributes:
        telemetry: long frame timestamp (UTC), sensor, value (pressure m, flow m³/h).
        leaks: the leaks, with ``flow_m3_per_h`` resolved.
        leak_flow_m3_per_h: true leak flow per step (columns: leak index).
        sensors: the sensors recorded.
    """

    telemetry: pd.DataFrame
    leaks: tuple[LeakSpec, ...]
    leak_flow_m3_per_h: pd.DataFrame
    sensors: tuple[Sensor, ...]


def _ar1(rng: np.random.Generator, n: int, phi: float, sigma: float) -> np.ndarray:
    out = np.empty(n)
    innov = rng.standard_normal(n) * sigma * np.sqrt(1.0 - phi**2)
    out[0] = rng.standard_normal() * sigma
    for i in range(1, n):
        out[i] = phi * out[i - 1] + innov[i]
    return out


def _pattern_at(
    wn: wntr.network.WaterNetworkModel, name: str | None, times_s: np.ndarray
) -> np.ndarray:
    if name is None or name not in wn.pattern_name_list:
        return np.ones(len(times_s))
    mult = np.asarray(wn.get_pattern(name).multipliers, dtype=float)
    if not len(mult):
        return np.ones(len(times_s))
    step = wn.options.time.pattern_timestep or 3600
    start = wn.options.time.pattern_start or 0
    return mult[((times_s + start) // step).astype(int) % len(mult)]


def _leak_profile(leak: LeakSpec, times: pd.DatetimeIndex) -> np.ndarray:
    hours = (times - leak.start).total_seconds().to_numpy() / 3600.0
    if leak.kind is LeakKind.ABRUPT:
        profile = (hours >= 0).astype(float)
    else:
        profile = np.clip(hours / max(leak.ramp_h, 1e-6), 0.0, 1.0)
    if leak.end is not None:
        profile[times >= leak.end] = 0.0
    return profile


def random_leak(
    network: WaterNetwork,
    mean_pressure: dict[str, float],
    demand_m3_per_h: float,
    seed: int,
    *,
    after: pd.Timestamp,
    share_range: tuple[float, float] = (0.03, 0.08),
    start_range_h: tuple[int, int] = (6, 30),
    ramp_h: float = 48.0,
    min_pressure_m: float = 20.0,
) -> LeakSpec:
    """The leak of seeded scenario ``seed``: a junction with at least ``min_pressure_m``, a flow
    of ``share_range`` of the mean demand, starting ``start_range_h`` after ``after``; even
    seeds burst, odd ones grow over ``ramp_h``."""
    rng = np.random.default_rng(seed)
    nodes = [j for j in network.junctions if mean_pressure.get(j, 0.0) >= min_pressure_m]
    if not nodes:
        raise SimulationError(f"no junction has {min_pressure_m} m of pressure to leak from")
    return LeakSpec(
        node=nodes[int(rng.integers(len(nodes)))],
        start=after + pd.Timedelta(hours=int(rng.integers(*start_range_h))),
        kind=LeakKind.ABRUPT if seed % 2 == 0 else LeakKind.INCIPIENT,
        flow_m3_per_h=float(rng.uniform(*share_range) * demand_m3_per_h),
        ramp_h=ramp_h,
    )


def mean_demand_m3_per_h(network: WaterNetwork, hours: int = 24) -> float:
    """Mean total demand of the model (base demands x patterns x multiplier), m³/h."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        demand = wntr.metrics.expected_demand(
            network.wn, start_time=0, end_time=hours * 3600, timestep=3600
        )
    return float(demand.sum(axis=1).mean() * M3_PER_S_TO_M3_PER_H)


def mean_pressure_m(network: WaterNetwork, hours: int = 24) -> dict[str, float]:
    """Mean pressure (m) of every junction over the first ``hours`` of the model's patterns."""
    wn = copy.deepcopy(network.wn)
    wn.options.time.duration = hours * 3600
    wn.options.time.hydraulic_timestep = 3600
    wn.options.time.report_timestep = 3600
    wn.options.quality.parameter = "NONE"
    sensors = [Sensor(SensorKind.PRESSURE, j) for j in network.junctions]
    with open_project(wn, network.source) as project:
        series = project.run(sensors, 3600)
    return dict(zip(network.junctions, series.values.mean(axis=0).tolist(), strict=True))


def resolve_leak_flows(network: WaterNetwork, leaks: Sequence[LeakSpec]) -> list[LeakSpec]:
    """Give every leak its flow: WNTR's orifice law at the node's mean pressure where an area is set."""
    need = [leak for leak in leaks if leak.flow_m3_per_h is None]
    pressures = mean_pressure_m(network) if need else {}
    out = []
    for leak in leaks:
        if leak.node not in network.wn.junction_name_list:
            raise SimulationError(f"leak node {leak.node!r} is not a junction of the network")
        if leak.flow_m3_per_h is None:
            if leak.area_m2 is None:
                raise SimulationError(f"leak at {leak.node}: give flow_m3_per_h or area_m2")
            p = max(pressures[leak.node], 0.0)
            q = leak.discharge_coeff * leak.area_m2 * np.sqrt(2 * G_M_PER_S2 * p)
            leak = replace(leak, flow_m3_per_h=float(q * M3_PER_S_TO_M3_PER_H))
        out.append(leak)
    return out


def _prepare_model(
    network: WaterNetwork, settings: ScenarioSettings, leaks: Sequence[LeakSpec]
) -> tuple[wntr.network.WaterNetworkModel, pd.DatetimeIndex, np.ndarray]:
    wn = copy.deepcopy(network.wn)
    repeat_time_controls(wn)
    step = int(settings.step_s)
    n_steps = round((settings.duration_h + settings.warmup_h) * 3600 / step) + 1
    times_s = np.arange(n_steps) * step
    first = settings.start.tz_convert("UTC") - pd.Timedelta(hours=settings.warmup_h)
    times = first + pd.to_timedelta(times_s, unit="s")
    rng = np.random.default_rng(settings.seed)
    n_days = int(np.ceil(n_steps * step / 86400)) + 1
    day_factor = np.exp(_ar1(rng, n_days, settings.day_phi, settings.day_sigma))
    daily = day_factor[(times_s // 86400).astype(int)]
    group_phi = float(np.exp(-step / 1800.0))  # demand noise decorrelates in ~30 min
    groups = [
        daily * np.exp(_ar1(rng, n_steps, group_phi, settings.noise_sigma))
        for _ in range(settings.n_groups)
    ]
    default = wn.options.hydraulic.pattern
    new_patterns: dict[str, str] = {}
    for j_index, name in enumerate(wn.junction_name_list):
        junction = wn.get_node(name)
        demands = [
            (d.base_value, d.pattern_name, d.category) for d in junction.demand_timeseries_list
        ]
        if not any(base for base, _, _ in demands):
            continue
        g = j_index % settings.n_groups
        junction.demand_timeseries_list.clear()
        for base, pattern, category in demands:
            pattern = pattern or default
            key = f"{pattern}__g{g}"
            if key not in new_patterns:
                values = _pattern_at(network.wn, pattern, times_s) * groups[g]
                wn.add_pattern(key, np.round(values, 5).tolist())
                new_patterns[key] = key
            junction.add_demand(base, key, category)
    for k, leak in enumerate(leaks):
        key = f"leak__{k}"
        wn.add_pattern(key, _leak_profile(leak, times).round(5).tolist())
        wn.get_node(leak.node).add_demand(leak.flow_m3_per_h / M3_PER_S_TO_M3_PER_H, key, "leak")
    # Patterns not used by demands (energy prices, head patterns) keep their hourly meaning.
    for name in wn.pattern_name_list:
        if name not in new_patterns and not name.startswith("leak__"):
            pattern = wn.get_pattern(name)
            values = _pattern_at(network.wn, name, times_s)
            pattern.multipliers = values.tolist()
    wn.options.time.duration = int(times_s[-1])
    wn.options.time.hydraulic_timestep = step
    wn.options.time.report_timestep = step
    wn.options.time.pattern_timestep = step
    wn.options.time.pattern_start = 0
    wn.options.quality.parameter = "NONE"
    return wn, times, times_s


def simulate_scenario(
    network: WaterNetwork,
    sensors: Sequence[Sensor],
    settings: ScenarioSettings,
    leaks: Sequence[LeakSpec] = (),
) -> Scenario:
    """Simulate telemetry with the given leaks (none: a leak-free period).

    Example:
        >>> s = simulate_scenario(net, sensors, ScenarioSettings(pd.Timestamp("2026-01-05", tz="UTC")),
        ...                       [LeakSpec("123", pd.Timestamp("2026-01-06", tz="UTC"),
        ...                                 flow_m3_per_h=10)])  # doctest: +SKIP
    """
    network.check_sensors(sensors)
    leaks = resolve_leak_flows(network, leaks)
    wn, times, _ = _prepare_model(network, settings, leaks)
    with open_project(wn, network.source) as project:
        series = project.run(sensors, settings.step_s)
    keep = times[: len(series.values)] >= settings.start
    values = series.values[: len(times)][keep]
    rng = np.random.default_rng([settings.seed, 1])
    noise = rng.standard_normal(values.shape)
    is_flow = np.array([s.kind is SensorKind.FLOW for s in sensors])
    values = (
        values
        + np.where(is_flow, settings.flow_noise_rel * np.abs(values), settings.pressure_noise_m)
        * noise
    )
    index = times[: len(series.values)][keep]
    wide = pd.DataFrame(values, index=index, columns=[s.name for s in sensors])
    long = (
        wide.rename_axis("timestamp")
        .reset_index()
        .melt(id_vars="timestamp", var_name="sensor", value_name="value")
    )
    truth = pd.DataFrame(
        {k: _leak_profile(leak, index) * leak.flow_m3_per_h for k, leak in enumerate(leaks)},
        index=index,
    )
    return Scenario(long, tuple(leaks), truth, tuple(sensors))


def simulate_wntr_leak(
    network: WaterNetwork,
    sensors: Sequence[Sensor],
    leak: LeakSpec,
    *,
    sim_start: pd.Timestamp,
    duration_h: float,
    step_s: int = 900,
) -> tuple[pd.DataFrame, pd.Series]:
    """One abrupt leak with WNTR's own leak model (``add_leak``, WNTRSimulator), noise-free.

    Returns:
        wide sensor values (pressure m, flow m³/h) indexed by seconds from the start, and the
        leak's flow in m³/h.
    """
    if leak.area_m2 is None:
        raise SimulationError("simulate_wntr_leak needs the leak's area_m2")
    wn = copy.deepcopy(network.wn)
    wn.options.time.duration = int(duration_h * 3600)
    wn.options.time.hydraulic_timestep = step_s
    wn.options.time.report_timestep = step_s
    wn.options.quality.parameter = "NONE"
    junction = wn.get_node(leak.node)
    begin = int((leak.start - sim_start).total_seconds())
    junction.add_leak(wn, area=leak.area_m2, discharge_coeff=leak.discharge_coeff, start_time=begin)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = wntr.sim.WNTRSimulator(wn).run_sim()
    except Exception as err:  # WNTR raises RuntimeError and others on failed convergence
        raise SimulationError(f"{network.source}: WNTR simulation failed: {err}") from err
    cols = {}
    for s in sensors:
        if s.kind is SensorKind.PRESSURE:
            cols[s.name] = results.node["pressure"][s.element]
        else:
            cols[s.name] = results.link["flowrate"][s.element] * M3_PER_S_TO_M3_PER_H
    return pd.DataFrame(cols), results.node["leak_demand"][leak.node] * M3_PER_S_TO_M3_PER_H
