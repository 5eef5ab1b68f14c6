"""``kof cluster``: plan the energy cluster, roll a horizon, check a scenario, export its series."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from core.cli_context import CliContext
from energy_cluster.enums import RollingMode
from energy_cluster.scenario import REFERENCE_SCENARIO

logger = logging.getLogger(__name__)

SCENARIO = click.option(
    "--scenario",
    "scenario_path",
    default=REFERENCE_SCENARIO,
    show_default="the KOF reference scenario",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Scenario file (YAML); see energy_cluster/README.md.",
)


@click.group()
def cluster() -> None:
    """The energy cluster: balance demand with the members' units (Pyomo MILP on HiGHS)."""


def _engine(obj: CliContext) -> Any:
    from core.db.engine import make_engine
    from core.db.migrate import is_up_to_date
    from core.exceptions import StoreError

    engine = make_engine(obj.settings)
    if not is_up_to_date(engine):
        raise StoreError("the store is not at the latest revision: run `kof db upgrade` first")
    return engine


def _echo_kpis(kpis: dict[str, Any]) -> None:
    for key, value in kpis.items():
        if isinstance(value, dict):
            if value:
                shown = ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())
                click.echo(f"  {key}: {shown}")
        else:
            click.echo(f"  {key}: {_fmt(value)}")


def _fmt(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {_fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


@cluster.command("plan")
@SCENARIO
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--time-limit",
    "time_limit_s",
    type=float,
    default=None,
    help="Seconds (overrides the scenario).",
)
@click.option(
    "--gap",
    "mip_rel_gap",
    type=float,
    default=None,
    help="Relative MIP gap (overrides the scenario).",
)
@click.option(
    "--network-check",
    is_flag=True,
    help="Check the plan on the MV network and re-plan until it fits.",
)
@click.option(
    "--schedules-csv",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the per-step schedules to this CSV.",
)
@click.option("--store", is_flag=True, help="Store the plan and its KPIs in the configured store.")
@click.pass_obj
def plan_command(
    obj: CliContext,
    scenario_path: Path,
    as_json: bool,
    time_limit_s: float | None,
    mip_rel_gap: float | None,
    network_check: bool,
    schedules_csv: Path | None,
    store: bool,
) -> None:
    """Balance the cluster over the scenario's horizon; print status, objective, gap, KPIs."""
    from energy_cluster.service import plan_file, store_plan

    engine = _engine(obj) if store else None
    scenario, plan = plan_file(
        scenario_path,
        time_limit_s=time_limit_s,
        mip_rel_gap=mip_rel_gap,
        network_check=network_check,
    )
    plan_id = store_plan(engine, scenario, plan) if engine is not None else None
    if schedules_csv is not None:
        frame = plan.schedules.copy()
        frame.index = frame.index.tz_convert("Europe/Warsaw")
        frame.to_csv(schedules_csv, index_label="timestamp")
    if as_json:
        doc = plan.to_json_dict()
        if plan_id is not None:
            doc["plan_id"] = plan_id
        click.echo(json.dumps(doc, allow_nan=False))
    else:
        s = plan.solve
        click.echo(f"{scenario.name}: {s.message}")
        click.echo(
            f"horizon {plan.index[0].tz_convert('Europe/Warsaw').isoformat()}, {len(plan.index)} steps "
            f"of {plan.step_h * 60:g} min; build {s.build_time_s:.2f} s, solve {s.solve_time_s:.2f} s"
        )
        if plan.kpis is not None:
            click.echo("KPIs:")
            _echo_kpis(plan.kpis.as_dict())
        for item in plan.network:
            click.echo(f"network check: {item}")
        click.echo("shortfalls: none" if not plan.shortfalls else "shortfalls:")
        for shortfall in plan.shortfalls:
            click.echo(f"  {shortfall}")
        for violation in plan.violations:
            click.echo(f"INVARIANT VIOLATED: {violation}", err=True)
        if plan_id is not None:
            click.echo(f"stored as plan {plan_id}")
    if not plan.solve.status.has_plan:
        sys.exit(3)


@cluster.command("rolling")
@SCENARIO
@click.option("--days", type=click.IntRange(1, 400), required=True, help="Local days to plan.")
@click.option(
    "--mode",
    type=click.Choice([m.value for m in RollingMode]),
    default=None,
    help="Default: the scenario's rolling.mode.",
)
@click.option(
    "--resolution",
    "resolution_min",
    type=click.Choice(["15", "30", "60"]),
    default=None,
    help="Minutes (default: the scenario's rolling.resolution_min).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--schedules-csv", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option(
    "--store", is_flag=True, help="Store the result and its KPIs in the configured store."
)
@click.pass_obj
def rolling_command(
    obj: CliContext,
    scenario_path: Path,
    days: int,
    mode: str | None,
    resolution_min: str | None,
    as_json: bool,
    schedules_csv: Path | None,
    store: bool,
) -> None:
    """Plan DAYS days with a rolling horizon (day-ahead 48 h at noon, or intraday hourly)."""
    from energy_cluster.rolling import windows_for
    from energy_cluster.service import rolling_file, store_rolling

    engine = _engine(obj) if store else None
    rolling_mode = RollingMode(mode) if mode else None
    shown = windows_for(days, rolling_mode or RollingMode.DAY_AHEAD)
    with click.progressbar(length=shown, label="planning", file=sys.stderr, show_pos=True) as bar:
        done = [0]

        def progress(n: int, total: int) -> None:
            bar.length = total
            bar.update(n - done[0])
            done[0] = n

        scenario, result = rolling_file(
            scenario_path,
            days,
            mode=rolling_mode,
            resolution_min=int(resolution_min) if resolution_min else None,
            progress=progress,
        )
    plan_id = store_rolling(engine, scenario, result) if engine is not None else None
    if schedules_csv is not None:
        frame = result.schedules.copy()
        frame.index = frame.index.tz_convert("Europe/Warsaw")
        frame.to_csv(schedules_csv, index_label="timestamp")
    if as_json:
        doc = result.to_json_dict()
        if plan_id is not None:
            doc["plan_id"] = plan_id
        click.echo(json.dumps(doc, allow_nan=False))
        return
    click.echo(
        f"{scenario.name}: {len(result.windows)} {result.mode.value} windows, {result.flagged_windows} flagged, "
        f"{result.total_time_s:.1f} s (HiGHS {result.solver_time_s:.1f} s)"
    )
    click.echo("KPIs:")
    _echo_kpis(result.kpis.as_dict())
    for violation in result.violations:
        click.echo(f"INVARIANT VIOLATED: {violation}", err=True)
    if plan_id is not None:
        click.echo(f"stored as plan {plan_id}")


@cluster.command("validate")
@SCENARIO
def validate_command(scenario_path: Path) -> None:
    """Check a scenario file without solving it."""
    from energy_cluster.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    cfg = scenario.config
    click.echo(
        f"{scenario_path}: valid ({len(cfg.units)} units, {len(cfg.demands)} demands, "
        f"{len(cfg.series)} series, {cfg.horizon.steps} steps of {cfg.horizon.resolution_min} min)"
    )


@cluster.command("series")
@SCENARIO
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV file to write.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 400),
    default=None,
    help="Days from the start (default: the horizon).",
)
def series_command(scenario_path: Path, out: Path, days: int | None) -> None:
    """Write the scenario's input series (the exact values the model sees) to a CSV."""
    import pandas as pd

    from energy_cluster.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    index = scenario.index()
    if days is not None:
        index = pd.date_range(
            index[0], index[0] + pd.Timedelta(days=days), freq=index.freq, inclusive="left"
        )
    frame = pd.DataFrame(scenario.all_series(index), index=index.tz_convert("Europe/Warsaw"))
    frame.to_csv(out, index_label="timestamp")
    click.echo(f"wrote {len(frame)} rows x {len(frame.columns)} series to {out}")
