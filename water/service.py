"""Use cases of the water package: leaks from telemetry files, work orders, flat alerts, the
water balance and night flows of the store's DMAs per month.

These are the functions the CLI, the dashboards and the resident portal call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from core.db.engine import session_factory
from core.db.models import Meter
from core.enums import Medium, Resolution
from core.maintenance.enums import Priority
from core.maintenance.service import ItemView, open_item
from core.timeseries import read_series
from core.timeutil import require_aware
from water.balance import WaterBalance, dma_balance
from water.config import LeakDetectorSettings
from water.dma_store import DmaMonth as DmaMonth
from water.dma_store import StoreDma as StoreDma
from water.dma_store import dma_month as dma_month
from water.dma_store import dma_months as dma_months
from water.dma_store import networks_dir as networks_dir
from water.dma_store import store_dmas as store_dmas
from water.epanet import model_sensor_means
from water.exceptions import TelemetryError
from water.flats import FlatAlert, flat_alerts
from water.leaks.detect import detect_leaks
from water.leaks.locate import leak_sensitivity
from water.model import LeakDetection, LeakKind
from water.network import load_network
from water.nightflow import NightFlowAnalysis, minimum_night_flow
from water.pumps import PumpHealth
from water.telemetry import AUTO, check_plausible, convert_units, infer_units, read_telemetry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LeakReport:
    """What ``leaks_from_files`` found.

    Attributes:
        network: the network file's stem.
        detections: the leaks, in order of detection.
        train_until: end of the normal period.
        threshold: the CUSUM alarm threshold.
        notes: warnings about the input (units, gaps, constant sensors).
    """

    network: str
    detections: tuple[LeakDetection, ...]
    train_until: pd.Timestamp
    threshold: float
    notes: tuple[str, ...] = field(default_factory=tuple)


def parse_time(value: str | None, field_name: str) -> pd.Timestamp | None:
    """An aware time from the command line; naive or malformed times are refused."""
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except ValueError as err:
        raise TelemetryError(
            f"--{field_name.replace('_', '-')}: {value!r} is not a time",
            field=field_name,
            value=value,
        ) from err
    if ts.tzinfo is None:
        raise TelemetryError(
            f"--{field_name.replace('_', '-')}: {value!r} has no UTC offset; write e.g. 2026-01-12T00:00:00Z",
            field=field_name,
            value=value,
        )
    return ts.tz_convert("UTC")


def leaks_from_files(
    network_file: str | Path,
    telemetry_file: str | Path,
    *,
    train_until: str | pd.Timestamp | None = None,
    pressure_unit: str = AUTO,
    flow_unit: str = AUTO,
    settings: LeakDetectorSettings | None = None,
) -> LeakReport:
    """Detect and locate leaks in a telemetry CSV against an EPANET network.

    Units: pressure m/bar/kPa/psi, flow m3/h, m3/s, L/s, L/min or gpm; ``auto`` (default) picks
    the unit whose levels match the model's and says so in a warning.

    Raises:
        NetworkFileError: the network cannot be read.
        TelemetryError: a malformed row, a naive timestamp, an unknown sensor (named), bad units.
    """
    network = load_network(network_file)
    raw = read_telemetry(telemetry_file)
    network.check_sensors(raw.sensors)
    limit = parse_time(train_until, "train_until") if isinstance(train_until, str) else train_until
    reference = model_sensor_means(network.wn, raw.sensors, hours=72, source=network.source)
    tanks = set(network.wn.tank_name_list)
    tank_links = {
        name
        for name, link in network.wn.links()
        if {link.start_node_name, link.end_node_name} & tanks
    }
    notes: list[str] = []
    if AUTO in (pressure_unit, flow_unit):
        guessed_p, guessed_f, notes = infer_units(raw, reference, tank_links)
        pressure_unit = guessed_p if pressure_unit == AUTO else pressure_unit
        flow_unit = guessed_f if flow_unit == AUTO else flow_unit
    telemetry = convert_units(raw, pressure_unit, flow_unit)
    notes += check_plausible(telemetry, reference, tank_links)
    sensitivity = leak_sensitivity(network, telemetry.sensors)
    run = detect_leaks(
        network, telemetry.wide, sensitivity, train_until=limit, tz=telemetry.tz, settings=settings
    )
    return LeakReport(
        Path(network_file).stem, run.detections, run.train_until, run.threshold, tuple(notes)
    )


def leak_priority(detection: LeakDetection) -> Priority:
    """Bursts and big leaks first: urgent above 20 m³/h, high for bursts, medium otherwise."""
    if detection.estimated_flow_m3_per_h >= 20.0:
        return Priority.URGENT
    if detection.kind is LeakKind.ABRUPT:
        return Priority.HIGH
    return Priority.MEDIUM


def open_leak_work_orders(engine: Engine, report: LeakReport) -> list[ItemView]:
    """Open (or update) one work order per detected leak in the shared maintenance queue."""
    items = []
    for d in report.detections:
        asset = (
            f"water:{report.network}/pipe:{d.pipe}"
            if d.pipe
            else f"water:{report.network}/node:{d.location}"
        )
        items.append(
            open_item(
                engine,
                medium=Medium.WATER,
                asset=asset,
                kind="leak",
                title=(
                    f"{d.kind.value} leak near node {d.location}, about {d.estimated_flow_m3_per_h:.1f} m³/h "
                    f"since {d.start:%Y-%m-%d %H:%M} UTC"
                ),
                evidence=d.as_json(),
                priority=leak_priority(d),
                detected_at=d.detected_at,
            )
        )
    return items


def flat_leak_alerts(
    engine: Engine,
    start: pd.Timestamp | str,
    end: pd.Timestamp | str,
    *,
    meter_ids: list[int] | None = None,
) -> list[FlatAlert]:
    """Leak alerts of flats' water meters over [start, end) (the resident portal calls this).

    Args:
        engine: the store.
        start, end: aware bounds.
        meter_ids: the meters to check (default: every water meter of a premise).

    Raises:
        InputError: naive bounds; UnknownMeterError: an id the store does not know.
    """
    lo = require_aware(pd.Timestamp(start), "start")
    hi = require_aware(pd.Timestamp(end), "end")
    if meter_ids is None:
        with session_factory(engine)() as session:
            meter_ids = list(
                session.scalars(
                    select(Meter.id).where(
                        Meter.medium == Medium.WATER, Meter.premise_id.is_not(None)
                    )
                )
            )
    if not meter_ids:
        return []
    hourly = read_series(engine, meter_ids, lo, hi, Resolution.HOUR)
    hourly = hourly.assign(value=hourly["value"].where(hourly["n_readings"] > 0))
    alerts = flat_alerts(hourly[["meter_id", "ts", "value"]])
    logger.info("%d flat alerts over %d meters", len(alerts), len(meter_ids))
    return alerts


def open_pump_work_order(engine: Engine, asset: str, health: PumpHealth) -> ItemView | None:
    """Open (or update) a work order for a degraded pump; None when the pump is healthy."""
    if not health.degraded:
        return None
    return open_item(
        engine,
        medium=Medium.WATER,
        asset=asset,
        kind="pump_health",
        title=f"pump {asset}: " + "; ".join(health.reasons),
        evidence={
            "efficiency": list(health.efficiency),
            "specific_energy_kwh_per_m3": list(health.specific_energy_kwh_per_m3),
            "efficiency_drift_pct_per_30d": health.efficiency_drift_pct_per_30d,
            "head_deficit_m": health.head_deficit_m,
            "anomaly_share": health.anomaly_share,
        },
        priority=Priority.MEDIUM,
    )


def _read_volumes(path: str | Path, columns: tuple[str, ...]) -> pd.DataFrame:
    file = Path(path)
    if not file.is_file():
        raise TelemetryError(f"{file} does not exist", file=str(file))
    frame = pd.read_csv(file, dtype=str)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TelemetryError(
            f"{file}: missing column {missing[0]}; expected {','.join(columns)}",
            file=str(file),
            field=missing[0],
        )
    text = frame["timestamp"].str.strip()
    naive = ~text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$")
    if naive.any():
        row = int(naive.to_numpy().nonzero()[0][0])
        raise TelemetryError(
            f"{file}: line {row + 2}: timestamp {text.iloc[row]!r} has no UTC offset",
            file=str(file),
            row=row,
            field="timestamp",
        )
    frame["timestamp"] = pd.to_datetime(text, utc=True, format="ISO8601")
    value = columns[-1]
    numbers = pd.to_numeric(frame[value], errors="coerce")
    if numbers.isna().any():
        row = int(numbers.isna().to_numpy().nonzero()[0][0])
        raise TelemetryError(
            f"{file}: line {row + 2}: {value} {frame[value].iloc[row]!r} is not a number",
            file=str(file),
            row=row,
            field=value,
        )
    frame[value] = numbers
    return frame


def balance_from_files(
    inflow_file: str | Path,
    customers_file: str | Path,
    *,
    start: str,
    end: str,
    properties: int = 0,
) -> tuple[WaterBalance, NightFlowAnalysis]:
    """IWA balance and minimum night flow of a DMA from two CSVs.

    Args:
        inflow_file: ``timestamp,inflow_m3`` (net inflow volume per interval, labelled by its start).
        customers_file: ``timestamp,meter,consumption_m3`` (billed meters' volumes per interval).
        start, end: the period (aware ISO times).
        properties: connected properties (legitimate night use).
    """
    lo, hi = parse_time(start, "start"), parse_time(end, "end")
    inflow = (
        _read_volumes(inflow_file, ("timestamp", "inflow_m3"))
        .set_index("timestamp")["inflow_m3"]
        .sort_index()
    )
    customers = _read_volumes(customers_file, ("timestamp", "meter", "consumption_m3")).pivot_table(
        index="timestamp", columns="meter", values="consumption_m3", aggfunc="sum"
    )
    balance = dma_balance(inflow, customers, lo, hi)
    step_h = inflow.index.to_series().diff().median().total_seconds() / 3600.0
    rate = inflow[(inflow.index >= lo) & (inflow.index < hi)] / max(step_h, 1e-9)
    return balance, minimum_night_flow(rate, properties=properties)


@dataclass(frozen=True)
class NetworkLayout:
    """A network model drawn from its own coordinates (no map tiles).

    Attributes:
        name: the model file's stem (the ``water:<name>/...`` of work-order assets).
        nodes: name, kind (Junction, Tank, Reservoir), x, y.
        links: name, kind (Pipe, Pump, Valve), start, end, x0, y0, x1, y1.
    """

    name: str
    nodes: pd.DataFrame
    links: pd.DataFrame


def network_layout(path: str | Path) -> NetworkLayout:
    """The nodes and links of an EPANET model with their coordinates.

    Raises:
        NetworkFileError: the file is missing or unreadable.
    """
    network = load_network(path)
    wn = network.wn
    nodes = pd.DataFrame(
        [
            (name, node.node_type, float(node.coordinates[0]), float(node.coordinates[1]))
            for name, node in wn.nodes()
        ],
        columns=["name", "kind", "x", "y"],
    )
    at = nodes.set_index("name")
    links = pd.DataFrame(
        [
            (name, link.link_type, link.start_node_name, link.end_node_name)
            for name, link in wn.links()
        ],
        columns=["name", "kind", "start", "end"],
    )
    for end, suffix in (("start", "0"), ("end", "1")):
        links[f"x{suffix}"] = at["x"].reindex(links[end]).to_numpy()
        links[f"y{suffix}"] = at["y"].reindex(links[end]).to_numpy()
    return NetworkLayout(name=Path(path).stem, nodes=nodes, links=links)


@dataclass(frozen=True)
class AssetElement:
    """Where a water work order's asset sits in a network model: ``water:<network>/<kind>:<id>``."""

    network: str
    kind: str  # "pipe" or "node"
    element: str


def asset_element(asset: str) -> AssetElement | None:
    """Parse a work-order asset such as ``water:Net3/pipe:P-12``; None when it names no element."""
    if not asset.startswith("water:") or "/" not in asset:
        return None
    network, _, rest = asset.removeprefix("water:").partition("/")
    kind, _, element = rest.partition(":")
    if not network or kind not in ("pipe", "node") or not element:
        return None
    return AssetElement(network=network, kind=kind, element=element)
