"""The network model: an adapter around WNTR for any EPANET ``.inp`` a utility brings.

Inside the package pressures are metres of water head (m) and flows m³/h; WNTR itself works in
SI (m³/s), so conversions happen here and in ``water.epanet``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np
import wntr

from water.exceptions import NetworkFileError, UnknownElementError
from water.model import Sensor, SensorKind

logger = logging.getLogger(__name__)

M3_PER_S_TO_M3_PER_H = 3600.0


def load_network(path: str | Path) -> WaterNetwork:
    """Read an EPANET ``.inp`` file.

    Args:
        path: the network file.

    Returns:
        The network, with its pipe graph.

    Raises:
        NetworkFileError: the file is missing or WNTR cannot read it (the reason is named).

    Example:
        >>> net = load_network("../shared/data/water/networks/Net3.inp")  # doctest: +SKIP
        >>> len(net.junctions)  # doctest: +SKIP
        92
    """
    file = Path(path)
    if not file.is_file():
        raise NetworkFileError(f"network file {file} does not exist", file=str(file))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # WNTR warns on unsupported sections; logged below
            wn = wntr.network.WaterNetworkModel(str(file))
    except Exception as err:  # WNTR raises bare ENValueError/KeyError/ValueError on bad files
        raise NetworkFileError(
            f"network file {file}: WNTR cannot read it: {type(err).__name__}: {err}",
            file=str(file),
        ) from err
    if not wn.junction_name_list:
        raise NetworkFileError(f"network file {file} has no junctions", file=str(file))
    if not (wn.reservoir_name_list or wn.tank_name_list):
        raise NetworkFileError(f"network file {file} has no reservoir or tank", file=str(file))
    logger.info("network %s: %s", file.name, wn.describe())
    return WaterNetwork(wn=wn, source=str(file))


@dataclass
class WaterNetwork:
    """A WNTR network model with the lookups the leak tools need.

    Attributes:
        wn: the WNTR model (treat as read-only; simulations work on copies).
        source: the file it came from.
    """

    wn: wntr.network.WaterNetworkModel
    source: str = ""
    _distance_cache: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)

    @property
    def junctions(self) -> list[str]:
        """Junction names (where demands and leaks are)."""
        return list(self.wn.junction_name_list)

    @property
    def sources(self) -> list[str]:
        """Reservoirs and tanks."""
        return list(self.wn.reservoir_name_list) + list(self.wn.tank_name_list)

    @cached_property
    def graph(self) -> nx.Graph:
        """Undirected graph of every link, weighted by length in m (pumps and valves: 1 m)."""
        graph = nx.Graph()
        graph.add_nodes_from(self.wn.node_name_list)
        for name, link in self.wn.links():
            length = float(getattr(link, "length", 1.0) or 1.0)
            a, b = link.start_node_name, link.end_node_name
            if graph.has_edge(a, b) and graph[a][b]["length_m"] <= length:
                continue
            graph.add_edge(a, b, length_m=length, link=name)
        return graph

    def has_node(self, name: str) -> bool:
        return name in self.wn.node_name_list

    def has_link(self, name: str) -> bool:
        return name in self.wn.link_name_list

    def check_sensors(self, sensors: Iterable[Sensor]) -> None:
        """Raise UnknownElementError for the first sensor whose node or link is not in the model."""
        for sensor in sensors:
            known = (
                self.has_node(sensor.element)
                if sensor.kind is SensorKind.PRESSURE
                else self.has_link(sensor.element)
            )
            if not known:
                what = "node" if sensor.kind is SensorKind.PRESSURE else "link"
                raise UnknownElementError(
                    f"sensor {sensor.name}: the network {Path(self.source).name or 'model'} has "
                    f"no {what} {sensor.element!r}",
                    sensor=sensor.name,
                    value=sensor.element,
                )

    def distances_from(self, node: str) -> dict[str, float]:
        """Pipe distance (m, along the network) from ``node`` to every node it reaches (none
        for a name the network does not have)."""
        if node not in self.graph:
            return {}
        if node not in self._distance_cache:
            self._distance_cache[node] = dict(
                nx.single_source_dijkstra_path_length(self.graph, node, weight="length_m")
            )
        return self._distance_cache[node]

    def pipe_distance_m(self, a: str, b: str) -> float:
        """Shortest distance along the pipes between two nodes (inf when not connected)."""
        return float(self.distances_from(a).get(b, np.inf))

    def best_pipe(self, node: str, scores: dict[str, float] | None = None) -> str:
        """The pipe at ``node`` towards its best-scoring neighbour (or its longest pipe)."""
        best, best_key = "", -np.inf
        for neighbour in self.graph.neighbors(node):
            edge = self.graph[node][neighbour]
            link = self.wn.get_link(edge["link"])
            if link.link_type != "Pipe":
                continue
            key = (scores or {}).get(neighbour, 0.0) + 1e-9 * edge["length_m"]
            if key > best_key:
                best, best_key = edge["link"], key
        return best

    def inflow_links(self) -> list[str]:
        """Links that carry water out of a reservoir or tank, or through a pump."""
        found = []
        source_set = set(self.sources)
        for name, link in self.wn.links():
            if link.link_type == "Pump" or {link.start_node_name, link.end_node_name} & source_set:
                found.append(name)
        return found

    def spread_nodes(
        self, count: int, candidates: Sequence[str] | None = None, seed: int = 0
    ) -> list[str]:
        """``count`` junctions spread over the network (farthest-point along the pipes).

        Args:
            count: how many nodes.
            candidates: nodes to choose from (default: every junction).
            seed: picks the first node.
        """
        pool = list(candidates if candidates is not None else self.junctions)
        if count >= len(pool):
            return pool
        rng = np.random.default_rng(seed)
        chosen = [pool[int(rng.integers(len(pool)))]]
        nearest = np.array([self.pipe_distance_m(chosen[0], n) for n in pool])
        while len(chosen) < count:
            finite = np.where(np.isfinite(nearest), nearest, -1.0)
            pick = pool[int(np.argmax(finite))]
            chosen.append(pick)
            d = np.array([self.pipe_distance_m(pick, n) for n in pool])
            nearest = np.minimum(nearest, d)
        return chosen


def default_sensors(
    network: WaterNetwork,
    n_pressure: int,
    *,
    mean_pressure_m: dict[str, float] | None = None,
    min_pressure_m: float = 10.0,
    seed: int = 0,
) -> list[Sensor]:
    """A plausible sensor layout: every inflow link metered, pressure loggers spread out.

    Args:
        network: the network.
        n_pressure: pressure loggers to place.
        mean_pressure_m: mean simulated pressure per junction; nodes below ``min_pressure_m``
            (dead ends at the top of a zone, modelling artefacts) get no logger.
        min_pressure_m: the lowest mean pressure of a logger node.
        seed: the layout seed.
    """
    candidates = network.junctions
    if mean_pressure_m is not None:
        candidates = [n for n in candidates if mean_pressure_m.get(n, 0.0) >= min_pressure_m]
    nodes = network.spread_nodes(n_pressure, candidates, seed=seed)
    flows = [Sensor(SensorKind.FLOW, link) for link in network.inflow_links()]
    return flows + [Sensor(SensorKind.PRESSURE, node) for node in nodes]


def repeat_time_controls(wn: wntr.network.WaterNetworkModel) -> int:
    """Turn one-off "AT TIME" controls into daily clock-time controls; returns how many were kept.

    Models such as Net3 script a pump for the design week only (open at 1:00, 25:00, 49:00 ...);
    a longer simulation would leave the pump off after it. Each distinct (time of day, action)
    becomes one control repeated every day.
    """
    seen: dict[tuple[int, str], tuple] = {}
    removed = []
    for name, control in list(wn.controls()):
        condition = control.condition
        if not isinstance(condition, wntr.network.controls.SimTimeCondition):
            continue
        tod = int(condition._threshold) % 86400
        for action in control.actions():
            key = (tod, str(action))
            seen.setdefault(key, (action, control.priority))
        removed.append(name)
    for name in removed:
        wn.remove_control(name)
    for k, ((tod, _), (action, priority)) in enumerate(sorted(seen.items(), key=lambda kv: kv[0])):
        condition = wntr.network.controls.TimeOfDayCondition(wn, "=", tod)
        wn.add_control(f"daily_{k}", wntr.network.controls.Control(condition, action, priority))
    return len(seen)
