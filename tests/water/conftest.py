"""Session fixtures: the shipped networks, their sensors and sensitivities, and labelled
scenarios simulated once per test session (14 days of training, 10 days examined)."""

from __future__ import annotations

import fcntl
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from water.leaks.locate import Sensitivity, leak_sensitivity
from water.leaks.scenarios import (
    Scenario,
    ScenarioSettings,
    mean_demand_m3_per_h,
    mean_pressure_m,
    simulate_scenario,
)
from water.model import LeakKind, LeakSpec, Sensor
from water.network import WaterNetwork, default_sensors, load_network

NETWORKS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "water" / "networks"
START = pd.Timestamp("2026-01-05", tz="UTC")
TRAIN_DAYS = 14
TEST_DAYS = 10
TRAIN_UNTIL = START + pd.Timedelta(days=TRAIN_DAYS)
LEAK_START = TRAIN_UNTIL + pd.Timedelta(days=2, hours=3)


@dataclass(frozen=True)
class Bench:
    """A network with its sensors, sensitivity and mean demand."""

    network: WaterNetwork
    sensors: list[Sensor]
    sensitivity: Sensitivity
    demand_m3_per_h: float
    pressure_m: dict[str, float]
    step_s: int = 300

    def leak_node(self, seed: int) -> str:
        """A junction with at least 20 m of pressure, drawn with ``seed``."""
        nodes = [n for n in self.network.junctions if self.pressure_m[n] >= 20.0]
        return nodes[int(np.random.default_rng(seed).integers(len(nodes)))]

    def scenario(self, leaks: list[LeakSpec], seed: int) -> Scenario:
        settings = ScenarioSettings(
            start=START, duration_h=24 * (TRAIN_DAYS + TEST_DAYS), step_s=self.step_s, seed=seed
        )
        return simulate_scenario(self.network, self.sensors, settings, leaks)


def network_file(name: str) -> Path:
    path = NETWORKS / f"{name}.inp"
    if not path.is_file():
        pytest.skip(f"{path} is not there (../shared/data beside the repository)")
    return path


def _shared_dir(factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder all xdist workers of this run share (their base temp's parent)."""
    base = factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def _bench(
    name: str, n_pressure: int, max_candidates: int, step_s: int = 300, cache: Path | None = None
) -> Bench:
    """The network, its sensors and their sensitivity; with ``cache``, the sensitivity is
    built by the first worker that asks and read from there by the others."""
    network = load_network(network_file(name))
    pressure = mean_pressure_m(network)
    sensors = default_sensors(network, n_pressure, mean_pressure_m=pressure)
    if cache is None:
        sensitivity = leak_sensitivity(network, sensors, max_candidates=max_candidates)
    else:
        stored = cache / f"sensitivity_{name}_{n_pressure}_{max_candidates}.pkl"
        with (cache / f"{stored.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if stored.is_file():
                sensitivity = pickle.loads(stored.read_bytes())
            else:
                sensitivity = leak_sensitivity(network, sensors, max_candidates=max_candidates)
                stored.write_bytes(pickle.dumps(sensitivity))
    return Bench(network, sensors, sensitivity, mean_demand_m3_per_h(network), pressure, step_s)


@pytest.fixture(scope="session")
def net3() -> Bench:
    """Net3 with its 5 inflow/tank meters and 8 pressure loggers."""
    return _bench("Net3", 8, 300)


@pytest.fixture(scope="session")
def ky10(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Bench:
    """ky10 with its 32 source/tank/pump meters and 15 pressure loggers (150 probed nodes);
    15-minute telemetry (three times fewer EPANET steps than 5-minute, the detector works on
    hourly means). Its sensitivity (half a minute of EPANET) is built once per run."""
    return _bench("ky10", 15, 150, step_s=900, cache=_shared_dir(tmp_path_factory, worker_id))


def leak(bench: Bench, kind: LeakKind, share: float, seed: int) -> LeakSpec:
    """A leak of ``share`` of the mean demand starting two days after training."""
    return LeakSpec(
        node=bench.leak_node(seed),
        start=LEAK_START,
        kind=kind,
        flow_m3_per_h=share * bench.demand_m3_per_h,
        ramp_h=72.0,
    )


def wide(scenario: Scenario) -> pd.DataFrame:
    return scenario.telemetry.pivot(index="timestamp", columns="sensor", values="value")
