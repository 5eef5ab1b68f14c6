"""Import of telemetry exported by another system (AMR head-end, SCADA) from CSV.

Two layouts are accepted:

- long: columns ``timestamp,meter,value[,unit]``, one reading per line;
- wide: a ``timestamp`` column and one column per meter serial number, optionally with the
  unit in the header (``E0000012 [kWh]``); an empty cell is no reading.

Every line is checked (timestamp with a time zone, known meter of the right medium, numeric
value, unit that matches or converts to the meter's); errors name the line and the column.
The valid readings are written in one transaction, or, with ``all_or_nothing``, nothing is
written when any line is wrong. Nothing is ever half written.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select

from core.db.models import Meter
from core.enums import Medium
from core.timeseries import write_readings
from metering.exceptions import ImportFileError
from metering.units import conversion_factor

logger = logging.getLogger(__name__)

LONG_COLUMNS = ("timestamp", "meter", "value")
_UNIT_IN_HEADER = re.compile(r"^\s*(?P<meter>[^\[\(]+?)\s*[\[\(](?P<unit>[^\]\)]+)[\]\)]\s*$")
_OFFSET = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$")
_UNIT_ALIASES = {"m³": "m3", "m^3": "m3", "kwh": "kWh", "wh": "Wh", "mwh": "MWh", "l": "L"}
MAX_ERRORS_KEPT = 1000


@dataclass(frozen=True)
class RowError:
    """One refused reading: the file line (1 = header), the column, and why."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass
class ImportReport:
    """What an import did."""

    file: str
    layout: str
    medium: str
    lines: int = 0
    readings_valid: int = 0
    readings_written: int = 0
    errors: list[RowError] = field(default_factory=list)
    n_errors: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "layout": self.layout,
            "medium": self.medium,
            "lines": self.lines,
            "readings_valid": self.readings_valid,
            "readings_written": self.readings_written,
            "errors": self.n_errors,
            "first_errors": [str(e) for e in self.errors[:50]],
        }


@dataclass(frozen=True)
class MeterInfo:
    meter_id: int
    medium: Medium
    unit: str


def _norm_unit(unit: str) -> str:
    unit = unit.strip()
    return _UNIT_ALIASES.get(unit.lower(), _UNIT_ALIASES.get(unit, unit))


def _parse_ts(text: str) -> pd.Timestamp | str:
    """An aware UTC timestamp, or the reason the text is not one."""
    text = text.strip()
    if not text:
        return "missing timestamp"
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError):
        return f"{text!r} is not a timestamp; expected ISO 8601 with an offset, e.g. 2026-01-01T00:00+01:00"
    if ts is pd.NaT:
        return "missing timestamp"
    if ts.tzinfo is None or not _OFFSET.search(text):
        return f"timestamp {text!r} has no time zone; give an offset or Z"
    return ts.tz_convert("UTC")


def _parse_value(text: str) -> float | str:
    text = text.strip()
    if not text:
        return "missing value"
    try:
        value = (
            float(text.replace(",", "."))
            if text.count(",") == 1 and "." not in text
            else float(text)
        )
    except ValueError:
        return f"{text!r} is not a number"
    if not math.isfinite(value):
        return f"{text!r} is not a finite number"
    return value


class _Collector:
    """Readings and errors of one file, checked against the store's meters."""

    def __init__(self, meters: dict[str, MeterInfo], medium: Medium, report: ImportReport):
        self.meters = meters
        self.medium = medium
        self.report = report
        self.rows: list[tuple[int, pd.Timestamp, float]] = []
        self.seen: dict[tuple[int, pd.Timestamp], tuple[float, int]] = {}

    def error(self, line: int, column: str, message: str) -> None:
        self.report.n_errors += 1
        if len(self.report.errors) < MAX_ERRORS_KEPT:
            self.report.errors.append(RowError(line, column, message))

    def add(
        self, line: int, ts_text: str, serial: str, value_text: str, unit: str | None, column: str
    ) -> None:
        ts = _parse_ts(ts_text)
        if isinstance(ts, str):
            self.error(line, "timestamp", ts)
            return
        meter = self.meters.get(serial.strip())
        if meter is None:
            self.error(line, column, f"unknown meter {serial.strip()!r}")
            return
        if meter.medium is not self.medium:
            self.error(
                line,
                column,
                f"meter {serial.strip()} measures {meter.medium.value}, not {self.medium.value}",
            )
            return
        value = _parse_value(value_text)
        if isinstance(value, str):
            self.error(line, "value" if column == "meter" else column, value)
            return
        if unit:
            factor = conversion_factor(_norm_unit(unit), meter.unit)
            if factor is None:
                self.error(
                    line, "unit", f"unit {unit!r} does not convert to the meter's {meter.unit}"
                )
                return
            value *= factor
        key = (meter.meter_id, ts)
        if key in self.seen:
            earlier_value, earlier_line = self.seen[key]
            if earlier_value != value:
                self.error(
                    line,
                    column,
                    f"meter {serial.strip()} at {ts_text.strip()} already has {earlier_value} on line {earlier_line}",
                )
            return
        self.seen[key] = (value, line)
        self.rows.append((meter.meter_id, ts, value))


def _meters(engine: Engine, serials: set[str]) -> dict[str, MeterInfo]:
    out: dict[str, MeterInfo] = {}
    items = sorted(serials)
    with engine.connect() as conn:
        for i in range(0, len(items), 500):
            rows = conn.execute(
                select(Meter.serial_number, Meter.id, Meter.medium, Meter.unit).where(
                    Meter.serial_number.in_(items[i : i + 500])
                )
            ).all()
            for serial, meter_id, medium, unit in rows:
                out[serial] = MeterInfo(meter_id, Medium(medium), unit)
    return out


def _read(path: Path) -> list[list[str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            sample = fh.read(4096)
            fh.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            return [row for row in csv.reader(fh, dialect)]
    except OSError as err:
        raise ImportFileError(f"cannot read the file: {err.strerror}", file=str(path)) from err
    except UnicodeDecodeError as err:
        raise ImportFileError(f"not UTF-8 text: {err}", file=str(path)) from err


def parse_telemetry(
    path: str | Path, medium: Medium | str, engine: Engine
) -> tuple[pd.DataFrame, ImportReport]:
    """Read and check a telemetry CSV; returns the valid readings and the report."""
    path = Path(path)
    medium = Medium(medium)
    rows = _read(path)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportFileError("the file is empty; expected a header line", file=str(path))
    header = [h.strip() for h in rows[0]]
    lower = [h.lower() for h in header]
    long = all(c in lower for c in LONG_COLUMNS)
    report = ImportReport(str(path), "long" if long else "wide", medium.value, lines=len(rows) - 1)
    body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(cell.strip() for cell in r)]
    if long:
        col = {name: lower.index(name) for name in (*LONG_COLUMNS, "unit") if name in lower}
        serials = {r[col["meter"]].strip() for _, r in body if len(r) > col["meter"]}
        collector = _Collector(_meters(engine, serials), medium, report)
        for line, r in body:
            if len(r) != len(header):
                collector.error(line, "-", f"{len(r)} fields, the header has {len(header)}")
                continue
            unit = r[col["unit"]] if "unit" in col else None
            collector.add(
                line, r[col["timestamp"]], r[col["meter"]], r[col["value"]], unit or None, "meter"
            )
    else:
        if lower[0] not in ("timestamp", "time", "ts") or len(header) < 2:
            raise ImportFileError(
                "unknown layout: expected columns timestamp,meter,value[,unit] (long) or "
                "timestamp followed by one column per meter serial (wide)",
                file=str(path),
            )
        columns: list[tuple[str, str | None]] = []
        for name in header[1:]:
            match = _UNIT_IN_HEADER.match(name)
            columns.append((match["meter"], match["unit"]) if match else (name, None))
        collector = _Collector(_meters(engine, {m for m, _ in columns}), medium, report)
        for j, (serial, _) in enumerate(columns, start=1):
            if serial not in collector.meters:
                collector.error(1, header[j], f"unknown meter {serial!r}")
        for line, r in body:
            if len(r) != len(header):
                collector.error(line, "-", f"{len(r)} fields, the header has {len(header)}")
                continue
            for j, (serial, unit) in enumerate(columns, start=1):
                if not r[j].strip() or serial not in collector.meters:
                    continue  # an empty cell is no reading
                collector.add(line, r[0], serial, r[j], unit, header[j])
    frame = pd.DataFrame(collector.rows, columns=["meter_id", "ts", "value"])
    frame["reason"] = f"imported from {path.name}"[:200]
    report.readings_valid = len(frame)
    return frame, report


def import_csv(
    engine: Engine, path: str | Path, medium: Medium | str, *, all_or_nothing: bool = False
) -> ImportReport:
    """Import a telemetry CSV into the store.

    Args:
        engine: the store.
        path: the CSV file.
        medium: what the meters in the file measure; a meter of another medium is an error.
        all_or_nothing: write nothing when any line is wrong.

    Returns:
        The report: lines read, readings valid and written, the errors with their lines.

    Raises:
        ImportFileError: unreadable or empty file, unknown layout, or (all-or-nothing) any
            error; nothing was written.
    """
    frame, report = parse_telemetry(path, medium, engine)
    if report.n_errors and all_or_nothing:
        raise ImportFileError(
            f"{report.n_errors} line(s) refused, nothing imported (--all-or-nothing); "
            f"first: {report.errors[0]}",
            file=str(path),
            errors=[str(e) for e in report.errors],
        )
    if not frame.empty:
        report.readings_written = write_readings(engine, frame)
    logger.info(
        "%s: %d readings written, %d line errors",
        report.file,
        report.readings_written,
        report.n_errors,
    )
    return report
