"""``kof water``: leak detection from telemetry, water balance, leaks in flats."""

from __future__ import annotations

import json

import click

from core.cli_context import CliContext
from water.telemetry import AUTO, FLOW_UNITS, PRESSURE_UNITS


@click.group()
def water() -> None:
    """Water network: leaks, DMA balance, leaks in flats."""


@water.command("leaks")
@click.option(
    "--network",
    "network_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="EPANET .inp file.",
)
@click.option(
    "--telemetry",
    "telemetry_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="Long CSV timestamp,sensor,value.",
)
@click.option(
    "--train-until",
    default=None,
    help="End of the normal period (aware ISO time; default: 7 days after the start).",
)
@click.option(
    "--pressure-unit",
    default=AUTO,
    show_default=True,
    type=click.Choice([AUTO, *PRESSURE_UNITS]),
    help="Unit of pressure values (auto: matched to the model's levels).",
)
@click.option(
    "--flow-unit",
    default=AUTO,
    show_default=True,
    type=click.Choice([AUTO, *FLOW_UNITS]),
    help="Unit of flow values (auto: matched to the model's levels).",
)
@click.option(
    "--open-work-orders", is_flag=True, help="Open a maintenance item per leak in the store."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (a list of leaks).")
@click.pass_obj
def leaks(
    obj: CliContext,
    network_file: str,
    telemetry_file: str,
    train_until: str | None,
    pressure_unit: str,
    flow_unit: str,
    open_work_orders: bool,
    as_json: bool,
) -> None:
    """Detect and locate leaks in pressure/flow telemetry (sensors pressure:<node>, flow:<link>)."""
    from water.service import leaks_from_files, open_leak_work_orders

    report = leaks_from_files(
        network_file,
        telemetry_file,
        train_until=train_until,
        pressure_unit=pressure_unit,
        flow_unit=flow_unit,
    )
    if open_work_orders:
        from core.db.engine import make_engine

        open_leak_work_orders(make_engine(obj.settings), report)
    if as_json:
        click.echo(json.dumps([d.as_json() for d in report.detections]))
        return
    click.echo(f"training until {report.train_until.isoformat()}, {len(report.detections)} leak(s)")
    for d in report.detections:
        click.echo(
            f"{d.start.isoformat()} {d.kind.value:9s} node {d.location} pipe {d.pipe or '-'} "
            f"{d.estimated_flow_m3_per_h:7.2f} m3/h score {d.score:.1f} "
            f"(area {len(d.confidence_nodes)} nodes, {d.confidence_radius_m:.0f} m)"
        )


@water.command("flats")
@click.option("--start", required=True, help="Aware ISO time, e.g. 2026-01-01T00:00+01:00.")
@click.option("--end", required=True, help="Aware ISO time (excluded).")
@click.option("--meter", "meters", type=int, multiple=True, help="Only these meter ids.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (a list of alerts).")
@click.pass_obj
def flats(obj: CliContext, start: str, end: str, meters: tuple[int, ...], as_json: bool) -> None:
    """Leaks in flats from customer water meters: continuous flow and sudden jumps."""
    from core.db.engine import make_engine
    from water.service import flat_leak_alerts

    alerts = flat_leak_alerts(make_engine(obj.settings), start, end, meter_ids=list(meters) or None)
    if as_json:
        click.echo(json.dumps([a.as_json() for a in alerts]))
        return
    for a in alerts:
        click.echo(
            f"meter {a.meter_id}: {a.kind.value} from {a.start.isoformat()} for {a.hours} h, "
            f"{a.flow_l_per_h:.1f} L/h{' (ongoing)' if a.ongoing else ''}"
        )


@water.command("balance")
@click.option(
    "--inflow",
    "inflow_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV timestamp,inflow_m3.",
)
@click.option(
    "--customers",
    "customers_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV timestamp,meter,consumption_m3.",
)
@click.option("--start", required=True, help="Aware ISO time.")
@click.option("--end", required=True, help="Aware ISO time (excluded).")
@click.option(
    "--properties", type=int, default=0, show_default=True, help="Connected properties (night use)."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def balance(
    inflow_file: str, customers_file: str, start: str, end: str, properties: int, as_json: bool
) -> None:
    """IWA water balance and minimum night flow of a DMA."""
    from water.service import balance_from_files

    result, night = balance_from_files(
        inflow_file, customers_file, start=start, end=end, properties=properties
    )
    doc = {
        "balance": {k: round(v, 3) for k, v in result.as_dict().items()},
        "night_flow": {
            "floor_m3_per_h": round(night.floor_m3_per_h, 3),
            "trend_m3_per_h_per_day": round(night.trend_m3_per_h_per_day, 4),
            "leakage_m3_per_day": round(night.leakage_m3_per_day, 2),
        },
    }
    if as_json:
        click.echo(json.dumps(doc))
        return
    for section, values in doc.items():
        click.echo(section + ": " + ", ".join(f"{k}={v}" for k, v in values.items()))


def _dma_month_doc(result) -> dict:
    """One DMA's month as JSON: balance, night flow, coverage and what is missing."""
    a = result.analysis
    doc: dict = {
        "dma": result.dma.name,
        "month": result.month,
        "hours_covered": a.hours_covered,
        "hours_in_period": a.hours_in_period,
        "problem": a.problem or None,
        "notes": list(a.notes),
        "balance": None,
        "night_flow": None,
    }
    if a.balance is not None:
        doc["balance"] = {k: round(v, 3) for k, v in a.balance.as_dict().items()}
    if a.night is not None:
        doc["night_flow"] = {
            "floor_m3_per_h": round(a.night.floor_m3_per_h, 3),
            "trend_m3_per_h_per_day": round(a.night.trend_m3_per_h_per_day, 4),
            "leakage_m3_per_day": round(a.night.leakage_m3_per_day, 2),
        }
    return doc


@water.command("dmas")
@click.option("--month", help="YYYY-MM (Europe/Warsaw); default: the latest month with data.")
@click.option("--dma", "names", multiple=True, help="Only these DMAs (district names).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (a list of DMAs).")
@click.pass_obj
def dmas(obj: CliContext, month: str | None, names: tuple[str, ...], as_json: bool) -> None:
    """IWA water balance and minimum night flow of the store's DMAs over a month."""
    from core.db.engine import make_engine
    from core.exceptions import InputError
    from water.service import dma_month, dma_months, store_dmas

    engine = make_engine(obj.settings)
    found = {d.name: d for d in store_dmas(engine)}
    unknown = [n for n in names if n not in found]
    if unknown:
        raise InputError(
            f"--dma: no DMA named {', '.join(map(repr, unknown))}; "
            f"the store has {', '.join(found) or 'none'}",
            field="dma",
        )
    if month is None:
        months = dma_months(engine)
        if not months:
            raise InputError("the store holds no DMA inflow readings; give --month", field="month")
        month = months[-1]
    docs = [_dma_month_doc(dma_month(engine, found[n], month)) for n in (names or found)]
    if as_json:
        click.echo(json.dumps(docs))
        return
    for d in docs:
        b, night = d["balance"], d["night_flow"]
        if b is None:
            click.echo(f"{d['dma']} {d['month']}: {d['problem']}")
            continue
        line = (
            f"{d['dma']} {d['month']}: input {b['system_input_m3']:.1f} m3, "
            f"NRW {b['non_revenue_water_m3']:.1f} m3 ({b['nrw_percent']:.1f} %), "
            f"real losses {b['real_losses_m3']:.1f} m3"
        )
        if night is not None:
            line += f", night-flow floor {night['floor_m3_per_h']:.2f} m3/h"
        click.echo(line + "".join(f"; {n}" for n in d["notes"]))


@water.command("region-network")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    help="The .inp file to write (default: <networks dir>/kof_region.inp).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Layout and terrain seed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def region_network(obj: CliContext, out_file: str | None, seed: int, as_json: bool) -> None:
    """Write an EPANET model of the store's reference region: a plant, a trunk main and one
    entry pipe per DMA (named after its inflow meter), buildings as demand junctions."""
    from pathlib import Path

    from core.db.engine import make_engine
    from water.dma_store import networks_dir
    from water.region_network import RESERVOIR, write_region_network

    out = Path(out_file) if out_file else networks_dir(obj.settings) / "kof_region.inp"
    wn = write_region_network(make_engine(obj.settings), out, seed=seed)
    entries = sorted(n for n in wn.pipe_name_list if n.startswith("DMA-"))
    doc = {
        "file": str(out),
        "seed": seed,
        "dmas": len(entries),
        "junctions": wn.num_junctions,
        "pipes": wn.num_pipes,
        "base_demand_m3_per_h": round(sum(j.base_demand for _, j in wn.junctions()) * 3600.0, 4),
        "reservoir_head_m": round(wn.get_node(RESERVOIR).base_head, 2),
        "entry_pipes": entries,
    }
    if as_json:
        click.echo(json.dumps(doc))
        return
    click.echo(
        f"wrote {out}: {doc['dmas']} DMAs, {doc['junctions']} junctions, {doc['pipes']} pipes, "
        f"base demand {doc['base_demand_m3_per_h']:.3f} m3/h, "
        f"reservoir head {doc['reservoir_head_m']:.1f} m"
    )


@water.command("dma-alarms")
@click.option(
    "--days", type=click.IntRange(10, 400), default=60, show_default=True, help="Nights looked at."
)
@click.option("--open-work-orders", is_flag=True, help="Open a work order per alarm.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (a list).")
@click.pass_obj
def dma_alarms(obj: CliContext, days: int, open_work_orders: bool, as_json: bool) -> None:
    """New leaks in the store's DMAs: a lasting step up of the minimum night flow."""
    from core.db.engine import make_engine
    from water.dma_alarms import dma_leak_alarms, open_dma_work_orders

    engine = make_engine(obj.settings)
    alarms = dma_leak_alarms(engine, days=days)
    orders = open_dma_work_orders(engine, alarms) if open_work_orders else []
    docs = [
        {"dma": a.dma.name, "asset": a.asset, **a.rise.as_json()}
        | ({"work_order": orders[i].id} if orders else {})
        for i, a in enumerate(alarms)
    ]
    if as_json:
        click.echo(json.dumps(docs))
        return
    if not docs:
        click.echo(f"no DMA's night flow stepped up in the last {days} days")
    for d in docs:
        order = f" (work order {d['work_order']})" if "work_order" in d else ""
        click.echo(
            f"{d['dma']}: night flow up {d['rise_m3_per_h']:.2f} m3/h since the night of "
            f"{d['first_night']} ({d['before_m3_per_h']:.2f} -> {d['after_m3_per_h']:.2f} m3/h, "
            f"score {d['score']:.1f}){order}"
        )
