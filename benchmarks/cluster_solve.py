"""Benchmark: build and solve the KOF reference cluster, beside HiGHS called directly.

Cases: one day at 15 minutes (96 steps), one week at 15 minutes (672 steps) and a rolling year
(365 day-ahead windows of 48 h at 1 h). Baseline, in the same run: the very same model exported
by Pyomo as MPS and solved by ``highspy.Highs`` directly (read + run), with the same gap,
threads and time limit. The ratio shows what the modelling layer (Pyomo build, the persistent
interface, loading the solution) costs on top of the solver.

Usage: python benchmarks/cluster_solve.py [--days-rolling N] [--skip-week] [--skip-rolling]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import highspy

from energy_cluster.model import ClusterModel
from energy_cluster.rolling import run_rolling
from energy_cluster.scenario import Scenario, load_scenario
from energy_cluster.solve import ClusterSolver

REFERENCE = (
    Path(__file__).resolve().parents[1] / "energy_cluster" / "scenarios" / "kof_reference.yaml"
)


def export_mps(cluster: ClusterModel, path: Path) -> float:
    """Write the model as MPS; returns the seconds it took."""
    started = time.perf_counter()
    cluster.m.write(str(path), format="mps", io_options={"symbolic_solver_labels": True})
    return time.perf_counter() - started


def highs_direct(
    path: Path, gap: float, time_limit_s: float, threads: int
) -> tuple[float, float, float]:
    """Read and solve an MPS file with highspy; returns (read s, run s, objective)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("time_limit", time_limit_s)
    h.setOptionValue("threads", threads)
    started = time.perf_counter()
    h.readModel(str(path))
    read = time.perf_counter() - started
    started = time.perf_counter()
    h.run()
    run = time.perf_counter() - started
    return read, run, float(h.getInfo().objective_function_value)


def horizon_case(label: str, scenario: Scenario, workdir: Path) -> dict[str, float]:
    settings = scenario.config.solver
    cluster = ClusterModel(scenario)
    result = ClusterSolver(cluster, settings).solve()
    mps = workdir / f"{label}.mps"
    write_s = export_mps(cluster, mps)
    read_s, run_s, objective = highs_direct(
        mps, settings.mip_rel_gap, settings.time_limit_s, settings.threads
    )
    pyomo_total = cluster.build_time_s + result.solve_time_s
    direct_total = read_s + run_s
    print(
        f"{label:<22} steps {cluster.steps:>5}  vars {cluster.m.nvariables():>7}  cons {cluster.m.nconstraints():>7}  "
        f"{result.status.value}, obj {result.objective_pln:,.0f} PLN, gap {result.gap:.2e}"
    )
    print(
        f"  pyomo: build {cluster.build_time_s:7.2f} s  solve {result.solve_time_s:7.2f} s "
        f"(HiGHS inside {result.solver_time_s:6.2f} s)  total {pyomo_total:7.2f} s"
    )
    print(
        f"  highspy direct on the exported MPS: read {read_s:6.2f} s  run {run_s:7.2f} s  total {direct_total:7.2f} s  "
        f"obj {objective:,.0f} PLN  (MPS write {write_s:.2f} s)"
    )
    print(
        f"  ratio pyomo total / highspy direct total: {pyomo_total / direct_total:5.2f}   "
        f"objective difference {abs(objective - (result.objective_pln or 0)) / max(1.0, abs(objective)):.2e} (relative)"
    )
    return {"pyomo": pyomo_total, "direct": direct_total}


def rolling_case(scenario: Scenario, days: int, workdir: Path) -> None:
    files: list[Path] = []

    def export(cluster: ClusterModel, n: int) -> None:
        path = workdir / f"window_{n:03d}.mps"
        export_mps(cluster, path)
        files.append(path)

    started = time.perf_counter()
    result = run_rolling(scenario, days)
    plain = time.perf_counter() - started
    # The same windows again, each exported just before its solve, then solved by highspy.
    run_rolling(scenario, days, on_window=export)
    rcfg, threads = scenario.config.rolling, scenario.config.solver.threads
    read_total = run_total = 0.0
    for path in files:
        read_s, run_s, _ = highs_direct(path, rcfg.mip_rel_gap, rcfg.time_limit_s, threads)
        read_total += read_s
        run_total += run_s
    direct = read_total + run_total
    print(
        f"rolling {days} days       {len(result.windows)} windows of {rcfg.window_hours:g} h at "
        f"{result.step_h * 60:g} min, {result.flagged_windows} flagged, total cost {result.kpis.total_cost_pln:,.0f} PLN"
    )
    print(
        f"  pyomo (build once, update, persistent HiGHS): total {plain:7.1f} s  "
        f"(build {result.build_time_s:.2f} s, HiGHS inside {result.solver_time_s:6.1f} s)"
    )
    print(
        f"  highspy direct on the {len(files)} exported windows: read {read_total:6.1f} s  run {run_total:7.1f} s  total {direct:7.1f} s"
    )
    print(f"  ratio pyomo total / highspy direct total: {plain / direct:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days-rolling", type=int, default=365)
    parser.add_argument("--skip-week", action="store_true")
    parser.add_argument("--skip-rolling", action="store_true")
    args = parser.parse_args()
    scenario = load_scenario(REFERENCE)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        horizon_case("one day at 15 min", scenario, workdir)
        if not args.skip_week:
            horizon_case("one week at 15 min", scenario.with_horizon(hours=24 * 7), workdir)
        if not args.skip_rolling:
            rolling_case(scenario, args.days_rolling, workdir)


if __name__ == "__main__":
    main()
