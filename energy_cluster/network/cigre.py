"""Adapter to pandapower: the CIGRE MV benchmark with the cluster mapped onto it.

pandapower changes global pandas options and may warn when imported, so it is imported only
inside these functions, with its warnings handled here. The benchmark's own loads and DER are
taken out of service; the cluster's demands (by bus share, at ``load_power_factor``) and its
units (net electrical output per bus, power factor 1) are placed at the ``cigre_bus`` of their
place. The grid connection is the benchmark's external grid (bus 0, 110 kV).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from energy_cluster.config import NetworkConfig, ScenarioConfig
from energy_cluster.exceptions import NetworkCheckError, ScenarioError
from energy_cluster.network.topology import Topology, topology_of

logger = logging.getLogger(__name__)


@contextmanager
def _quiet() -> Iterator[None]:
    """pandapower's deprecation and future warnings, and its "numba not installed" log line
    (emitted by every DC power flow), stay inside the adapter."""
    names = ["pandapower"] + [
        n for n in logging.root.manager.loggerDict if n.startswith("pandapower.")
    ]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def cigre_mv_net() -> Any:
    """The CIGRE MV benchmark network (without DER), as pandapower builds it."""
    with _quiet():
        import pandapower.networks as pn

        return pn.create_cigre_network_mv(with_der=False)


@functools.lru_cache(maxsize=2)
def _cigre_topology(use_geodata: bool) -> Topology:
    return topology_of(cigre_mv_net(), use_geodata=use_geodata)


def cigre_topology(*, use_geodata: bool = True) -> Topology:
    """The benchmark's buses, lines and transformers with positions for a single-line diagram.

    Building the net takes pandapower about a second, so the topology is built once per
    process; each caller gets its own copy of the frames.
    """
    cached = _cigre_topology(use_geodata)
    return dataclasses.replace(cached, buses=cached.buses.copy(), branches=cached.branches.copy())


@dataclass(frozen=True)
class FlowResults:
    """AC power-flow results per step (rows) and element (columns)."""

    line_loading_percent: pd.DataFrame
    trafo_loading_percent: pd.DataFrame
    bus_vm_pu: pd.DataFrame
    line_p_mw: pd.DataFrame
    line_q_mvar: pd.DataFrame
    trafo_p_mw: pd.DataFrame
    trafo_q_mvar: pd.DataFrame


class CigreNetwork:
    """The CIGRE MV benchmark carrying the cluster's buses.

    Args:
        config: the scenario; every bus used by a unit or a demand needs a ``cigre_bus``.

    Raises:
        ScenarioError: a bus without ``cigre_bus``.
    """

    def __init__(self, config: ScenarioConfig):
        self.net = cigre_mv_net()
        self.config = config
        self.limits: NetworkConfig = config.network or NetworkConfig()
        self.bus_of: dict[str, int] = {}
        for name, bus in config.buses.items():
            if bus.cigre_bus is None:
                raise ScenarioError(
                    "the network check needs a cigre_bus for every bus",
                    unit=name,
                    field=f"buses.{name}.cigre_bus",
                )
            self.bus_of[name] = bus.cigre_bus
        net = self.net
        net.load["in_service"] = False
        self.ext_bus = int(net.ext_grid.bus.iloc[0])
        self.mv_buses = [b for b in net.bus.index if b != self.ext_bus]
        self._load_idx: dict[int, int] = {}
        self._sgen_idx: dict[int, int] = {}
        with _quiet():
            import pandapower as pp

            for bus in self.mv_buses:
                self._load_idx[bus] = pp.create_load(
                    net, bus, p_mw=0.0, q_mvar=0.0, name=f"cluster load {bus}"
                )
                self._sgen_idx[bus] = pp.create_sgen(
                    net, bus, p_mw=0.0, q_mvar=0.0, name=f"cluster units {bus}"
                )
        self._ptdf: np.ndarray | None = None

    # ---- injections -------------------------------------------------------------------------
    def bus_frames(
        self, units_mw: Mapping[str, np.ndarray], loads_mw: Mapping[str, np.ndarray]
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per-step unit output and load (MW) per CIGRE bus, from values per cluster bus."""
        steps = len(next(iter({**units_mw, **loads_mw}.values())))
        gen = pd.DataFrame(0.0, index=range(steps), columns=self.mv_buses)
        load = pd.DataFrame(0.0, index=range(steps), columns=self.mv_buses)
        for name, values in units_mw.items():
            bus = self.bus_of[name]
            if bus != self.ext_bus:
                gen[bus] += values
        for name, values in loads_mw.items():
            bus = self.bus_of[name]
            if bus != self.ext_bus:
                load[bus] += values
        return gen, load

    # ---- time-series AC power flow ------------------------------------------------------------
    def run(self, gen: pd.DataFrame, load: pd.DataFrame) -> FlowResults:
        """AC power flow of every step with pandapower's time-series module.

        Raises:
            NetworkCheckError: the power flow does not converge at some step.
        """
        with _quiet():
            from pandapower.control import ConstControl
            from pandapower.timeseries import DFData, OutputWriter, run_timeseries

            net = self.net
            net.controller = net.controller.iloc[0:0]
            tan_phi = np.tan(np.arccos(self.limits.load_power_factor))
            profiles = pd.concat(
                {
                    "load_p": load.rename(columns=self._load_idx),
                    "load_q": (load * tan_phi).rename(columns=self._load_idx),
                    "sgen_p": gen.rename(columns=self._sgen_idx),
                },
                axis=1,
            )
            profiles.columns = [f"{kind}_{idx}" for kind, idx in profiles.columns]
            data = DFData(profiles)
            loads = list(self._load_idx.values())
            sgens = list(self._sgen_idx.values())
            ConstControl(
                net,
                "load",
                "p_mw",
                loads,
                data_source=data,
                profile_name=[f"load_p_{i}" for i in loads],
            )
            ConstControl(
                net,
                "load",
                "q_mvar",
                loads,
                data_source=data,
                profile_name=[f"load_q_{i}" for i in loads],
            )
            ConstControl(
                net,
                "sgen",
                "p_mw",
                sgens,
                data_source=data,
                profile_name=[f"sgen_p_{i}" for i in sgens],
            )
            writer = OutputWriter(
                net, time_steps=list(range(len(gen))), output_path=None, log_variables=[]
            )
            for table, column in (
                ("res_line", "loading_percent"),
                ("res_line", "p_from_mw"),
                ("res_line", "q_from_mvar"),
                ("res_trafo", "loading_percent"),
                ("res_trafo", "p_hv_mw"),
                ("res_trafo", "q_hv_mvar"),
                ("res_bus", "vm_pu"),
            ):
                writer.log_variable(table, column)
            try:
                run_timeseries(
                    net,
                    time_steps=list(range(len(gen))),
                    verbose=False,
                    numba=False,
                    continue_on_divergence=False,
                )
            except Exception as err:  # pandapower raises its own and numpy errors on divergence
                raise NetworkCheckError(
                    f"the power flow of the plan does not converge: {err}"
                ) from err
            out = writer.output
            net.controller = net.controller.iloc[0:0]
        return FlowResults(
            line_loading_percent=out["res_line.loading_percent"].copy(),
            trafo_loading_percent=out["res_trafo.loading_percent"].copy(),
            bus_vm_pu=out["res_bus.vm_pu"].copy(),
            line_p_mw=out["res_line.p_from_mw"].copy(),
            line_q_mvar=out["res_line.q_from_mvar"].copy(),
            trafo_p_mw=out["res_trafo.p_hv_mw"].copy(),
            trafo_q_mvar=out["res_trafo.q_hv_mvar"].copy(),
        )

    # ---- linear sensitivities -------------------------------------------------------------
    def ptdf(self) -> dict[tuple[str, int], dict[int, float]]:
        """DC power transfer distribution factors: (element, index) -> {cigre bus: factor}.

        A factor is the MW flow on the element (from side) per MW injected at the bus and taken
        at the external grid.
        """
        with _quiet():
            import pandapower as pp
            from pandapower.pypower.makePTDF import makePTDF

            for idx in self._load_idx.values():
                self.net.load.at[idx, "p_mw"] = 0.0
            pp.rundcpp(self.net, numba=False)
            ppc = self.net._ppc
            lookup = self.net._pd2ppc_lookups
            slack = int(lookup["bus"][self.ext_bus])
            matrix = makePTDF(ppc["baseMVA"], ppc["bus"], ppc["branch"], slack=slack)
        out: dict[tuple[str, int], dict[int, float]] = {}
        for element, table in (("line", self.net.line), ("trafo", self.net.trafo)):
            first, _ = lookup["branch"][element]
            for k, idx in enumerate(table.index):
                row = matrix[first + k]
                out[(element, int(idx))] = {
                    bus: float(row[lookup["bus"][bus]])
                    for bus in self.mv_buses
                    if abs(row[lookup["bus"][bus]]) > 1e-9
                }
        return out

    def rating_mva(self, element: str, idx: int) -> float:
        """Thermal rating of a line (sqrt(3) * V * I_max) or a transformer (sn_mva)."""
        if element == "trafo":
            return float(self.net.trafo.at[idx, "sn_mva"])
        line = self.net.line.loc[idx]
        vn_kv = float(self.net.bus.at[int(line.from_bus), "vn_kv"])
        return float(np.sqrt(3) * vn_kv * line.max_i_ka * line.parallel)

    def voltage_sensitivities(
        self, gen: pd.DataFrame, load: pd.DataFrame, step: int, delta_mw: float = 0.5
    ) -> pd.DataFrame:
        """dV_i/dP_j (pu per MW injected at bus j), by perturbed AC power flows at ``step``.

        Rows are the buses whose voltage moves (i), columns the buses injecting (j).
        """
        with _quiet():
            import pandapower as pp

            net = self.net
            tan_phi = np.tan(np.arccos(self.limits.load_power_factor))
            for b in self.mv_buses:
                net.load.at[self._load_idx[b], "p_mw"] = float(load.at[step, b])
                net.load.at[self._load_idx[b], "q_mvar"] = float(load.at[step, b] * tan_phi)
                net.sgen.at[self._sgen_idx[b], "p_mw"] = float(gen.at[step, b])
            pp.runpp(net, numba=False)
            base = net.res_bus.vm_pu.loc[self.mv_buses].to_numpy().copy()
            columns = {}
            for j in self.mv_buses:
                net.sgen.at[self._sgen_idx[j], "p_mw"] = float(gen.at[step, j]) + delta_mw
                pp.runpp(net, numba=False)
                columns[j] = (net.res_bus.vm_pu.loc[self.mv_buses].to_numpy() - base) / delta_mw
                net.sgen.at[self._sgen_idx[j], "p_mw"] = float(gen.at[step, j])
        return pd.DataFrame(columns, index=self.mv_buses)


def element_name(net_any: Any, element: str, idx: int) -> str:
    """A readable element name, e.g. ``line 'Line 12-13'``."""
    table = net_any.line if element == "line" else net_any.trafo
    return f"{element} {table.at[idx, 'name']!r}"
