"""Piecewise-linear fuel curves from part-load efficiencies, without SOS constraints.

Breakpoints ``b_0 = x_min < b_1 < ... < b_K = x_max`` of the output x, fuel ``F(b_k)``::

    x = x_min*on + sum(delta_k),   0 <= delta_k <= L_k*on
    F = F(x_min)*on + sum(s_k*delta_k)

A convex curve (slopes non-decreasing) needs nothing more: a cost-minimising solve fills the
segments in order. A non-convex curve (a single unit only) adds binaries ``z_k`` with
``delta_k >= L_k*z_k`` and ``delta_{k+1} <= L_{k+1}*z_k`` (the incremental formulation), since
HiGHS does not accept SOS2 constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyomo.environ as pyo

from energy_cluster.config_units import PartLoadPoint
from energy_cluster.units.base import UnitBlock

SLOPE_TOL = 1e-9


@dataclass(frozen=True)
class FuelCurve:
    """Fuel use per unit: breakpoints of output (MW) and fuel (fuel units per hour)."""

    x: tuple[float, ...]
    fuel: tuple[float, ...]

    @property
    def slopes(self) -> np.ndarray:
        return np.diff(self.fuel) / np.diff(self.x)

    @property
    def convex(self) -> bool:
        s = self.slopes
        return bool(np.all(np.diff(s) >= -SLOPE_TOL)) if len(s) > 1 else True

    def fuel_at(self, x: np.ndarray) -> np.ndarray:
        """Fuel per unit at output x (linear between breakpoints)."""
        return np.interp(x, self.x, self.fuel)


def make_curve(
    x_min: float, x_max: float, eta: float | None, points: list[PartLoadPoint] | None
) -> FuelCurve:
    """The fuel curve of one unit from a constant efficiency or part-load points.

    Fuel at a point is ``x / eta``; below the first point it is extrapolated along the first
    segment (or proportionally, with one point).
    """
    if points is None:
        assert eta is not None
        return FuelCurve((x_min, x_max), (x_min / eta, x_max / eta))
    px = np.array([p.load * x_max for p in points])
    pf = px / np.array([p.eta for p in points])
    if len(px) == 1:
        f_min = x_min / points[0].eta
    elif x_min < px[0]:
        slope = (pf[1] - pf[0]) / (px[1] - px[0])
        f_min = max(0.0, pf[0] - slope * (px[0] - x_min))
    else:
        f_min = float(np.interp(x_min, px, pf))
    keep = px > x_min + 1e-9
    xs = (x_min, *px[keep].tolist())
    fs = (f_min, *pf[keep].tolist())
    return FuelCurve(tuple(float(v) for v in xs), tuple(float(v) for v in fs))


def add_fuel_curve(
    block: UnitBlock, x: Any, on: Any | None, count: int, curve: FuelCurve, fuel: Any
) -> None:
    """Constrain ``fuel[t]`` to the curve of ``x[t]`` (``on`` None: the unit cannot be off...).

    Args:
        block: the unit's block builder.
        x: output variable (MW, all units together).
        on: units on (None when the curve starts at 0 and needs no commitment).
        count: number of identical units.
        curve: the per-unit curve.
        fuel: fuel variable (fuel units per hour, all units together).
    """
    lengths = np.diff(curve.x)
    slopes = curve.slopes
    segments = range(len(lengths))
    x0, f0 = curve.x[0], curve.fuel[0]
    if on is None:
        if x0 > 1e-12 or f0 > 1e-12:
            raise ValueError(f"{block.name}: a curve with a minimum load needs a commitment")
        if len(lengths) == 1:
            block.con("fuel_curve", lambda m, t: fuel[t] == float(slopes[0]) * x[t])
            return
    delta = pyo.Var(block.ctx.T, segments, within=pyo.NonNegativeReals)
    block.ctx.m.add_component(f"{block.name}-segment_mw", delta)
    scale = (lambda t: on[t]) if on is not None else (lambda t: float(count))

    block.con(
        "segment_max",
        lambda m, t, k: delta[t, k] <= float(lengths[k]) * scale(t),
        index=block.ctx.T * segments,
    )
    block.con(
        "load_from_segments",
        lambda m, t: (
            x[t] == x0 * (on[t] if on is not None else 0.0) + sum(delta[t, k] for k in segments)
        ),
    )
    block.con(
        "fuel_curve",
        lambda m, t: (
            fuel[t]
            == f0 * (on[t] if on is not None else 0.0)
            + sum(float(slopes[k]) * delta[t, k] for k in segments)
        ),
    )
    if curve.convex or len(lengths) == 1:
        return
    if count != 1:
        raise ValueError(f"{block.name}: a non-convex part-load curve needs count = 1")
    fill = range(len(lengths) - 1)
    z = pyo.Var(block.ctx.T, fill, within=pyo.Binary)
    block.ctx.m.add_component(f"{block.name}-segment_full", z)
    idx = block.ctx.T * fill
    block.con("segment_fill", lambda m, t, k: delta[t, k] >= float(lengths[k]) * z[t, k], index=idx)
    block.con(
        "segment_order",
        lambda m, t, k: delta[t, k + 1] <= float(lengths[k + 1]) * z[t, k],
        index=idx,
    )
