"""Value objects of the water package: sensors, leaks, detections (units in field names)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd


class SensorKind(StrEnum):
    """What a telemetry sensor measures: the prefix of its name (``pressure:<node>``)."""

    PRESSURE = "pressure"  # at a node, metres of water head (m) inside the package
    FLOW = "flow"  # through a link, m³/h inside the package (sign: the link's direction)


class LeakKind(StrEnum):
    """How a leak develops."""

    ABRUPT = "abrupt"  # a burst: full flow from its start
    INCIPIENT = "incipient"  # slowly growing: flow rises over days


@dataclass(frozen=True)
class Sensor:
    """One telemetry sensor.

    Attributes:
        kind: pressure (node) or flow (link).
        element: the node or link name in the network model.
    """

    kind: SensorKind
    element: str

    @property
    def name(self) -> str:
        """The sensor's name in telemetry files, e.g. ``pressure:J-12``."""
        return f"{self.kind.value}:{self.element}"

    @classmethod
    def parse(cls, name: str) -> Sensor:
        """Parse ``pressure:<node>`` or ``flow:<link>``; raises ValueError otherwise.

        Example:
            >>> Sensor.parse("flow:10").kind
            <SensorKind.FLOW: 'flow'>
        """
        kind, sep, element = str(name).partition(":")
        if not sep or not element.strip():
            raise ValueError(f"sensor {name!r} is not 'pressure:<node>' or 'flow:<link>'")
        try:
            return cls(SensorKind(kind.strip().lower()), element.strip())
        except ValueError as err:
            raise ValueError(
                f"sensor {name!r}: unknown kind {kind!r}; expected 'pressure' or 'flow'"
            ) from err


@dataclass(frozen=True)
class LeakSpec:
    """A leak to simulate (ground truth of a labelled scenario).

    Attributes:
        node: the junction where water escapes.
        start: when it starts (aware).
        kind: abrupt (full flow at once) or incipient (linear growth over ``ramp_h``).
        flow_m3_per_h: the full leak flow. When ``area_m2`` is given instead, the flow
            follows WNTR's leak model Q = Cd·A·sqrt(2·g·p) at the node's mean pressure.
        area_m2: orifice area of the leak (WNTR leak model).
        discharge_coeff: Cd of the WNTR leak model.
        ramp_h: hours an incipient leak takes to reach its full flow.
        end: when it is repaired (None: runs to the end of the simulation).
    """

    node: str
    start: pd.Timestamp
    kind: LeakKind = LeakKind.ABRUPT
    flow_m3_per_h: float | None = None
    area_m2: float | None = None
    discharge_coeff: float = 0.75
    ramp_h: float = 72.0
    end: pd.Timestamp | None = None


@dataclass(frozen=True)
class LeakDetection:
    """A leak found in telemetry.

    Attributes:
        start: estimated start of the leak (aware, UTC).
        detected_at: when the detector raised the alarm (only data up to then was used).
        location: the most likely node.
        pipe: the most likely pipe next to ``location`` (empty when it has none).
        kind: abrupt or incipient.
        estimated_flow_m3_per_h: leak flow at the end of the evidence window.
        score: signal-to-noise ratio of the leak flow estimate over the evidence window.
        confidence_nodes: nodes that explain the residuals nearly as well (the confidence area).
        confidence_radius_m: the largest pipe distance from ``location`` to a confidence node.
    """

    start: pd.Timestamp
    detected_at: pd.Timestamp
    location: str
    pipe: str
    kind: LeakKind
    estimated_flow_m3_per_h: float
    score: float
    confidence_nodes: tuple[str, ...] = field(default_factory=tuple)
    confidence_radius_m: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The JSON form of ``kof water leaks``: start, location, kind, flow, score and extras."""
        out = asdict(self)
        out["start"] = self.start.isoformat()
        out["detected_at"] = self.detected_at.isoformat()
        out["kind"] = self.kind.value
        out["estimated_flow_m3_per_h"] = round(self.estimated_flow_m3_per_h, 3)
        out["score"] = round(self.score, 3)
        out["confidence_nodes"] = list(self.confidence_nodes)
        out["confidence_radius_m"] = round(self.confidence_radius_m, 1)
        return out
