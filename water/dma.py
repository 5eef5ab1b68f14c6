"""District metered areas (DMAs): parts of the network closed by flow meters.

A DMA is a set of junctions that every path from a reservoir or tank leaves through a metered
link. Its net inflow (the boundary meters, signed into the area) is its consumption plus its
leakage, exactly, whatever the pumps and tanks outside do: the most leak-sensitive quantity a
utility measures, and the system input of the area's water balance.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from water.model import Sensor, SensorKind
from water.network import WaterNetwork

logger = logging.getLogger(__name__)

INFLOW_PREFIX = "dma_inflow"


@dataclass(frozen=True)
class MeteredArea:
    """A DMA found from the network and its flow meters.

    Attributes:
        name: ``A1``, ``A2`` ... by decreasing size.
        nodes: its junctions.
        inflows: (link, sign): +1 where the link's positive direction points into the area.
    """

    name: str
    nodes: frozenset[str]
    inflows: tuple[tuple[str, int], ...]

    @property
    def sensor_name(self) -> str:
        """The virtual sensor of its net inflow, e.g. ``dma_inflow:A1`` (m³/h)."""
        return f"{INFLOW_PREFIX}:{self.name}"


def metered_areas(network: WaterNetwork, flow_links: Iterable[str]) -> list[MeteredArea]:
    """The DMAs that the metered links close off (areas holding no reservoir or tank).

    Args:
        network: the model.
        flow_links: links with a flow meter.
    """
    metered = set(flow_links)
    graph = nx.Graph()
    graph.add_nodes_from(network.wn.node_name_list)
    for name, link in network.wn.links():
        if name not in metered:
            graph.add_edge(link.start_node_name, link.end_node_name)
    sources = set(network.sources)
    junctions = set(network.junctions)
    found = []
    for component in nx.connected_components(graph):
        if component & sources or not component & junctions:
            continue
        inflows = []
        for name in sorted(metered):
            link = network.wn.get_link(name)
            start_in, end_in = link.start_node_name in component, link.end_node_name in component
            if start_in != end_in:
                inflows.append((name, 1 if end_in else -1))
        demand = sum(
            float(network.wn.get_node(n).base_demand or 0.0) for n in component & junctions
        )
        if inflows and demand > 0:
            found.append((frozenset(component & junctions), tuple(inflows)))
    found.sort(key=lambda item: -len(item[0]))
    areas = [MeteredArea(f"A{i + 1}", nodes, inflows) for i, (nodes, inflows) in enumerate(found)]
    for area in areas:
        logger.info(
            "metered area %s: %d junctions, inflow meters %s",
            area.name,
            len(area.nodes),
            ", ".join(link for link, _ in area.inflows),
        )
    return areas


def area_inflows(wide: pd.DataFrame, areas: Sequence[MeteredArea]) -> pd.DataFrame:
    """Net inflow (m³/h) of each area from the flow columns (``flow:<link>``) of ``wide``."""
    out = {}
    for area in areas:
        total = pd.Series(0.0, index=wide.index)
        for link, sign in area.inflows:
            total = total + sign * wide[Sensor(SensorKind.FLOW, link).name]
        out[area.sensor_name] = total
    return pd.DataFrame(out, index=wide.index)


def area_sensitivity(areas: Sequence[MeteredArea], candidates: Sequence[str]) -> np.ndarray:
    """(n_areas, n_candidates): 1 m³/h more inflow per m³/h leaked inside the area, else 0."""
    return np.array([[1.0 if c in area.nodes else 0.0 for c in candidates] for area in areas])
