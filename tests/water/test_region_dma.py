"""The water balance and night flows of the reference region's DMAs, from the store.

The generator knows what it put into every DMA (``RegionSummary.dmas``); the water package only
sees the stored inflow and customer readings. Tolerances:

- the balance closes (system input = authorised + losses) to ``CLOSE_TOL_M3``;
- system input and billed volumes equal the generated ones to ``VOLUME_TOL_REL`` (rounding);
- real losses from the balance are within ``REAL_LOSS_TOL_SHARE_OF_INPUT`` of system input of
  the injected ones: the balance uses the planning values (unbilled use 1.25 % of input, meters
  missing 2 %), the generator draws them per day and per meter (1-3 %), which in a DMA of a few
  meters moves the estimate by up to ~1 % of input;
- the burst raises the nightly minimum flow by its flow at night pressure within
  ``BURST_STEP_TOL_REL``;
- the night-flow leakage (20 h a day, 1.7 L/h per household) is within ``MNF_LEAKAGE_TOL_REL``
  of the injected real losses where those exceed the households' night use allowance.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.exceptions import InputError
from core.region import RegionSummary, generate_region
from core.region.dma import DmaTruth
from core.settings import Settings
from core.timeseries import TimeSeriesStore
from water import service as water

START = dt.date(2026, 2, 1)  # a whole month: the balance of 2026-02 covers the whole period
DAYS = 28
PREMISES = 120
SEED = 2030
CLOSE_TOL_M3 = 1e-6
VOLUME_TOL_REL = 1e-9
REAL_LOSS_TOL_SHARE_OF_INPUT = 0.01
BURST_STEP_TOL_REL = 0.15
MNF_LEAKAGE_TOL_REL = 0.4


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, RegionSummary]:
    folder = tmp_path_factory.mktemp("dma_region")
    engine = make_engine(Settings(database_url=f"sqlite:///{folder / 'kof.db'}", var_dir=folder))
    upgrade(engine)
    summary = generate_region(
        engine, TimeSeriesStore(engine), premises=PREMISES, days=DAYS, seed=SEED, start=START
    )
    yield engine, summary
    engine.dispose()


def _by_name(summary: RegionSummary) -> dict[str, DmaTruth]:
    return {t.name: t for t in summary.dmas}


def test_every_district_is_a_dma_with_its_inflow_and_customers(region) -> None:
    engine, summary = region
    dmas = water.store_dmas(engine)
    truth = _by_name(summary)
    assert {d.name for d in dmas} == set(truth)
    assert len(dmas) == summary.districts
    customers = [m for d in dmas for m in d.customer_meter_ids]
    assert len(customers) == len(set(customers)) == PREMISES  # each water meter in one DMA
    for dma in dmas:
        assert len(dma.inflow_meter_ids) == 1
        assert len(dma.customer_meter_ids) == truth[dma.name].premises
        assert 0 < dma.properties <= truth[dma.name].premises
    assert water.dma_months(engine) == ["2026-02"]


def test_the_balance_closes_and_finds_the_injected_real_losses(region) -> None:
    engine, summary = region
    truth = _by_name(summary)
    for dma in water.store_dmas(engine):
        result = water.dma_month(engine, dma, "2026-02")
        a, t = result.analysis, truth[dma.name]
        assert a.problem == ""
        assert a.notes == ()
        assert a.hours_covered == a.hours_in_period == DAYS * 24
        b = a.balance
        assert b is not None
        assert b.system_input_m3 == pytest.approx(t.system_input_m3, rel=VOLUME_TOL_REL)
        assert b.billed_metered_m3 == pytest.approx(t.customers_registered_m3, rel=VOLUME_TOL_REL)
        assert b.authorised_m3 + b.water_losses_m3 == pytest.approx(
            b.system_input_m3, abs=CLOSE_TOL_M3
        )
        assert b.apparent_losses_m3 + b.real_losses_m3 == pytest.approx(
            b.water_losses_m3, abs=CLOSE_TOL_M3
        )
        assert abs(b.real_losses_m3 - t.real_losses_m3) <= (
            REAL_LOSS_TOL_SHARE_OF_INPUT * t.system_input_m3
        ), dma.name
        # the generated components themselves add up to the stored inflow (1 L rounding)
        parts = t.customers_true_m3 + t.unbilled_authorised_m3 + t.unauthorised_m3
        assert parts + t.real_losses_m3 == pytest.approx(t.system_input_m3, abs=0.0005 * DAYS * 24)


def test_the_seeded_burst_shows_in_the_night_flows(region) -> None:
    engine, summary = region
    burst = [t for t in summary.dmas if t.burst_start_utc is not None]
    assert len(burst) == 1
    t = burst[0]
    dma = {d.name: d for d in water.store_dmas(engine)}[t.name]
    night = water.dma_month(engine, dma, "2026-02").analysis.night
    assert night is not None
    start_local = pd.Timestamp(t.burst_start_utc).tz_convert("Europe/Warsaw")
    dates = pd.Index(night.nightly.index)
    mnf = night.nightly["mnf_m3_per_h"]
    before = mnf[dates < start_local.date()].median()
    after = mnf[dates > start_local.date()].median()
    # at night the zone is at its night pressure (50 m), where the burst flows 1.6 m³/h
    assert after - before == pytest.approx(t.burst_m3_per_h_at_50_m, rel=BURST_STEP_TOL_REL)
    assert night.trend_m3_per_h_per_day > 0.02
    others = [
        water.dma_month(engine, d, "2026-02").analysis.night
        for d in water.store_dmas(engine)
        if d.name != t.name
    ]
    assert all(abs(o.trend_m3_per_h_per_day) < 0.2 * night.trend_m3_per_h_per_day for o in others)


def test_night_flow_leakage_is_near_the_injected_real_losses(region) -> None:
    engine, summary = region
    checked = 0
    for dma in water.store_dmas(engine):
        t = _by_name(summary)[dma.name]
        allowance_m3_per_day = dma.properties * 1.7e-3 * 20.0
        if t.burst_start_utc is not None or t.real_losses_m3 / DAYS < 2 * allowance_m3_per_day:
            continue  # MNF cannot see leakage below the households' night use
        night = water.dma_month(engine, dma, "2026-02").analysis.night
        assert night is not None
        assert night.leakage_m3_per_day == pytest.approx(
            t.real_losses_m3 / DAYS, rel=MNF_LEAKAGE_TOL_REL
        ), dma.name
        checked += 1
    assert checked >= 2  # the two rural gminas at least


def test_region_nrw_is_in_the_published_range(tmp_path: Path) -> None:
    """Without a burst (under 14 days) the region's NRW lies in the range of published figures:
    EU average network losses above 20 % (EurEau), NIK audits 20-58 %, a city network below."""
    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'kof.db'}"))
    upgrade(engine)
    summary = generate_region(
        engine, TimeSeriesStore(engine), premises=300, days=7, seed=SEED, start=START
    )
    engine.dispose()
    assert all(t.burst_start_utc is None for t in summary.dmas)
    si = sum(t.system_input_m3 for t in summary.dmas)
    billed = sum(t.customers_registered_m3 for t in summary.dmas)
    nrw = 1.0 - billed / si
    assert 0.08 < nrw < 0.30
    real = sum(t.real_losses_m3 for t in summary.dmas)
    assert 0.05 < real / si < nrw


def test_months_without_data_bad_months_and_dmas_without_inflow(region) -> None:
    engine, _ = region
    dma = water.store_dmas(engine)[0]
    empty = water.dma_month(engine, dma, "2026-05").analysis
    assert empty.balance is None
    assert empty.night is None
    assert empty.problem == "no inflow readings in the period"
    for bad in ("2026-13", "Feb 2026", "", "2026-2"):
        with pytest.raises(InputError) as info:
            water.dma_month(engine, dma, bad)
        assert info.value.field == "month"
    blind = water.StoreDma(dma.name, (), dma.customer_meter_ids, dma.properties)
    assert water.dma_month(engine, blind, "2026-02").analysis.problem == (
        "the DMA has no inflow meter"
    )


def test_a_gap_in_the_inflow_is_named_not_hidden(region, tmp_path: Path) -> None:
    engine, _ = region
    dma = water.store_dmas(engine)[0]
    copy = tmp_path / "gap.db"
    with sqlite3.connect(str(engine.url.database)) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    gap_engine = make_engine(Settings(database_url=f"sqlite:///{copy}"))
    meter = dma.inflow_meter_ids[0]
    with gap_engine.begin() as conn:
        ts = conn.execute(
            text("SELECT ts FROM readings WHERE meter_id = :m ORDER BY ts LIMIT 3 OFFSET 100"),
            {"m": meter},
        ).scalars()
        for stamp in list(ts):
            conn.execute(
                text("DELETE FROM readings WHERE meter_id = :m AND ts = :t"),
                {"m": meter, "t": stamp},
            )
        conn.execute(
            text("DELETE FROM readings WHERE meter_id = :m AND ts IN "
                 "(SELECT ts FROM readings WHERE meter_id = :m ORDER BY ts LIMIT 2)"),
            {"m": dma.customer_meter_ids[0]},
        )  # fmt: skip
    a = water.dma_month(gap_engine, dma, "2026-02").analysis
    gap_engine.dispose()
    assert a.balance is None
    assert a.night is not None
    assert a.hours_covered == DAYS * 24 - 3
    assert "3 intervals without a reading" in a.problem
    assert a.notes == (
        f"customer meters miss 2 of {len(dma.customer_meter_ids) * DAYS * 24} hourly readings "
        "in the span: billed volumes read low and losses high",
    )


def test_the_networks_folder_is_a_setting(tmp_path: Path) -> None:
    assert water.networks_dir(Settings(var_dir=tmp_path)) == tmp_path / "water" / "networks"
    assert water.networks_dir(Settings(water_networks_dir=tmp_path / "nets")) == tmp_path / "nets"
    assert water.networks_dir(Settings()) == Path("var") / "water" / "networks"


def test_kof_water_dmas_prints_each_dma_month_from_the_store(region, tmp_path: Path) -> None:
    from tests.core.test_cli import run_kof

    engine, summary = region
    env = {"KOF_DATABASE_URL": str(engine.url), "KOF_VAR_DIR": str(tmp_path)}
    result = run_kof("water", "dmas", "--json", env=env)
    assert result.returncode == 0, result.stderr
    docs = {d["dma"]: d for d in json.loads(result.stdout)}
    assert set(docs) == {t.name for t in summary.dmas}
    for doc in docs.values():
        assert doc["month"] == "2026-02"
        b = doc["balance"]
        assert b["system_input_m3"] == pytest.approx(
            b["authorised_m3"] + b["water_losses_m3"], abs=1e-2
        )
        assert doc["night_flow"]["floor_m3_per_h"] >= 0

    name = sorted(docs)[0]
    one = run_kof("water", "dmas", "--month", "2026-02", "--dma", name, env=env)
    assert one.returncode == 0
    assert one.stdout.startswith(f"{name} 2026-02: input ")

    bad = run_kof("water", "dmas", "--dma", "Atlantyda", env=env)
    assert bad.returncode == 2
    assert "no DMA named 'Atlantyda'" in bad.stderr
    bad_month = run_kof("water", "dmas", "--month", "2026-13", env=env)
    assert bad_month.returncode == 2
    assert "month" in bad_month.stderr


def test_the_burst_raises_one_dma_alarm_and_one_work_order(region) -> None:
    from core.maintenance import service as maintenance
    from water.dma_alarms import dma_leak_alarms, open_dma_work_orders

    engine, summary = region
    t = next(t for t in summary.dmas if t.burst_start_utc is not None)
    alarms = dma_leak_alarms(engine, days=DAYS)
    assert [a.dma.name for a in alarms] == [t.name]  # no false alarm in the other DMAs
    rise = alarms[0].rise
    start_local = pd.Timestamp(t.burst_start_utc).tz_convert("Europe/Warsaw")
    # the first night at the new level: the night after the burst began (or that night)
    assert 0 <= (rise.first_night - start_local.date()).days <= 1
    assert rise.rise_m3_per_h == pytest.approx(t.burst_m3_per_h_at_50_m, rel=BURST_STEP_TOL_REL)

    first = open_dma_work_orders(engine, alarms)
    again = open_dma_work_orders(engine, dma_leak_alarms(engine, days=DAYS))
    assert [i.id for i in again] == [i.id for i in first]  # the same work order, not a second
    item = next(i for i in maintenance.list_items(engine) if i.id == first[0].id)
    assert item.asset.startswith("water:kof_region/node:KOF-DMA-")
    assert t.name in item.title
