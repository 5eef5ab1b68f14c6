"""A small checked scenario and measured totals for the dashboard services and views.

The scenario is the seeded overload of ``test_network_check`` (9 MW of PV at the end of the
urban cable feeder) with a growing electricity demand, a heat demand with a boiler and a
day-ahead price series, over 4 hours from 2026-01-14 00:00 local time (23:00 UTC).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from sqlalchemy import Engine, update

from core.db.engine import session_scope
from core.db.models import Meter
from core.enums import Medium, MeterKind
from core.timeseries import write_readings
from tests.energy_cluster.conftest import el_demand, heat_demand
from tests.energy_cluster.test_network_check import overloaded_feeder
from tests.factories import add_meters

START_UTC = pd.Timestamp("2026-01-13T23:00Z")
PRICE_PLN_PER_MWH = 300.0
EL_DEMAND_MW = [1.0, 2.0, 3.0, 4.0]
METER_KWH_PER_15MIN = 150.0  # each of two electricity meters: 0.6 MW
PV_KWH_PER_15MIN = 500.0  # the PV generation meter: 2 MW


def checked_feeder() -> dict[str, Any]:
    """The scenario mapping (name ``checked_feeder``)."""
    raw = overloaded_feeder()
    raw["name"] = "checked_feeder"
    raw["series"]["d_el"] = {"values": EL_DEMAND_MW}
    raw["series"]["d_heat"] = {"values": [2.0, 2.0, 2.0, 2.0]}
    raw["series"]["day_ahead_pln_per_mwh"] = {"constant": PRICE_PLN_PER_MWH, "unit": "PLN/MWh"}
    raw["units"][0]["price_pln_per_mwh"] = "day_ahead_pln_per_mwh"
    raw["units"].append(
        {
            "name": "gb",
            "type": "boiler",
            "heat_node": "dh",
            "q_th_max_mw": 4,
            "eta_th": 0.9,
            "fuel_price_pln_per_mwh": 200,
        }
    )
    raw["demands"] = [el_demand(), heat_demand()]
    return raw


def write_scenario(folder: Path) -> Path:
    """The scenario as a YAML file in ``folder``."""
    path = folder / "checked_feeder.yaml"
    path.write_text(yaml.safe_dump(checked_feeder(), sort_keys=False), encoding="utf-8")
    return path


def _readings(meter_id: int, kwh: float, quarters: int) -> pd.DataFrame:
    ts = pd.date_range(START_UTC, periods=quarters, freq="15min")
    return pd.DataFrame({"meter_id": meter_id, "ts": ts, "value": kwh})


def seed_actuals(engine: Engine) -> tuple[list[int], int]:
    """Two electricity meters (the second misses the last hour) and a PV generation meter.

    Returns:
        The electricity meter ids and the PV meter id.
    """
    el = add_meters(engine, 2, medium=Medium.ELECTRICITY, interval_s=900, prefix="E")
    (pv,) = add_meters(engine, 1, medium=Medium.ELECTRICITY, interval_s=900, prefix="P")
    with session_scope(engine) as session:
        session.execute(update(Meter).where(Meter.id == pv).values(meter_kind=MeterKind.GENERATION))
    write_readings(engine, _readings(el[0], METER_KWH_PER_15MIN, 16))
    write_readings(engine, _readings(el[1], METER_KWH_PER_15MIN, 12))
    write_readings(engine, _readings(pv, PV_KWH_PER_15MIN, 16))
    return el, pv
