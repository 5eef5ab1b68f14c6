"""Leak location over a range of seeded scenarios, not over hand-picked ones.

Each network gets the scenarios of a consecutive seed range (``random_leak``: a random junction
with 20 m of pressure, 3-8 % of the mean demand, even seeds burst, odd ones grow over two days),
10 days of training and 5 examined, 15-minute telemetry. The seeds are not the benchmark's
(``benchmarks/water_leak_location.py``, seeds 200-215), on which the bounds were set: each
holds at the 99th percentile of a bootstrap of this many leaks drawn from the benchmark's 15
located ones, and a locator that guesses fails it (checked on the same leaks: the "guess" of a
leak is the median pipe distance from it to every junction, what a random junction gives).

- Net3 (8 loggers): median error <= 2,100 m (benchmark 1,049 m, p80 1,999 m; guessing 4.7 km),
  the leak inside the confidence area for at least a quarter of the leaks (benchmark 67 %).
- ky10 (15 loggers on 430 km of main): the error divided by the guess, averaged, <= 0.95
  (benchmark 0.64; the former locator 1.14, worse than guessing), the leak inside the area for
  half of them (benchmark 87 %). The area there is most of the largest DMA (793 of 920
  junctions), whose nodes the loggers cannot tell apart: it must stay short of the whole
  network (at most 90 % of the junctions), which says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from tests.water.conftest import Bench
from water.leaks.detect import DetectionRun, detect_leaks
from water.leaks.scenarios import Scenario, ScenarioSettings, random_leak, simulate_scenario
from water.leaks.scoring import score_detections

START = pd.Timestamp("2026-02-02", tz="UTC")
TRAIN_UNTIL = START + pd.Timedelta(days=10)
EXAMINED_DAYS = 5
SEEDS = {"Net3": range(300, 308), "ky10": range(300, 306)}


@dataclass(frozen=True)
class Bounds:
    """What the locator must achieve over the seeded leaks of one network."""

    min_detected: float  # share of the leaks detected
    min_in_area: float  # share of the detected leaks inside the confidence area
    max_median_m: float = np.inf  # median location error (pipe distance)
    max_mean_ratio: float = np.inf  # mean of error / guess
    max_area_share: float = 1.0  # median confidence area, share of the junctions


BOUNDS = {
    "Net3": Bounds(min_detected=0.75, min_in_area=0.25, max_median_m=2100.0),
    "ky10": Bounds(min_detected=0.66, min_in_area=0.5, max_mean_ratio=0.95, max_area_share=0.9),
}
MAX_EXTRA_ALARMS = 2  # alarms beside the true leaks over all the scenarios of a network


def _runs(bench: Bench, seeds: range) -> list[tuple[Scenario, DetectionRun]]:
    out = []
    for seed in seeds:
        truth = random_leak(
            bench.network, bench.pressure_m, bench.demand_m3_per_h, seed, after=TRAIN_UNTIL
        )
        settings = ScenarioSettings(
            start=START, duration_h=24 * (10 + EXAMINED_DAYS), step_s=900, seed=seed
        )
        scenario = simulate_scenario(bench.network, bench.sensors, settings, [truth])
        wide = scenario.telemetry.pivot(index="timestamp", columns="sensor", values="value")
        out.append(
            (
                scenario,
                detect_leaks(bench.network, wide, bench.sensitivity, train_until=TRAIN_UNTIL),
            )
        )
    return out


@pytest.fixture(scope="module")
def net3_located(net3: Bench) -> list[tuple[Scenario, DetectionRun]]:
    return _runs(net3, SEEDS["Net3"])


@pytest.fixture(scope="module")
def ky10_located(ky10: Bench) -> list[tuple[Scenario, DetectionRun]]:
    return _runs(ky10, SEEDS["ky10"])


def _check(bench: Bench, runs: list[tuple[Scenario, DetectionRun]], name: str) -> None:
    bounds = BOUNDS[name]
    network = bench.network
    errors, guesses, in_area, area_share, extra = [], [], [], [], 0
    for scenario, run in runs:
        end = scenario.telemetry["timestamp"].max()
        score = score_detections(run.detections, scenario.leaks, network, data_end=end)
        extra += score.n_false_alarms
        for outcome in score.outcomes:
            if not outcome.detected:
                continue
            node = outcome.leak.node
            found = min(
                run.detections, key=lambda d, n=node: network.pipe_distance_m(d.location, n)
            )
            errors.append(outcome.location_error_m)
            guesses.append(
                float(np.median([network.pipe_distance_m(j, node) for j in network.junctions]))
            )
            in_area.append(node in found.confidence_nodes)
            area_share.append(len(found.confidence_nodes) / len(network.junctions))
    errors_m, guess_m = np.array(errors), np.array(guesses)
    assert len(errors) >= bounds.min_detected * len(runs)
    assert extra <= MAX_EXTRA_ALARMS
    assert np.median(errors_m) <= bounds.max_median_m
    assert np.mean(errors_m / guess_m) <= bounds.max_mean_ratio
    assert np.mean(in_area) >= bounds.min_in_area
    assert np.median(area_share) <= bounds.max_area_share
    # a locator that guesses fails the bounds on the same leaks
    assert np.median(guess_m) > bounds.max_median_m or bounds.max_mean_ratio < 1.0


def test_net3_location_error_and_confidence_area_over_seeded_leaks(
    net3: Bench, net3_located: list
) -> None:
    _check(net3, net3_located, "Net3")


def test_ky10_location_error_and_confidence_area_over_seeded_leaks(
    ky10: Bench, ky10_located: list
) -> None:
    _check(ky10, ky10_located, "ky10")


def test_reported_node_lies_inside_its_confidence_area(net3_located: list) -> None:
    for _, run in net3_located:
        for d in run.detections:
            assert d.location in d.confidence_nodes
            assert d.confidence_radius_m >= 0.0
