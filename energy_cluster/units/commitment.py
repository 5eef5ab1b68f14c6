"""Unit commitment for ``count`` identical units: on/start/stop, minimum up and down times with
history from before the window, start-up costs and ramp limits.

Clustered formulation (exact for count = 1)::

    on[t] - on[t-1] = start[t] - stop[t]
    sum(start[t-U+1 .. t]) <= on[t]              (minimum up time, U steps)
    sum(stop[t-D+1 .. t]) <= count - on[t]       (minimum down time, D steps)
    y[t] - y[t-1] <= R_up*dt*(on[t]-start[t]) + SU*start[t]
    y[t-1] - y[t] <= R_dn*dt*on[t] + SD*stop[t]

Starts and stops before the window enter through the mutable Params ``hist_start[k]`` and
``hist_stop[k]`` (k steps before the window), so a rolling horizon carries them without rebuilding.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyomo.environ as pyo

from energy_cluster.config_units import CommitmentConfig
from energy_cluster.enums import CostCategory
from energy_cluster.units.base import Schedule, State, UnitBlock

TOL = 1e-6


class Commitment:
    """The commitment variables of one unit block.

    Attributes:
        on: units on per step (binary when count is 1, else integer 0..count).
        start, stop: units started/stopped at the beginning of each step.
    """

    def __init__(self, block: UnitBlock, cfg: CommitmentConfig, y_min_mw: float):
        self.block = block
        self.cfg = cfg
        self.count = cfg.count
        self.y_min_mw = y_min_mw
        dt = block.dt
        self.up_steps = max(1, math.ceil(cfg.min_up_h / dt - 1e-9))
        self.down_steps = max(1, math.ceil(cfg.min_down_h / dt - 1e-9))
        within = pyo.Binary if cfg.count == 1 else pyo.NonNegativeIntegers
        self.on = block.var("on", within=within, bounds=(0, cfg.count))
        self.start = block.var("start", bounds=(0, cfg.count))
        self.stop = block.var("stop", bounds=(0, cfg.count))
        self.init_on = block.param("init_on", float(cfg.initial_on))
        self.hist_start = block.param("hist_start", 0.0, index=range(1, self.up_steps + 1))
        self.hist_stop = block.param("hist_stop", 0.0, index=range(1, self.down_steps + 1))
        self._set_history_from_config()
        self._build()

    def _build(self) -> None:
        b, on, start, stop = self.block, self.on, self.start, self.stop
        count, up, down = self.count, self.up_steps, self.down_steps

        def transition(m: Any, t: int) -> Any:
            previous = on[t - 1] if t > 0 else self.init_on
            return on[t] - previous == start[t] - stop[t]

        b.con("transition", transition)
        if up > 1:

            def min_up(m: Any, t: int) -> Any:
                recent = sum(start[s] for s in range(max(0, t - up + 1), t + 1))
                older = sum(self.hist_start[k] for k in range(1, up - t) if k <= up - 1)
                return recent + older <= on[t]

            b.con("min_up", min_up)
        if down > 1:

            def min_down(m: Any, t: int) -> Any:
                recent = sum(stop[s] for s in range(max(0, t - down + 1), t + 1))
                older = sum(self.hist_stop[k] for k in range(1, down - t) if k <= down - 1)
                return recent + older <= count - on[t]

            b.con("min_down", min_down)
        if self.cfg.startup_cost_pln:
            cost = self.cfg.startup_cost_pln
            b.ctx.add_cost(b.name, CostCategory.STARTUP, lambda t: cost * start[t])

    def add_ramps(self, y: Any, y_max_mw: float) -> None:
        """Ramp limits on the unit's output ``y`` (MW, all ``count`` units together)."""
        b, cfg, dt = self.block, self.cfg, self.block.dt
        initial = cfg.initial_output_mw
        if initial is None:
            initial = cfg.initial_on * self.y_min_mw
        self.init_y = b.param("init_output_mw", float(initial))
        if cfg.ramp_up_mw_per_h is not None:
            r_up = cfg.ramp_up_mw_per_h * dt
            su = min(y_max_mw, max(self.y_min_mw, r_up))

            def ramp_up(m: Any, t: int) -> Any:
                previous = y[t - 1] if t > 0 else self.init_y
                return y[t] - previous <= r_up * (self.on[t] - self.start[t]) + su * self.start[t]

            b.con("ramp_up", ramp_up)
        if cfg.ramp_down_mw_per_h is not None:
            r_dn = cfg.ramp_down_mw_per_h * dt
            sd = min(y_max_mw, max(self.y_min_mw, r_dn))

            def ramp_down(m: Any, t: int) -> Any:
                previous = y[t - 1] if t > 0 else self.init_y
                return previous - y[t] <= r_dn * self.on[t] + sd * self.stop[t]

            b.con("ramp_down", ramp_down)

    # ---- state --------------------------------------------------------------------------
    def _set_history_from_config(self) -> None:
        cfg, dt = self.cfg, self.block.dt
        ago = max(1, math.ceil(cfg.initial_hours_in_state / dt - 1e-9))
        if cfg.initial_on > 0 and ago <= self.up_steps:
            self.hist_start[ago] = float(cfg.initial_on)
        if cfg.initial_on < cfg.count and ago <= self.down_steps:
            self.hist_stop[ago] = float(cfg.count - cfg.initial_on)

    def initial_state(self) -> State:
        self._set_history_from_config()
        initial = self.cfg.initial_output_mw
        if initial is None:
            initial = self.cfg.initial_on * self.y_min_mw
        return {
            "on": float(self.cfg.initial_on),
            "output_mw": float(initial),
            "hist_start": [pyo.value(self.hist_start[k]) for k in range(1, self.up_steps + 1)],
            "hist_stop": [pyo.value(self.hist_stop[k]) for k in range(1, self.down_steps + 1)],
        }

    def state_after(self, k: int, y: Any | None) -> State:
        """Commitment state at the end of step k: units on, output, recent starts/stops."""
        starts = [
            self._recent(self.start, self.hist_start, k, j) for j in range(1, self.up_steps + 1)
        ]
        stops = [
            self._recent(self.stop, self.hist_stop, k, j) for j in range(1, self.down_steps + 1)
        ]
        return {
            "on": float(round(self.on[k].value or 0.0)),
            "output_mw": float(y[k].value or 0.0) if y is not None else 0.0,
            "hist_start": starts,
            "hist_stop": stops,
        }

    @staticmethod
    def _recent(var: Any, hist: Any, k: int, j: int) -> float:
        """Starts (or stops) j steps before step k+1: inside the window or from its history."""
        step = k - j + 1
        if step >= 0:
            return float(max(0.0, round(var[step].value or 0.0, 6)))
        older = j - (k + 1)
        return float(pyo.value(hist[older])) if older in hist else 0.0

    def set_state(self, state: State) -> None:
        self.init_on.set_value(state["on"])
        for k, v in enumerate(state["hist_start"], start=1):
            self.hist_start[k].set_value(v)
        for k, v in enumerate(state["hist_stop"], start=1):
            self.hist_stop[k].set_value(v)
        if hasattr(self, "init_y"):
            self.init_y.set_value(state["output_mw"])

    # ---- analysis -----------------------------------------------------------------------
    def startups(self, schedule: Schedule) -> float:
        on = schedule["on"]
        previous = np.r_[pyo.value(self.init_on), on[:-1]]
        return float(np.maximum(0.0, np.round(on - previous)).sum())

    def held_off(self, t: int, schedule: Schedule) -> bool:
        """True when the minimum down time keeps some units off at step t."""
        if self.down_steps <= 1:
            return False
        stops = schedule["stop"]
        recent = stops[max(0, t - self.down_steps + 1) : t + 1].sum()
        older = sum(
            pyo.value(self.hist_stop[k])
            for k in range(1, self.down_steps - t)
            if k <= self.down_steps - 1
        )
        return (
            recent + older >= self.count - schedule["on"][t] - TOL
            and schedule["on"][t] < self.count - TOL
        )


class CommittedBlock(UnitBlock):
    """A unit block whose optional commitment ``uc`` carries its state between windows.

    Subclasses set ``self.uc`` (a ``Commitment`` or None) in ``build`` and name the output
    variable the ramp and up/down history follow in ``_uc_output``.
    """

    uc: Commitment | None

    def _uc_output(self) -> Any:
        raise NotImplementedError

    def initial_state(self) -> State:
        return {"uc": self.uc.initial_state()} if self.uc else {}

    def state_after(self, k: int) -> State:
        return {"uc": self.uc.state_after(k, self._uc_output())} if self.uc else {}

    def set_state(self, state: State) -> None:
        if self.uc and "uc" in state:
            self.uc.set_state(state["uc"])

    def held_off_reason(self, t: int, schedule: Schedule) -> str | None:
        """Why the unit was off at step t, when its minimum down time kept it off."""
        if self.uc is not None and self.uc.held_off(t, schedule):
            return f"kept off by its minimum down time ({self.cfg.min_down_h:g} h)"  # type: ignore[attr-defined]
        return None
