"""The network's single-line topology: buses with positions, lines and transformers.

Bus positions come from the pandapower net's geodata (``net.bus.geo``, GeoJSON points) when
every bus has one; otherwise a deterministic layered tree layout is computed from the topology:
a breadth-first tree from the slack bus over the closed branches, depth down the y axis, leaves
side by side in the order of their bus index and each parent centred over its children.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)


class LayoutSource(StrEnum):
    """Where the bus positions of a diagram come from."""

    GEODATA = "geodata"
    TOPOLOGY = "topology"


@dataclass(frozen=True)
class Topology:
    """Buses and branches of a network, ready to draw.

    Attributes:
        buses: bus (pandapower index), name, vn_kv, x, y.
        branches: kind ("line"/"trafo"), element (pandapower index), name, from_bus, to_bus,
            closed (False for a line behind an open switch).
        slack_bus: the external grid's bus.
        layout: where the positions come from.
    """

    buses: pd.DataFrame
    branches: pd.DataFrame
    slack_bus: int
    layout: LayoutSource


def _point(geo: Any) -> tuple[float, float] | None:
    """(x, y) of a GeoJSON point (a string or a mapping); None when absent or not a point."""
    if geo is None or (isinstance(geo, float) and np.isnan(geo)):
        return None
    try:
        data = json.loads(geo) if isinstance(geo, str) else dict(geo)
        x, y = data["coordinates"][:2]
        return float(x), float(y)
    except (ValueError, KeyError, TypeError):
        return None


def tree_layout(
    buses: list[int], edges: list[tuple[int, int]], root: int
) -> dict[int, tuple[float, float]]:
    """Layered tree positions: depth from ``root`` down the y axis, leaves spaced by 1 on x.

    Buses the root does not reach (behind open switches) form their own trees, laid out to the
    right, each from its lowest bus index.

    Example:
        >>> tree_layout([0, 1, 2], [(0, 1), (0, 2)], 0)
        {0: (0.5, 0.0), 1: (0.0, -1.0), 2: (1.0, -1.0)}
    """
    graph = nx.Graph()
    graph.add_nodes_from(buses)
    graph.add_edges_from(edges)
    positions: dict[int, tuple[float, float]] = {}
    next_x = [0.0]

    def place(tree: nx.DiGraph, node: int, depth: int) -> float:
        children = sorted(tree.successors(node))
        if not children:
            x = next_x[0]
            next_x[0] += 1.0
        else:
            xs = [place(tree, child, depth + 1) for child in children]
            x = (min(xs) + max(xs)) / 2.0
        positions[node] = (x, -float(depth))
        return x

    roots = [root, *sorted(b for b in buses if b != root)]
    for start in roots:
        if start in positions:
            continue
        place(nx.bfs_tree(graph, start), start, 0)
    return positions


def topology_of(net: Any, *, use_geodata: bool = True) -> Topology:
    """Buses, branches and positions of a pandapower net (see the module docstring)."""
    bus = net.bus
    slack = int(net.ext_grid.bus.iloc[0])
    open_lines = set(
        int(e)
        for e in net.switch.loc[(net.switch.et == "l") & ~net.switch.closed.astype(bool), "element"]
    )
    lines = pd.DataFrame(
        {
            "kind": "line",
            "element": [int(i) for i in net.line.index],
            "name": net.line["name"].astype(str).to_numpy(),
            "from_bus": net.line.from_bus.astype(int).to_numpy(),
            "to_bus": net.line.to_bus.astype(int).to_numpy(),
            "closed": [
                bool(s) and int(i) not in open_lines
                for i, s in zip(net.line.index, net.line.in_service, strict=True)
            ],
        }
    )
    trafos = pd.DataFrame(
        {
            "kind": "trafo",
            "element": [int(i) for i in net.trafo.index],
            "name": net.trafo["name"].astype(str).to_numpy(),
            "from_bus": net.trafo.hv_bus.astype(int).to_numpy(),
            "to_bus": net.trafo.lv_bus.astype(int).to_numpy(),
            "closed": net.trafo.in_service.astype(bool).to_numpy(),
        }
    )
    branches = pd.concat([lines, trafos], ignore_index=True)
    points = (
        {int(i): _point(g) for i, g in bus["geo"].items()}
        if use_geodata and "geo" in bus.columns
        else {}
    )
    if points and all(p is not None for p in points.values()):
        positions = {i: p for i, p in points.items() if p is not None}
        source = LayoutSource.GEODATA
    else:
        closed = branches[branches["closed"]]
        edges = list(zip(closed["from_bus"].astype(int), closed["to_bus"].astype(int), strict=True))
        positions = tree_layout([int(i) for i in bus.index], edges, slack)
        source = LayoutSource.TOPOLOGY
    buses = pd.DataFrame(
        {
            "bus": [int(i) for i in bus.index],
            "name": bus["name"].astype(str).to_numpy(),
            "vn_kv": bus.vn_kv.astype(float).to_numpy(),
            "x": [positions[int(i)][0] for i in bus.index],
            "y": [positions[int(i)][1] for i in bus.index],
        }
    )
    return Topology(buses=buses, branches=branches, slack_bus=slack, layout=source)
