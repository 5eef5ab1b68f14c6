"""Benchmark: leak detection and location over many seeded scenarios on Net3 and ky10.

Each scenario is 10 days of training and 5 days examined (15-minute telemetry from the sensor
layout of the tests: every inflow link metered, 8 loggers on Net3, 15 on ky10), with one leak
at a random junction (at least 20 m of pressure) of 3-8 % of the mean demand, bursts and leaks
growing over two days alternating, starting 6-30 h into the examined days; plus leak-free
scenarios for false alarms. The detector runs once per scenario with each locator on the same
telemetry: the posterior locator (graph median and credible area, ``water.leaks.posterior``)
and, as the baseline, the former one (the best likelihood ratio and the candidates within a
margin of it). A third row puts a random junction of the network in place of the location.

Prints per network and locator: detection rate, false alarms per leak-free day, median delay,
median and 80th-percentile location error (pipe distance along the network), the share of
leaks inside the confidence area and its median radius, and the money score
(``water.leaks.scoring``), and the ratios to the baseline.

Usage: python benchmarks/water_leak_location.py [--scenarios 16] [--leak-free 4] [--seed 200]
    [--networks Net3 ky10] [--per-leak]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from water.leaks.detect import detect_leaks
from water.leaks.locate import Locator, Sensitivity, leak_sensitivity
from water.leaks.scenarios import (
    ScenarioSettings,
    mean_demand_m3_per_h,
    mean_pressure_m,
    random_leak,
    simulate_scenario,
)
from water.leaks.scoring import score_detections
from water.model import LeakDetection, Sensor
from water.network import WaterNetwork, default_sensors, load_network

NETWORKS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "water" / "networks"
START = pd.Timestamp("2026-01-05", tz="UTC")
TRAIN_DAYS = 10
TEST_DAYS = 5
TRAIN_UNTIL = START + pd.Timedelta(days=TRAIN_DAYS)
LOGGERS = {"Net3": 8, "ky10": 15}
PROBED = {"Net3": 300, "ky10": 150}


@dataclass
class Tally:
    """What one locator made of the scenarios of one network."""

    detected: int = 0
    leaks: int = 0
    false_alarms: int = 0
    extra_alarms: int = 0
    leak_free_days: float = 0.0
    net_pln: float = 0.0
    delays_h: list[float] | None = None
    errors_m: list[float] | None = None
    in_area: list[bool] | None = None
    radii_m: list[float] | None = None

    def __post_init__(self) -> None:
        self.delays_h, self.errors_m, self.in_area, self.radii_m = [], [], [], []

    def line(self, name: str) -> str:
        def q(values: list[float], pct: float) -> float:
            return float(np.percentile(values, pct)) if values else float("nan")

        return (
            f"  {name:>9}: detected {self.detected}/{self.leaks}, false alarms "
            f"{self.false_alarms} in {self.leak_free_days:.0f} leak-free days (and {self.extra_alarms} "
            f"beside the leaks), median delay "
            f"{q(self.delays_h, 50):.0f} h, location error median {q(self.errors_m, 50):,.0f} m "
            f"p80 {q(self.errors_m, 80):,.0f} m, leak in area {100 * np.mean(self.in_area or [0]):.0f} % "
            f"(median radius {q(self.radii_m, 50):,.0f} m), net {self.net_pln:,.0f} PLN"
        )


def randomised(
    detections: tuple[LeakDetection, ...], network: WaterNetwork, seed: int
) -> list[LeakDetection]:
    """The detections with a random junction as location and no confidence area."""
    rng = np.random.default_rng([seed, 7])
    return [
        replace(
            d,
            location=network.junctions[int(rng.integers(len(network.junctions)))],
            confidence_nodes=(),
            confidence_radius_m=0.0,
        )
        for d in detections
    ]


def run_network(name: str, n_leaky: int, n_free: int, seed0: int, per_leak: bool) -> None:
    network = load_network(NETWORKS / f"{name}.inp")
    pressure = mean_pressure_m(network)
    demand = mean_demand_m3_per_h(network)
    sensors: list[Sensor] = default_sensors(network, LOGGERS[name], mean_pressure_m=pressure)
    t = time.perf_counter()
    sensitivity: Sensitivity = leak_sensitivity(network, sensors, max_candidates=PROBED[name])
    print(
        f"{name}: {len(network.junctions)} junctions, {len(sensors)} sensors, "
        f"{len(sensitivity.candidates)} probed, sensitivity {time.perf_counter() - t:.1f} s"
    )
    tallies = {"posterior": Tally(), "argmax": Tally(), "random": Tally()}
    t_sim = t_det = 0.0
    for k in range(n_leaky + n_free):
        seed = seed0 + k
        leaks = (
            [random_leak(network, pressure, demand, seed, after=TRAIN_UNTIL)] if k < n_leaky else []
        )
        t = time.perf_counter()
        scenario = simulate_scenario(
            network,
            sensors,
            ScenarioSettings(
                start=START, duration_h=24 * (TRAIN_DAYS + TEST_DAYS), step_s=900, seed=seed
            ),
            leaks,
        )
        t_sim += time.perf_counter() - t
        wide = scenario.telemetry.pivot(index="timestamp", columns="sensor", values="value")
        end = wide.index[-1]
        for locator in (Locator.POSTERIOR, Locator.ARGMAX):
            t = time.perf_counter()
            run = detect_leaks(network, wide, sensitivity, train_until=TRAIN_UNTIL, locator=locator)
            t_det += time.perf_counter() - t
            found = {locator.value: list(run.detections)}
            if locator is Locator.ARGMAX:
                found["random"] = randomised(run.detections, network, seed)
            for key, detections in found.items():
                tally = tallies[key]
                score = score_detections(detections, scenario.leaks, network, data_end=end)
                tally.net_pln += score.net_pln
                if leaks:
                    tally.extra_alarms += score.n_false_alarms
                else:
                    tally.false_alarms += score.n_false_alarms
                tally.leaks += score.n_leaks
                tally.detected += score.n_detected
                if not leaks:
                    tally.leak_free_days += TEST_DAYS
                for o in score.outcomes:
                    if not o.detected:
                        continue
                    match = min(
                        detections,
                        key=lambda d, o=o: network.pipe_distance_m(d.location, o.leak.node),
                    )
                    tally.delays_h.append(o.delay_h)
                    tally.errors_m.append(o.location_error_m)
                    tally.in_area.append(o.leak.node in match.confidence_nodes)
                    tally.radii_m.append(match.confidence_radius_m)
    print(f"  simulation {t_sim:.0f} s, detection {t_det:.0f} s")
    for key, tally in tallies.items():
        print(tally.line(key))
        if per_leak:
            print(f"    {key} errors (m): {[round(e) for e in tally.errors_m]}")
            print(f"    {key} in area: {[int(x) for x in tally.in_area]}")
    ours, base = tallies["posterior"], tallies["argmax"]
    print(
        f"  ratios posterior/argmax: median error "
        f"{np.median(ours.errors_m) / max(np.median(base.errors_m), 1e-9):.2f}, p80 error "
        f"{np.percentile(ours.errors_m, 80) / max(np.percentile(base.errors_m, 80), 1e-9):.2f}, "
        f"leak in area {np.mean(ours.in_area) / max(np.mean(base.in_area), 1e-9):.2f}, "
        f"net {ours.net_pln:,.0f} vs {base.net_pln:,.0f} PLN"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenarios", type=int, default=16, help="leaky scenarios per network")
    parser.add_argument("--leak-free", type=int, default=4, help="leak-free scenarios per network")
    parser.add_argument("--seed", type=int, default=200)
    parser.add_argument("--networks", nargs="+", default=["Net3", "ky10"])
    parser.add_argument("--per-leak", action="store_true", help="print every leak's error")
    args = parser.parse_args()
    for name in args.networks:
        run_network(name, args.scenarios, args.leak_free, args.seed, args.per_leak)
    return 0


if __name__ == "__main__":
    sys.exit(main())
