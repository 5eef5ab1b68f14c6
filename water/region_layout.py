"""Geometry and sizing of the reference region's water network: where the DMAs and their
buildings lie, the pipe trees and loops between them, the terrain and the pipe diameters.

Pure computation (no store, no WNTR): ``water.region_network`` reads the store and assembles
the EPANET model from these pieces. Coordinates are metres on a plane with the water treatment
plant at the origin; elevations are metres above sea level.

Figures (each cited or marked as an assumption):

- Mains per service connection: 32.1 m in cities, 66.0 m in rural areas (GUS 2020, derived in
  ``core.region.figures``); a DMA's buildings sit on a jittered grid of that spacing, so its
  spanning tree is about that long per building.
- Kielce lies at roughly 260-300 m a.s.l. (the Kielce-Suków station is at 260 m, REFERENCE_FIGURES
  §10); the terrain here is a gentle surface of 270-290 m (assumption: the band is kept narrow so
  that one pressure zone serves the whole region).
- Kielce covers 109.65 km² (REFERENCE_FIGURES §1a), a disc of ~5.9 km radius: the city's DMAs
  lie 1.5-4.5 km from the plant; the rural gminas' 7-11 km (assumption).
- Design velocity at most 1.0 m/s and hydraulic gradient at most 2 m/km at the peak hour
  (assumption: usual distribution design keeps 0.5-1.5 m/s; the gradient limit keeps the spread
  of service pressures within one zone's band). Standard DN 100-1000 mm with the internal
  diameter taken as the nominal one (assumption); DN 100 is the smallest main (it carries a
  hydrant, assumption).
- Hazen-Williams C = 120 (assumption: aged mixed cast-iron/PE network; EPANET 2.2 manual, table
  of roughness coefficients for new pipe: cast iron 130-140, plastic 140-150).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.spatial import Delaunay, QhullError

from core.region import figures as fig

logger = logging.getLogger(__name__)

CITY_RADIUS_M = (1500.0, 4500.0)
RURAL_RADIUS_M = (7000.0, 11000.0)
SPACING_CITY_M = fig.MAINS_M_PER_CONNECTION_CITY
SPACING_RURAL_M = fig.MAINS_M_PER_CONNECTION_RURAL
GRID_JITTER_SHARE = 0.3  # of the spacing, each way (assumption)
ENTRY_CLEARANCE_M = 150.0  # trunk node to the DMA's nearest edge (assumption)
LOOP_SHARE = 0.1  # loop closures per node of a tree (assumption: a mostly branched network)
LOOP_MAX_SPACINGS = 2.0  # a closure is at most this many grid spacings long (assumption)
MIN_PIPE_LENGTH_M = 5.0

TERRAIN_MEAN_M = 280.0
TERRAIN_AMPLITUDE_M = 10.0
TERRAIN_WAVELENGTH_M = (3000.0, 9000.0)
TERRAIN_WAVES = 3

DN_MM = (100, 125, 150, 200, 250, 300, 400, 500, 600, 800, 1000)
V_MAX_M_PER_S = 1.0
GRADIENT_MAX_M_PER_KM = 2.0
HAZEN_WILLIAMS_C = 120.0


@dataclass(frozen=True)
class DmaPlace:
    """Where a DMA lies.

    Attributes:
        centre_xy_m: its entry node (the inflow meter's chamber), metres.
        trunk_xy_m: the trunk main's node its entry pipe starts from.
        buildings_xy_m: one row per building, in the order given.
    """

    centre_xy_m: tuple[float, float]
    trunk_xy_m: tuple[float, float]
    buildings_xy_m: np.ndarray


def dma_angles_rad(n: int, rng: np.random.Generator) -> np.ndarray:
    """One direction per DMA: equal sectors turned by a random angle, each jittered within
    its sector."""
    turn = rng.uniform(0.0, 2.0 * math.pi)
    jitter = rng.uniform(-0.3, 0.3, size=n)
    return turn + 2.0 * math.pi * (np.arange(n) + jitter) / max(n, 1)


def grid_positions_m(n: int, spacing_m: float, rng: np.random.Generator) -> np.ndarray:
    """``n`` points of a jittered square grid nearest to the origin, origin excluded, turned
    by a random angle: (n, 2) metres."""
    half = math.ceil(math.sqrt(n + 1) / 2.0) + 1
    ij = np.array([(i, j) for i in range(-half, half + 1) for j in range(-half, half + 1)])
    ij = ij[(ij[:, 0] != 0) | (ij[:, 1] != 0)]
    order = np.lexsort((ij[:, 1], ij[:, 0], np.hypot(ij[:, 0], ij[:, 1])))
    pts = ij[order[:n]].astype(float) * spacing_m
    pts += rng.uniform(-GRID_JITTER_SHARE, GRID_JITTER_SHARE, size=pts.shape) * spacing_m
    a = rng.uniform(0.0, 2.0 * math.pi)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return pts @ rot.T


def place_dmas(
    buildings: Sequence[int], rural: Sequence[bool], rng: np.random.Generator
) -> list[DmaPlace]:
    """Place each DMA (``buildings[k]`` buildings, rural or city) around the plant at the
    origin: its entry node on a ray, its buildings on a grid around it, its trunk node on the
    ray towards the plant, ``ENTRY_CLEARANCE_M`` beyond its nearest building."""
    angles = dma_angles_rad(len(buildings), rng)
    places = []
    for n, is_rural, angle in zip(buildings, rural, angles, strict=True):
        lo, hi = RURAL_RADIUS_M if is_rural else CITY_RADIUS_M
        radius = rng.uniform(lo, hi)
        unit = np.array([math.cos(angle), math.sin(angle)])
        centre = radius * unit
        spacing = SPACING_RURAL_M if is_rural else SPACING_CITY_M
        pts = centre + grid_positions_m(n, spacing, rng)
        reach = float(np.max(pts @ -unit - centre @ -unit, initial=0.0))
        trunk = centre - (reach + ENTRY_CLEARANCE_M) * unit
        places.append(DmaPlace(_xy(centre), _xy(trunk), pts))
    return places


def _xy(p: np.ndarray) -> tuple[float, float]:
    return float(p[0]), float(p[1])


def terrain_m(xy_m: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Elevation (m a.s.l.) at each point of (n, 2): a sum of ``TERRAIN_WAVES`` plane waves of
    random direction, wavelength and phase, within ``TERRAIN_MEAN_M ± TERRAIN_AMPLITUDE_M``."""
    weights = rng.uniform(0.5, 1.0, size=TERRAIN_WAVES)
    weights /= weights.sum()
    z = np.zeros(len(xy_m))
    for w in weights:
        direction = rng.uniform(0.0, 2.0 * math.pi)
        k = 2.0 * math.pi / rng.uniform(*TERRAIN_WAVELENGTH_M)
        phase = rng.uniform(0.0, 2.0 * math.pi)
        along = xy_m[:, 0] * math.cos(direction) + xy_m[:, 1] * math.sin(direction)
        z += w * np.sin(k * along + phase)
    return TERRAIN_MEAN_M + TERRAIN_AMPLITUDE_M * z


def _candidate_edges(xy_m: np.ndarray) -> list[tuple[int, int, float]]:
    """Delaunay edges (every pair for fewer than four or collinear points) with lengths."""
    n = len(xy_m)
    pairs: set[tuple[int, int]] = set()
    if n >= 4:
        try:
            for simplex in Delaunay(xy_m).simplices:
                for a in range(3):
                    i, j = sorted((int(simplex[a]), int(simplex[(a + 1) % 3])))
                    pairs.add((i, j))
        except QhullError:
            pairs.clear()
    if not pairs:
        pairs = {(i, j) for i in range(n) for j in range(i + 1, n)}
    return [(i, j, float(np.hypot(*(xy_m[i] - xy_m[j])))) for i, j in sorted(pairs)]


def radial_tree(xy_m: np.ndarray) -> list[tuple[int, int]]:
    """A tree from point 0 outwards: each point, nearest first, joins the nearest of the points
    nearer to point 0 than itself, so every path runs away from the root (mains radiating from
    a plant, unlike a spanning tree's long chains).

    Example:
        >>> radial_tree(np.array([[0.0, 0.0], [3.0, 0.0], [1.0, 0.0], [0.0, -2.0]]))
        [(0, 2), (0, 3), (1, 2)]
    """
    order = np.argsort(np.hypot(*(xy_m - xy_m[0]).T), kind="stable")
    edges = []
    for k in range(1, len(order)):
        placed = order[:k]
        d = np.hypot(*(xy_m[placed] - xy_m[order[k]]).T)
        i, j = sorted((int(placed[int(np.argmin(d))]), int(order[k])))
        edges.append((i, j))
    return sorted(edges)


def tree_and_loops(
    xy_m: np.ndarray, max_loop_m: float | None = None, *, radial: bool = False
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """A minimum spanning tree (or with ``radial`` a ``radial_tree`` from point 0) over the
    points and the shortest other Delaunay edges as loop closures (``LOOP_SHARE`` per point,
    none longer than ``max_loop_m``).

    Returns:
        The tree's edges and the loop closures, as index pairs.

    Example:
        >>> tree, loops = tree_and_loops(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
        >>> sorted(tree), loops
        ([(0, 1), (0, 2)], [])
    """
    edges = _candidate_edges(xy_m)
    graph = nx.Graph()
    graph.add_nodes_from(range(len(xy_m)))
    graph.add_weighted_edges_from(edges)
    if radial:
        tree = radial_tree(xy_m)
    else:
        tree = sorted(tuple(sorted(e)) for e in nx.minimum_spanning_edges(graph, data=False))
    in_tree = set(tree)
    spare = sorted(
        (length, i, j)
        for i, j, length in edges
        if (i, j) not in in_tree and (max_loop_m is None or length <= max_loop_m)
    )
    loops = [(i, j) for _, i, j in spare[: int(LOOP_SHARE * len(xy_m))]]
    return tree, loops


def subtree_sums(
    edges: Sequence[tuple[int, int]], root: int, values: Sequence[float]
) -> dict[tuple[int, int], float]:
    """For each edge of a tree, the sum of ``values`` on its side away from ``root`` (the flow
    the edge carries when every node draws its value from the root)."""
    graph = nx.Graph(list(edges))
    graph.add_nodes_from(range(len(values)))
    below = dict(enumerate(float(v) for v in values))
    parent = dict(nx.bfs_predecessors(graph, root))
    for node in reversed(list(nx.bfs_tree(graph, root))):
        if node in parent:
            below[parent[node]] += below[node]
    return {(i, j): below[j] if parent.get(j) == i else below[i] for i, j in edges}


def hw_gradient_m_per_km(flow_m3_per_h: float, dn_mm: float, c: float = HAZEN_WILLIAMS_C) -> float:
    """Hazen-Williams head loss per km (SI form, EPANET 2.2 manual: h = 10.667 C^-1.852
    d^-4.871 L q^1.852).

    Example:
        >>> round(hw_gradient_m_per_km(28.27, 100), 1)  # 1 m/s in DN 100
        14.1
    """
    q = flow_m3_per_h / 3600.0
    d = dn_mm / 1000.0
    return 1000.0 * 10.667 * c**-1.852 * d**-4.871 * q**1.852


def velocity_m_per_s(flow_m3_per_h: float, dn_mm: float) -> float:
    """Mean velocity in a full pipe of internal diameter ``dn_mm``."""
    return flow_m3_per_h / 3600.0 / (math.pi * (dn_mm / 1000.0) ** 2 / 4.0)


def size_dn_mm(peak_flow_m3_per_h: float) -> int:
    """The smallest standard DN that keeps the peak flow within ``V_MAX_M_PER_S`` and
    ``GRADIENT_MAX_M_PER_KM`` (the largest DN, with a warning, when none does).

    Example:
        >>> size_dn_mm(1.0), size_dn_mm(100.0), size_dn_mm(1000.0)
        (100, 250, 600)
    """
    for dn in DN_MM:
        if (
            velocity_m_per_s(peak_flow_m3_per_h, dn) <= V_MAX_M_PER_S
            and hw_gradient_m_per_km(peak_flow_m3_per_h, dn) <= GRADIENT_MAX_M_PER_KM
        ):
            return dn
    logger.warning(
        "peak flow %.0f m3/h exceeds DN %d at %.1f m/s; the pipe is undersized",
        peak_flow_m3_per_h,
        DN_MM[-1],
        V_MAX_M_PER_S,
    )
    return DN_MM[-1]
