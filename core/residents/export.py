"""Data portability (RODO art. 15 and 20): everything the portal holds about a household.

Formats: JSON (account, consents, account log, premise, meters, readings), CSV (readings) and,
for electricity, Green Button ESPI XML (NAESB REQ.21 Energy Services Provider Interface: an
Atom feed of UsagePoint, MeterReading, ReadingType and IntervalBlocks; interval starts are Unix
seconds, so no LocalTimeParameters entry is written - its DST rule encoding is left out rather
than guessed).
Readings are exported raw with their quality flags, times in UTC and in Europe/Warsaw.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from core.accounts.privacy import account_data
from core.enums import Medium
from core.residents.access import premise_of, visible_meters
from core.residents.model import MeterInfo, MeterScope, Viewer
from core.timeseries import read_series
from core.timeutil import LOCAL_TZ_NAME

CSV_COLUMNS = ("meter_serial", "medium", "unit", "ts_utc", "ts_local", "value", "quality")
ESPI_NS = "http://naesb.org/espi"
ATOM_NS = "http://www.w3.org/2005/Atom"
_ESPI_KIND_ELECTRICITY = "0"  # ServiceCategory kind: electricity
_UOM_WH = "72"  # ReadingType uom: Wh
_ACCUMULATION_DELTA = "4"  # deltaData: consumption within each interval
_FLOW_FORWARD = "1"  # delivered to the customer
_KIND_ENERGY = "12"
_COMMODITY_ELECTRICITY_SECONDARY = "1"


def own_meters(engine: Engine, viewer: Viewer) -> list[MeterInfo]:
    """The household's own meters (building meters are not the household's data)."""
    return [m for m in visible_meters(engine, viewer) if m.scope is MeterScope.PREMISE]


def _readings(engine: Engine, meter: MeterInfo) -> pd.DataFrame:
    if meter.first_ts is None or meter.last_ts is None:
        return pd.DataFrame(columns=["ts", "value", "quality"])
    end = pd.Timestamp(meter.last_ts) + pd.Timedelta(seconds=1)
    return read_series(engine, meter.id, meter.first_ts, end)


def export_csv(engine: Engine, viewer: Viewer) -> Iterator[str]:
    """The household's readings as CSV, streamed a meter at a time (header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for meter in own_meters(engine, viewer):
        frame = _readings(engine, meter)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        utc = pd.DatetimeIndex(frame["ts"]).tz_convert("UTC") if len(frame) else []
        for ts_utc, ts_local, value, quality in zip(
            utc, frame["ts"], frame["value"], frame["quality"], strict=True
        ):
            writer.writerow(
                (
                    meter.serial_number,
                    meter.medium.value,
                    meter.unit,
                    ts_utc.isoformat(),
                    ts_local.isoformat(),
                    "" if pd.isna(value) else repr(float(value)),
                    quality,
                )
            )
        yield buffer.getvalue()


def export_json(engine: Engine, viewer: Viewer) -> dict[str, Any]:
    """Everything about the account and its household, as one JSON-ready document."""
    premise = premise_of(engine, viewer)
    meters = []
    for meter in own_meters(engine, viewer):
        frame = _readings(engine, meter)
        meters.append(
            {
                "serial_number": meter.serial_number,
                "medium": meter.medium.value,
                "unit": meter.unit,
                "interval_s": meter.interval_s,
                "readings": [
                    {
                        "ts": ts.isoformat(),
                        "value": None if pd.isna(v) else float(v),
                        "quality": q,
                    }
                    for ts, v, q in zip(frame["ts"], frame["value"], frame["quality"], strict=True)
                ],
            }
        )
    return {
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "controller": "KOF Utilities Platform (MCUK Kielce)",
        **account_data(engine, viewer.user_id),
        "premise": {
            "address": premise.address,
            "unit_number": premise.unit_number,
            "district": premise.district_name,
            "floor_area_m2": premise.floor_area_m2,
            "household_size": premise.household_size,
            "tariff": premise.tariff.value,
            "heating_source": premise.heating_source.value,
        },
        "meters": meters,
    }


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ESPI_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _entry(feed: ET.Element, entry_id: str, title: str, updated: str) -> ET.Element:
    entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
    ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = entry_id
    ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = updated
    return ET.SubElement(entry, f"{{{ATOM_NS}}}content")


def export_espi(engine: Engine, viewer: Viewer) -> bytes:
    """The household's electricity as a Green Button ESPI XML feed (values in Wh).

    One IntervalBlock per local day; each IntervalReading has the interval's start (Unix
    seconds), its duration and the energy delivered in Wh.
    """
    ET.register_namespace("", ATOM_NS)
    ET.register_namespace("espi", ESPI_NS)
    premise_of(engine, viewer)  # residents only
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = f"urn:kof:export:{viewer.user_id}"
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = "KOF Green Button export"
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = now

    for meter in own_meters(engine, viewer):
        if meter.medium is not Medium.ELECTRICITY:
            continue
        usage = _sub(
            _entry(feed, f"urn:kof:up:{meter.serial_number}", "UsagePoint", now), "UsagePoint"
        )
        _sub(_sub(usage, "ServiceCategory"), "kind", _ESPI_KIND_ELECTRICITY)
        _sub(
            _entry(feed, f"urn:kof:mr:{meter.serial_number}", meter.serial_number, now),
            "MeterReading",
        )
        rt = _sub(
            _entry(feed, f"urn:kof:rt:{meter.serial_number}", "Energy Delivered (Wh)", now),
            "ReadingType",
        )
        for tag, value in (
            ("accumulationBehaviour", _ACCUMULATION_DELTA),
            ("commodity", _COMMODITY_ELECTRICITY_SECONDARY),
            ("currency", "985"),  # ISO 4217 numeric: PLN
            ("flowDirection", _FLOW_FORWARD),
            ("intervalLength", str(meter.interval_s)),
            ("kind", _KIND_ENERGY),
            ("powerOfTenMultiplier", "0"),
            ("uom", _UOM_WH),
        ):
            _sub(rt, tag, value)
        frame = _readings(engine, meter)
        if frame.empty:
            continue
        frame = frame.assign(day=frame["ts"].dt.tz_convert(LOCAL_TZ_NAME).dt.date)
        for day, rows in frame.groupby("day", sort=True):
            content = _entry(feed, f"urn:kof:ib:{meter.serial_number}:{day}", str(day), now)
            block = _sub(content, "IntervalBlock")
            starts = pd.DatetimeIndex(rows["ts"]).tz_convert("UTC")
            interval = _sub(block, "interval")
            _sub(interval, "duration", str(meter.interval_s * len(rows)))
            _sub(interval, "start", str(int(starts[0].timestamp())))
            for ts, value in zip(starts, rows["value"], strict=True):
                if pd.isna(value):
                    continue
                reading = _sub(block, "IntervalReading")
                period = _sub(reading, "timePeriod")
                _sub(period, "duration", str(meter.interval_s))
                _sub(period, "start", str(int(ts.timestamp())))
                _sub(reading, "value", str(round(float(value) * 1000)))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
