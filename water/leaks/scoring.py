"""Detections against the truth of a labelled scenario, counted the way a utility counts.

A true leak is detected when a detection's alarm comes after the leak started and before it
ended; that detection's location error is the pipe distance from its node to the leak. The
money: every located detection (the leak within ``search_radius_m`` of the reported node, or
inside a confidence area no wider than that) saves the water the leak would have lost until
the utility found it without the detector (``awareness_h`` after its start: bursts surface or
are reported, hidden leaks wait for the next active leakage control survey). Every alarm that
matches no leak, or sends the crew to the wrong place, costs a crew call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from water.model import LeakDetection, LeakKind, LeakSpec
from water.network import WaterNetwork


class CostSettings(BaseModel):
    """Prices and habits behind the money score.

    Attributes:
        water_cost_pln_per_m3: direct cost of lost water, ≈0.55 PLN/m³ (NIK audit of West
            Pomeranian utilities, REFERENCE_FIGURES §3).
        crew_call_pln: one crew's leak search that finds nothing: two people, a van and
            acoustic equipment for half a shift (assumption; no published Kielce figure).
        awareness_h_abrupt: hours until a burst is found without the detector (it surfaces or
            is reported; assumption: 3 days).
        awareness_h_incipient: hours until a hidden leak is found without the detector (the
            next active leakage control survey; assumption: 90 days).
        search_radius_m: a crew finds a leak within this pipe distance of the reported node
            (assumption: a day of acoustic survey with a noise correlator covers 1-2 km of main).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    water_cost_pln_per_m3: float = Field(default=0.55, ge=0)
    crew_call_pln: float = Field(default=1500.0, ge=0)
    awareness_h_abrupt: float = Field(default=72.0, gt=0)
    awareness_h_incipient: float = Field(default=90 * 24.0, gt=0)
    search_radius_m: float = Field(default=1500.0, ge=0)


@dataclass(frozen=True)
class LeakOutcome:
    """One true leak and what the detector made of it."""

    leak: LeakSpec
    detected: bool
    delay_h: float | None
    start_error_h: float | None
    location_error_m: float | None
    located: bool
    water_saved_m3: float


@dataclass(frozen=True)
class DetectionScore:
    """Quality and money of a detector on labelled scenarios."""

    n_leaks: int
    n_detected: int
    n_false_alarms: int
    median_delay_h: float | None
    median_location_error_m: float | None
    water_saved_m3: float
    savings_pln: float
    false_call_cost_pln: float
    outcomes: tuple[LeakOutcome, ...] = field(default_factory=tuple)

    @property
    def detection_rate(self) -> float:
        return self.n_detected / self.n_leaks if self.n_leaks else float("nan")

    @property
    def net_pln(self) -> float:
        """Money the detector earns: water saved less wasted crew calls."""
        return self.savings_pln - self.false_call_cost_pln


def _lost_volume_m3(leak: LeakSpec, since: pd.Timestamp, until: pd.Timestamp) -> float:
    """Water a leak loses between two times (its ramp as simulated, extrapolated at full flow)."""
    if until <= since:
        return 0.0
    full = float(leak.flow_m3_per_h or 0.0)
    hours = pd.date_range(since, until, freq="15min")
    t_h = (hours - leak.start).total_seconds().to_numpy() / 3600.0
    if leak.kind is LeakKind.ABRUPT:
        flow = np.where(t_h >= 0, full, 0.0)
    else:
        flow = np.clip(t_h / max(leak.ramp_h, 1e-6), 0.0, 1.0) * full
    if leak.end is not None:
        flow = np.where(hours >= leak.end, 0.0, flow)
    return float(flow.mean() * (until - since).total_seconds() / 3600.0)


def score_detections(
    detections: Sequence[LeakDetection],
    leaks: Sequence[LeakSpec],
    network: WaterNetwork,
    *,
    data_end: pd.Timestamp,
    costs: CostSettings | None = None,
) -> DetectionScore:
    """Match detections to true leaks and count delays, location errors, water and money."""
    cfg = costs or CostSettings()
    used: set[int] = set()
    outcomes = []
    for leak in sorted(leaks, key=lambda item: item.start):
        end = leak.end or data_end
        match = None
        for i, d in enumerate(detections):
            if i not in used and leak.start <= d.detected_at <= end + pd.Timedelta(hours=1):
                dist = network.pipe_distance_m(d.location, leak.node)
                if match is None or dist < match[1]:
                    match = (i, dist)
        if match is None:
            outcomes.append(LeakOutcome(leak, False, None, None, None, False, 0.0))
            continue
        i, dist = match
        used.add(i)
        d = detections[i]
        # a confidence area counts where a crew can search it: a zone-wide area does not
        located = dist <= cfg.search_radius_m or (
            leak.node in d.confidence_nodes and d.confidence_radius_m <= cfg.search_radius_m
        )
        aware = (
            cfg.awareness_h_abrupt if leak.kind is LeakKind.ABRUPT else cfg.awareness_h_incipient
        )
        found_anyway = leak.start + pd.Timedelta(hours=aware)
        saved = _lost_volume_m3(leak, d.detected_at, found_anyway) if located else 0.0
        outcomes.append(
            LeakOutcome(
                leak,
                True,
                (d.detected_at - leak.start).total_seconds() / 3600.0,
                (d.start - leak.start).total_seconds() / 3600.0,
                float(dist),
                located,
                saved,
            )
        )
    wrong_place = sum(1 for o in outcomes if o.detected and not o.located)
    false_alarms = len(detections) - len(used)
    delays = [o.delay_h for o in outcomes if o.delay_h is not None]
    errors = [o.location_error_m for o in outcomes if o.location_error_m is not None]
    saved = sum(o.water_saved_m3 for o in outcomes)
    return DetectionScore(
        n_leaks=len(leaks),
        n_detected=sum(o.detected for o in outcomes),
        n_false_alarms=false_alarms,
        median_delay_h=float(np.median(delays)) if delays else None,
        median_location_error_m=float(np.median(errors)) if errors else None,
        water_saved_m3=saved,
        savings_pln=saved * cfg.water_cost_pln_per_m3,
        false_call_cost_pln=(false_alarms + wrong_place) * cfg.crew_call_pln,
        outcomes=tuple(outcomes),
    )
