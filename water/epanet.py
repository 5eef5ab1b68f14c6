"""EPANET through WNTR's toolkit binding: extended-period runs that keep only the sensors, and
snapshot leak sensitivities.

The model is written once (WNTR ``write_inpfile`` in CMH units, so EPANET reports flows in
m³/h and pressures in m) and opened in the toolkit; every run reuses the open project.
"""

from __future__ import annotations

import copy
import logging
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import wntr
from wntr.epanet import toolkit
from wntr.epanet.util import EN

from water.exceptions import SimulationError
from water.model import Sensor, SensorKind

logger = logging.getLogger(__name__)

_TOOLKIT_LOGGER = logging.getLogger("wntr.epanet.toolkit")


@contextmanager
def _quiet_toolkit() -> Iterator[None]:
    """EPANET warnings (negative pressures at a few nodes) are logged by WNTR at every step."""
    level = _TOOLKIT_LOGGER.level
    _TOOLKIT_LOGGER.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        _TOOLKIT_LOGGER.setLevel(level)


@dataclass(frozen=True)
class SensorSeries:
    """Sensor values of a run.

    Attributes:
        times_s: report times, seconds from the start.
        values: (n_times, n_sensors), pressure in m and flow in m³/h.
        sensors: the columns.
    """

    times_s: np.ndarray
    values: np.ndarray
    sensors: tuple[Sensor, ...]


class EpanetProject:
    """An open EPANET project of a WNTR model (use ``open_project``)."""

    def __init__(self, en: toolkit.ENepanet, source: str):
        self._en = en
        self.source = source

    def _index(self, sensor: Sensor) -> int:
        if sensor.kind is SensorKind.PRESSURE:
            return int(self._en.ENgetnodeindex(sensor.element))
        return int(self._en.ENgetlinkindex(sensor.element))

    def _read(self, sensors: Sequence[Sensor], indices: Sequence[int]) -> list[float]:
        out = []
        for sensor, idx in zip(sensors, indices, strict=True):
            if sensor.kind is SensorKind.PRESSURE:
                out.append(self._en.ENgetnodevalue(idx, EN.PRESSURE))
            else:
                out.append(self._en.ENgetlinkvalue(idx, EN.FLOW))
        return out

    def run(self, sensors: Sequence[Sensor], report_step_s: int) -> SensorSeries:
        """Extended-period run; sensor values at every multiple of ``report_step_s``."""
        indices = [self._index(s) for s in sensors]
        times, rows = [], []
        try:
            with _quiet_toolkit():
                self._en.ENopenH()
                self._en.ENinitH(0)
                while True:
                    t = self._en.ENrunH()
                    if t % report_step_s == 0 and (not times or times[-1] != t):
                        times.append(t)
                        rows.append(self._read(sensors, indices))
                    if self._en.ENnextH() <= 0:
                        break
                self._en.ENcloseH()
        except toolkit.EpanetException as err:
            raise SimulationError(f"{self.source}: EPANET failed: {err}") from err
        return SensorSeries(np.array(times), np.array(rows, dtype=float), tuple(sensors))

    def leak_sensitivity(
        self,
        sensors: Sequence[Sensor],
        candidates: Sequence[str],
        times_of_day_s: Sequence[int],
        *,
        leak_m3_per_h: float,
        min_pressure_m: float = 1.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Change of each sensor per m³/h of leak at each candidate node (snapshot runs).

        A leak is an EPANET emitter (Q = C·p^0.5, WNTR's leak model with exponent 0.5) sized to
        ``leak_m3_per_h`` at the node's pressure; each snapshot has the patterns at one time of
        day and the tanks at their initial levels. The sensitivity is the mean over the times.

        Returns:
            (n_sensors, n_candidates) sensitivities (m per m³/h for pressure, m³/h per m³/h
            for flow; NaN for a candidate whose pressure stays below ``min_pressure_m``), and
            the candidates' mean baseline pressure (m).
        """
        en = self._en
        s_idx = [self._index(s) for s in sensors]
        c_idx = [int(en.ENgetnodeindex(c)) for c in candidates]
        total = np.zeros((len(sensors), len(candidates)))
        counts = np.zeros(len(candidates))
        p_mean = np.zeros(len(candidates))
        try:
            with _quiet_toolkit():
                en.ENsettimeparam(EN.DURATION, 0)
                en.ENopenH()
                for tod in times_of_day_s:
                    en.ENsettimeparam(EN.PATTERNSTART, int(tod))
                    en.ENinitH(0)
                    en.ENrunH()
                    base = np.array(self._read(sensors, s_idx))
                    p_base = np.array([en.ENgetnodevalue(i, EN.PRESSURE) for i in c_idx])
                    p_mean += p_base / len(times_of_day_s)
                    for k, idx in enumerate(c_idx):
                        if p_base[k] < min_pressure_m:
                            continue
                        coeff = leak_m3_per_h / np.sqrt(p_base[k])
                        en.ENsetnodevalue(idx, EN.EMITTER, coeff)
                        en.ENinitH(0)
                        en.ENrunH()
                        p_leak = en.ENgetnodevalue(idx, EN.PRESSURE)
                        delta = np.array(self._read(sensors, s_idx)) - base
                        en.ENsetnodevalue(idx, EN.EMITTER, 0.0)
                        q = coeff * np.sqrt(max(p_leak, 0.0))
                        if q > 1e-6:
                            total[:, k] += delta / q
                            counts[k] += 1
                en.ENcloseH()
        except toolkit.EpanetException as err:
            raise SimulationError(f"{self.source}: EPANET failed: {err}") from err
        with np.errstate(invalid="ignore", divide="ignore"):
            sens = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
        return sens, p_mean


def eps_leak_sensitivity(
    project: EpanetProject,
    sensors: Sequence[Sensor],
    candidates: Sequence[str],
    *,
    leak_m3_per_h: float,
    clock_s: int = 0,
    report_step_s: int = 3600,
    min_pressure_m: float = 1.0,
) -> np.ndarray:
    """Sensor change per m³/h of leak, per hour of day, over an extended-period run (tanks and
    controls respond).

    Args:
        project: the open model (its duration sets the run; a day or more).
        sensors: the sensors.
        candidates: junctions to put the leak at, one at a time (an emitter sized to
            ``leak_m3_per_h`` at the node's mean pressure).
        leak_m3_per_h: size of the probe leak.
        clock_s: the model's start clock time (hour of day of time 0), seconds.
        report_step_s: sampling of the run.
        min_pressure_m: candidates whose mean pressure is lower cannot leak (NaN).

    Returns:
        (24, n_sensors, n_candidates); NaN for candidates that cannot leak.
    """
    en = project._en
    probes = list(sensors) + [Sensor(SensorKind.PRESSURE, c) for c in candidates]
    base = project.run(probes, report_step_s)
    n = len(sensors)
    base_sensors, base_p = base.values[:, :n], base.values[:, n:]
    hours = ((base.times_s + clock_s) // 3600) % 24
    out = np.full((24, n, len(candidates)), np.nan)
    for k, name in enumerate(candidates):
        p_mean = float(np.mean(base_p[:, k]))
        if p_mean < min_pressure_m:
            continue
        idx = int(en.ENgetnodeindex(name))
        coeff = leak_m3_per_h / np.sqrt(p_mean)
        en.ENsetnodevalue(idx, EN.EMITTER, coeff)
        try:
            run = project.run([*list(sensors), Sensor(SensorKind.PRESSURE, name)], report_step_s)
        finally:
            en.ENsetnodevalue(idx, EN.EMITTER, 0.0)
        m = min(len(run.values), len(base_sensors))
        q = coeff * np.sqrt(np.maximum(run.values[:m, n], 0.0))
        if q.mean() <= 1e-6:
            continue
        delta = (run.values[:m, :n] - base_sensors[:m]) / max(float(q.mean()), 1e-6)
        for h in range(24):
            rows = hours[:m] == h
            out[h, :, k] = delta[rows].mean(axis=0) if rows.any() else delta.mean(axis=0)
    return out


@contextmanager
def open_project(wn: wntr.network.WaterNetworkModel, source: str = "") -> Iterator[EpanetProject]:
    """Write ``wn`` to a temporary ``.inp`` (CMH units) and open it in the EPANET toolkit."""
    with tempfile.TemporaryDirectory(prefix="kof_epanet_") as tmp:
        inp = Path(tmp) / "model.inp"
        try:
            with _quiet_toolkit():
                wntr.network.io.write_inpfile(wn, str(inp), units="CMH")
                en = toolkit.ENepanet(version=2.2)
                en.ENopen(str(inp), str(Path(tmp) / "model.rpt"), str(Path(tmp) / "model.bin"))
        except toolkit.EpanetException as err:
            raise SimulationError(f"{source or 'network'}: EPANET cannot open it: {err}") from err
        try:
            yield EpanetProject(en, source)
        finally:
            with _quiet_toolkit():
                en.ENclose()


def model_sensor_means(
    wn: wntr.network.WaterNetworkModel, sensors: Sequence[Sensor], hours: int = 24, source: str = ""
) -> dict[str, float]:
    """Mean of each sensor over the first ``hours`` of the model (pressure m, flow m³/h)."""
    model = copy.deepcopy(wn)
    model.options.time.duration = hours * 3600
    model.options.time.hydraulic_timestep = 3600
    model.options.time.report_timestep = 3600
    model.options.quality.parameter = "NONE"
    with open_project(model, source) as project:
        series = project.run(sensors, 3600)
    return {s.name: float(v) for s, v in zip(sensors, series.values.mean(axis=0), strict=True)}
