"""Benchmark: leak detection over a year of 5-minute telemetry from 30 sensors on ky10.

The year is simulated with EPANET (demand noise per day and per group of junctions, sensor
noise) with leaks of 2-8 % of the mean demand, half bursts, half growing over three days, each
repaired two weeks after it starts. The detector runs the way a utility would run it: every
week, trained on the 30 days before the week (which may hold a leak nobody found yet).

Baseline, in the same run: a fixed-threshold minimum-night-flow alarm on the metered system
input (the nightly minimum, 02:00-05:00, above the training nights' mean + 3 standard
deviations on two nights in a row). It says "a leak somewhere in the system"; it cannot send a
crew anywhere.

Prints: simulation time, sensitivity time, detection time per simulated day, detection rate,
false alarms, median delay, median location error and money, for both, and the ratios.

Usage: python benchmarks/water_leaks.py [--days 365] [--leaks 12] [--seed 1] [--locator argmax]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from water.dma import area_inflows, metered_areas
from water.leaks.detect import detect_leaks
from water.leaks.locate import Locator, leak_sensitivity
from water.leaks.scenarios import (
    ScenarioSettings,
    mean_demand_m3_per_h,
    mean_pressure_m,
    simulate_scenario,
)
from water.leaks.scoring import DetectionScore, score_detections
from water.model import LeakDetection, LeakKind, LeakSpec, Sensor, SensorKind
from water.network import WaterNetwork, load_network

NETWORK = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "data"
    / "water"
    / "networks"
    / "ky10.inp"
)
START = pd.Timestamp("2026-01-01", tz="UTC")
TRAIN_DAYS = 30
N_SENSORS = 30


def sensors_30(network: WaterNetwork, pressure_m: dict[str, float]) -> list[Sensor]:
    """Flow meters at every reservoir and tank outlet (the system input is metered, as every
    utility does), pressure loggers for the rest of 30."""
    sources = set(network.sources)
    flows = [
        Sensor(SensorKind.FLOW, name)
        for name, link in network.wn.links()
        if link.link_type != "Pump" and {link.start_node_name, link.end_node_name} & sources
    ]
    candidates = [n for n in network.junctions if pressure_m.get(n, 0.0) >= 10.0]
    nodes = network.spread_nodes(N_SENSORS - len(flows), candidates, seed=3)
    return flows + [Sensor(SensorKind.PRESSURE, n) for n in nodes]


def leak_plan(
    network: WaterNetwork, pressure_m: dict[str, float], demand: float, days: int, n: int, seed: int
) -> list[LeakSpec]:
    rng = np.random.default_rng(seed)
    nodes = [j for j in network.junctions if pressure_m[j] >= 20.0]
    first, last = TRAIN_DAYS + 10, days - 10
    starts = np.linspace(first, last, n)
    leaks = []
    for i, day in enumerate(starts):
        start = START + pd.Timedelta(days=float(day)) + pd.Timedelta(hours=int(rng.integers(24)))
        leaks.append(
            LeakSpec(
                node=nodes[int(rng.integers(len(nodes)))],
                start=start.floor("h"),
                kind=LeakKind.ABRUPT if i % 2 == 0 else LeakKind.INCIPIENT,
                flow_m3_per_h=float(rng.uniform(0.02, 0.08) * demand),
                ramp_h=72.0,
                end=start.floor("h") + pd.Timedelta(days=14),
            )
        )
    return leaks


def weekly_detection(
    network: WaterNetwork, wide: pd.DataFrame, sensitivity, days: int, locator: str
) -> tuple[list[LeakDetection], float]:
    """Run the detector week by week, trained on the 30 days before each week."""
    found: list[LeakDetection] = []
    began = time.perf_counter()
    month = START + pd.Timedelta(days=TRAIN_DAYS)
    end = START + pd.Timedelta(days=days)
    while month < end:
        stop = min(month + pd.Timedelta(days=7), end)
        window = wide[(wide.index >= month - pd.Timedelta(days=TRAIN_DAYS)) & (wide.index < stop)]
        run = detect_leaks(network, window, sensitivity, train_until=month, locator=locator)
        for d in run.detections:
            if not any(
                abs(d.start - e.start) < pd.Timedelta(days=3) and d.location == e.location
                for e in found
            ):
                found.append(d)
        month = stop
    return found, time.perf_counter() - began


def mnf_baseline(
    network: WaterNetwork, wide: pd.DataFrame, sensors: list[Sensor]
) -> tuple[list[LeakDetection], float]:
    """Fixed-threshold minimum-night-flow alarm on the metered system input."""
    began = time.perf_counter()
    areas = metered_areas(network, [s.element for s in sensors if s.kind is SensorKind.FLOW])
    inflow = area_inflows(wide, areas).sum(axis=1).resample("1h").mean().tz_convert("Europe/Warsaw")
    night = inflow[(inflow.index.hour >= 2) & (inflow.index.hour < 5)]
    mnf = night.groupby(night.index.date).min()
    found, above_before, active = [], False, False
    for i, (day, value) in enumerate(mnf.iloc[TRAIN_DAYS:].items()):
        # retrained every week on the 30 nights before the week, like the detector
        month_start = TRAIN_DAYS + 7 * (i // 7)
        train = mnf.iloc[month_start - TRAIN_DAYS : month_start]
        limit = train.mean() + 3 * train.std()
        above = value > limit
        if above and above_before and not active:
            at = pd.Timestamp(day, tz="Europe/Warsaw").tz_convert("UTC") + pd.Timedelta(hours=5)
            found.append(
                LeakDetection(
                    start=at - pd.Timedelta(days=1),
                    detected_at=at,
                    location="",
                    pipe="",
                    kind=LeakKind.ABRUPT,
                    estimated_flow_m3_per_h=float(value - train.mean()),
                    score=float((value - train.mean()) / train.std()),
                )
            )
            active = True
        if not above:
            active = False
        above_before = above
    return found, time.perf_counter() - began


def show(name: str, score: DetectionScore, seconds: float, days: int) -> None:
    print(
        f"{name:>9}: detected {score.n_detected}/{score.n_leaks} ({100 * score.detection_rate:.0f} %), "
        f"false alarms {score.n_false_alarms}, median delay "
        f"{score.median_delay_h if score.median_delay_h is not None else float('nan'):.1f} h, "
        f"median location error {score.median_location_error_m if score.median_location_error_m is not None else float('nan'):.0f} m, "
        f"water saved {score.water_saved_m3:,.0f} m³, net {score.net_pln:,.0f} PLN, "
        f"{1000 * seconds / days:.1f} ms per simulated day"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--leaks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--locator",
        choices=[m.value for m in Locator],
        default=Locator.POSTERIOR.value,
        help="posterior (graph median, credible area) or argmax (the former locator)",
    )
    args = parser.parse_args()

    network = load_network(NETWORK)
    pressure = mean_pressure_m(network)
    demand = mean_demand_m3_per_h(network)
    sensors = sensors_30(network, pressure)
    leaks = leak_plan(network, pressure, demand, args.days, args.leaks, args.seed)
    print(
        f"ky10: {len(network.junctions)} junctions, mean demand {demand:.0f} m³/h, {len(sensors)} sensors, {len(leaks)} leaks, {args.days} days of 5-minute telemetry"
    )

    t = time.perf_counter()
    scenario = simulate_scenario(
        network,
        sensors,
        ScenarioSettings(start=START, duration_h=24 * args.days, step_s=300, seed=args.seed),
        leaks,
    )
    wide = scenario.telemetry.pivot(index="timestamp", columns="sensor", values="value")
    print(f"simulation: {time.perf_counter() - t:.1f} s ({len(scenario.telemetry):,} readings)")

    t = time.perf_counter()
    sensitivity = leak_sensitivity(network, sensors)
    t_sens = time.perf_counter() - t
    print(f"sensitivity ({len(sensitivity.candidates)} probed junctions): {t_sens:.1f} s")

    found, t_detect = weekly_detection(network, wide, sensitivity, args.days, args.locator)
    baseline, t_base = mnf_baseline(network, wide, sensors)
    end = wide.index[-1]
    ours = score_detections(found, scenario.leaks, network, data_end=end)
    base = score_detections(baseline, scenario.leaks, network, data_end=end)
    days = args.days - TRAIN_DAYS
    show("detector", ours, t_detect, days)
    show("MNF alarm", base, t_base, days)
    print(
        f"ratios detector/baseline: detection rate {ours.detection_rate / max(base.detection_rate, 1e-9):.2f}, "
        f"false alarms {ours.n_false_alarms}/{base.n_false_alarms}, "
        f"median delay {(ours.median_delay_h or float('nan')) / (base.median_delay_h or float('nan')):.2f}, "
        f"time per day {t_detect / max(t_base, 1e-9):.0f}x (plus {t_sens:.0f} s of sensitivity once)"
    )
    for o in ours.outcomes:
        leak = o.leak
        print(
            f"  {leak.start:%Y-%m-%d %H:%M} {leak.kind.value:9s} {leak.flow_m3_per_h:5.1f} m³/h at {leak.node:6s}: "
            + (
                f"detected after {o.delay_h:.0f} h, start off by {o.start_error_h:+.0f} h, {o.location_error_m:.0f} m away"
                if o.detected
                else "missed"
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
