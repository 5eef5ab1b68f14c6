"""Telemetry files: the long CSV ``timestamp,sensor,value`` of ``kof water leaks``.

Timestamps must carry a UTC offset (``2026-01-05T00:00:00Z``, ``...+01:00``); sensors are
``pressure:<node>`` or ``flow:<link>``. Inside the package pressure is metres of head and flow
m³/h; other units are converted on reading (``PRESSURE_UNITS``, ``FLOW_UNITS``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.timeutil import LOCAL_TZ_NAME
from water.exceptions import TelemetryError
from water.model import Sensor, SensorKind
from water.network import WaterNetwork

logger = logging.getLogger(__name__)

COLUMNS = ("timestamp", "sensor", "value")
# Factors to metres of water head and to m³/h.
PRESSURE_UNITS = {"m": 1.0, "bar": 10.197, "kPa": 0.10197, "psi": 0.70307}
FLOW_UNITS = {"m3/h": 1.0, "m3/s": 3600.0, "L/s": 3.6, "L/min": 0.06, "gpm": 0.22712}
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


@dataclass(frozen=True)
class Telemetry:
    """Telemetry read from a file.

    Attributes:
        wide: one column per sensor (pressure m, flow m³/h), UTC index, sorted.
        sensors: the sensors, in column order.
        tz: the clock the data's demand follows: the zone of the file's offsets when they change
            with daylight saving time (Europe/Warsaw), else UTC.
        source: the file.
    """

    wide: pd.DataFrame
    sensors: tuple[Sensor, ...]
    tz: str
    source: str = ""


def _fail(message: str, source: str, row: int, **kw: object) -> TelemetryError:
    return TelemetryError(
        f"{source or 'telemetry'}: line {row + 2}: {message}", file=source, row=row, **kw
    )


def parse_long(frame: pd.DataFrame, source: str = "") -> Telemetry:
    """Validate a long telemetry frame (columns timestamp, sensor, value, all as read).

    Raises:
        TelemetryError: a missing column, a timestamp without offset or unparsable, an unknown
            sensor kind, a value that is not a number; the message names the line and sensor.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise TelemetryError(
            f"{source or 'telemetry'}: missing column(s) {', '.join(missing)}; expected "
            "timestamp,sensor,value",
            file=source,
            field=missing[0],
        )
    if frame.empty:
        raise TelemetryError(f"{source or 'telemetry'}: no rows", file=source)
    raw_ts = frame["timestamp"].astype(str).str.strip()
    has_offset = raw_ts.str.contains(_OFFSET)
    if not has_offset.all():
        row = int(np.flatnonzero(~has_offset.to_numpy())[0])
        raise _fail(
            f"timestamp {raw_ts.iloc[row]!r} has no UTC offset; write e.g. 2026-01-05T00:00:00Z",
            source,
            row,
            field="timestamp",
            value=raw_ts.iloc[row],
            sensor=str(frame["sensor"].iloc[row]),
        )
    ts = pd.to_datetime(raw_ts, utc=True, errors="coerce", format="ISO8601")
    if ts.isna().any():
        row = int(np.flatnonzero(ts.isna().to_numpy())[0])
        raise _fail(
            f"timestamp {raw_ts.iloc[row]!r} is not a date and time",
            source,
            row,
            field="timestamp",
            value=raw_ts.iloc[row],
        )
    names = frame["sensor"].astype(str).str.strip()
    sensors: dict[str, Sensor] = {}
    for name in names.unique():
        try:
            sensors[name] = Sensor.parse(name)
        except ValueError as err:
            row = int(np.flatnonzero((names == name).to_numpy())[0])
            raise _fail(str(err), source, row, sensor=name, value=name) from err
    raw_values = frame["value"]
    values = pd.to_numeric(raw_values, errors="coerce")
    bad = values.isna() & raw_values.notna() & (raw_values.astype(str).str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise _fail(
            f"sensor {names.iloc[row]}: value {raw_values.iloc[row]!r} is not a number",
            source,
            row,
            sensor=names.iloc[row],
            field="value",
            value=raw_values.iloc[row],
        )
    offsets = (
        raw_ts.str.extract(r"(Z|[+-]\d{2}:?\d{2})$")[0]
        .str.replace("Z", "+00:00")
        .str.replace(":", "")
    )
    tz = LOCAL_TZ_NAME if offsets.nunique() > 1 else "UTC"
    long = pd.DataFrame({"timestamp": ts, "sensor": names, "value": values.astype(float)})
    gaps = long["value"].isna().groupby(long["sensor"]).sum()
    for name, count in gaps[gaps > 0].items():
        logger.warning("sensor %s: %d empty values (gaps)", name, int(count))
    dup = long.duplicated(["timestamp", "sensor"], keep="last")
    if dup.any():
        logger.warning("%d repeated (timestamp, sensor) rows: the last one is kept", int(dup.sum()))
        long = long[~dup]
    wide = long.pivot(index="timestamp", columns="sensor", values="value").sort_index()
    order = [sensors[c] for c in wide.columns]
    return Telemetry(wide, tuple(order), tz, source)


def read_telemetry(path: str | Path) -> Telemetry:
    """Read a long telemetry CSV (see ``parse_long``)."""
    file = Path(path)
    if not file.is_file():
        raise TelemetryError(f"telemetry file {file} does not exist", file=str(file))
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise TelemetryError(f"{file}: not a readable CSV: {err}", file=str(file)) from err
    return parse_long(frame.replace({"": None}), str(file))


def check_against_network(telemetry: Telemetry, network: WaterNetwork) -> None:
    """Raise UnknownElementError (naming the sensor and its first line) for a sensor not in the model."""
    network.check_sensors(telemetry.sensors)


def convert_units(
    telemetry: Telemetry, pressure_unit: str = "m", flow_unit: str = "m3/h"
) -> Telemetry:
    """Convert pressure to m and flow to m³/h from the units the file uses.

    Raises:
        TelemetryError: an unknown unit name.
    """
    if pressure_unit not in PRESSURE_UNITS:
        raise TelemetryError(
            f"pressure unit {pressure_unit!r}: expected one of {', '.join(PRESSURE_UNITS)}",
            field="pressure_unit",
            value=pressure_unit,
        )
    if flow_unit not in FLOW_UNITS:
        raise TelemetryError(
            f"flow unit {flow_unit!r}: expected one of {', '.join(FLOW_UNITS)}",
            field="flow_unit",
            value=flow_unit,
        )
    factors = [
        PRESSURE_UNITS[pressure_unit] if s.kind is SensorKind.PRESSURE else FLOW_UNITS[flow_unit]
        for s in telemetry.sensors
    ]
    wide = telemetry.wide * np.array(factors)
    return Telemetry(wide, telemetry.sensors, telemetry.tz, telemetry.source)


AUTO = "auto"
_AUTO_PRESSURE = ("m", "bar", "kPa")  # psi is too close to m to tell apart from levels
_AUTO_TOLERANCE = 2.0  # the chosen unit must bring the levels within this factor of the model's
_AUTO_KEEP = 3.0  # levels within this factor of the model's keep the platform's unit


def _pick_unit(
    telemetry: Telemetry,
    reference: dict[str, float],
    kind: SensorKind,
    units: dict[str, float],
    choices: tuple[str, ...],
    default: str,
    skip: set[str],
) -> tuple[str, str | None]:
    ratios = []
    for sensor in telemetry.sensors:
        expected = reference.get(sensor.name)
        if sensor.kind is not kind or expected is None or abs(expected) < 1e-3:
            continue
        if sensor.element in skip:
            continue
        observed = float(np.nanmedian(np.abs(telemetry.wide[sensor.name].to_numpy(dtype=float))))
        if np.isfinite(observed) and observed > 0:
            ratios.append(observed / abs(expected))
    if not ratios:
        return default, None
    ratio = float(np.median(ratios))
    best = min(choices, key=lambda u: abs(np.log(ratio * units[u])))
    if abs(np.log(ratio * units[default])) <= np.log(_AUTO_KEEP):
        return default, None  # close enough to the model in the platform's unit: keep it
    if abs(np.log(ratio * units[best])) > np.log(_AUTO_TOLERANCE):
        return default, (
            f"{kind.value} sensors read {ratio:.3g} times the model's levels; no unit explains it, "
            f"{default} assumed: give the unit"
        )
    if best != default:
        return (
            best,
            f"{kind.value} values look like {best} (median {ratio:.3g} x the model's level in {default}); converted",
        )
    return best, None


def infer_units(
    telemetry: Telemetry, reference: dict[str, float], tank_links: set[str] | None = None
) -> tuple[str, str, list[str]]:
    """Guess the pressure and flow units of raw telemetry from the model's levels.

    Pressure: m, bar or kPa; flow: m³/h, m³/s, L/s, L/min or gpm (the unit that brings the
    median level of the sensors nearest the model's; links at tanks, whose flow averages out,
    are left out). Levels within a factor 3 of the model's keep m and m³/h. A guess is logged
    as a warning; give the unit when it is known.

    Returns:
        (pressure unit, flow unit, notes).
    """
    notes = []
    skip = tank_links or set()
    pressure, note = _pick_unit(
        telemetry, reference, SensorKind.PRESSURE, PRESSURE_UNITS, _AUTO_PRESSURE, "m", skip
    )
    if note:
        notes.append(note)
    flow, note = _pick_unit(
        telemetry, reference, SensorKind.FLOW, FLOW_UNITS, tuple(FLOW_UNITS), "m3/h", skip
    )
    if note:
        notes.append(note)
    for text in notes:
        logger.warning("%s", text)
    return pressure, flow, notes


def check_plausible(
    telemetry: Telemetry, reference: dict[str, float], tank_links: set[str] | None = None
) -> list[str]:
    """Warn about sensors whose level is far from the model's (a unit or sign mismatch).

    Args:
        telemetry: converted telemetry.
        reference: the model's mean value per sensor name (pressure m, flow m³/h).
        tank_links: links at tanks, left out (their flow averages out over fill and draw).

    Returns:
        One message per suspicious sensor (also logged as warnings).
    """
    notes = []
    for sensor in telemetry.sensors:
        expected = reference.get(sensor.name)
        observed = float(telemetry.wide[sensor.name].mean())
        if expected is None or not np.isfinite(observed) or sensor.element in (tank_links or set()):
            continue
        scale = max(abs(expected), 1.0)
        if (
            sensor.kind is SensorKind.FLOW
            and expected * observed < 0
            and min(abs(observed), abs(expected)) > 5
        ):
            notes.append(
                f"sensor {sensor.name}: flows the other way than the model's link direction"
            )
        elif abs(observed) > 20 * scale or (abs(expected) > 5 and abs(observed) < scale / 20):
            notes.append(
                f"sensor {sensor.name}: mean {observed:.3g} against {expected:.3g} in the model; "
                "check its unit"
            )
    for note in notes:
        logger.warning("%s", note)
    return notes
