"""The reference region's EPANET model: built from a small generated region, written and read
back, simulated over a day.

Designed and checked:

- every junction's pressure over the 24 h run lies in ``P_BAND_M`` = 30-70 m, and the lowest
  is ``P_MIN_AT_PEAK_M`` = 35 m within ``PRESSURE_TOL_M``;
- every pipe sized from its tree flow keeps the peak-hour velocity within ``V_MAX_M_PER_S``;
- the plant's outflow each hour is the base demand times the pattern (no storage, no losses)
  within ``FLOW_TOL_M3_PER_H``;
- the total base demand is the stored mean customer use within ``DEMAND_TOL_REL`` (1 %);
- each DMA is fed through exactly one pipe, ``DMA-<inflow meter serial>``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import wntr
from sqlalchemy import Engine, text

from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.enums import Resolution
from core.exceptions import InputError
from core.region import RegionSummary, generate_region
from core.settings import Settings
from core.timeseries import TimeSeriesStore, read_series
from water import region_layout as lay
from water.epanet import open_project
from water.model import Sensor, SensorKind
from water.network import WaterNetwork, load_network
from water.region_network import (
    P_BAND_M,
    P_MIN_AT_PEAK_M,
    PATTERN,
    RESERVOIR,
    RegionDma,
    assemble_region_network,
    building_demands_m3_per_h,
    read_region,
    write_region_network,
)

START = dt.date(2026, 2, 1)
DAYS = 14
PREMISES = 120
SEED = 2030
PRESSURE_TOL_M = 0.01
FLOW_TOL_M3_PER_H = 1e-3
VELOCITY_TOL_M_PER_S = 1e-3
DEMAND_TOL_REL = 0.01
PATTERN_TOL = 1e-5  # the .inp keeps 6 significant digits


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, RegionSummary]:
    folder = tmp_path_factory.mktemp("region_network")
    engine = make_engine(Settings(database_url=f"sqlite:///{folder / 'kof.db'}", var_dir=folder))
    upgrade(engine)
    summary = generate_region(
        engine, TimeSeriesStore(engine), premises=PREMISES, days=DAYS, seed=SEED, start=START
    )
    yield engine, summary
    engine.dispose()


@pytest.fixture(scope="module")
def stored(region) -> tuple[list[RegionDma], list[float]]:
    return read_region(region[0])


@pytest.fixture(scope="module")
def written(region, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WaterNetwork]:
    engine, _ = region
    path = tmp_path_factory.mktemp("inp") / "kof_region.inp"
    write_region_network(engine, path, seed=0)
    return path, load_network(path)


def _run_day(wn) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Hourly junction pressures (m) and pipe flows (m³/h) over the model's 24 h."""
    junctions, pipes = list(wn.junction_name_list), list(wn.pipe_name_list)
    sensors = [Sensor(SensorKind.PRESSURE, j) for j in junctions]
    sensors += [Sensor(SensorKind.FLOW, p) for p in pipes]
    with open_project(wn, "test") as project:
        values = project.run(sensors, 3600).values
    return values[:, : len(junctions)], values[:, len(junctions) :], junctions, pipes


def _dma_sites(engine: Engine) -> dict[str, tuple[str, set[str]]]:
    """Per district: its inflow meter's serial and its building nodes, straight from SQL."""
    with engine.connect() as conn:
        buildings = conn.execute(
            text("SELECT d.name, b.id FROM buildings b JOIN districts d ON d.id = b.district_id")
        ).all()
        serials = dict(
            conn.execute(
                text(
                    "SELECT d.name, m.serial_number FROM meters m "
                    "JOIN buildings b ON b.id = m.building_id "
                    "JOIN districts d ON d.id = b.district_id "
                    "WHERE m.medium = 'water' AND m.meter_kind = 'network'"
                )
            ).all()
        )
    nodes: dict[str, set[str]] = {}
    for name, building in buildings:
        nodes.setdefault(name, set()).add(f"B{building}")
    return {name: (serials[name], nodes[name]) for name in serials}


def test_the_written_inp_reads_back_as_a_map_in_metres(region, written) -> None:
    _, summary = region
    _, net = written
    wn = net.wn
    assert wn.reservoir_name_list == [RESERVOIR]
    buildings = [j for j in wn.junction_name_list if j.startswith("B")]
    assert len(buildings) == summary.buildings
    xy = np.array([wn.get_node(n).coordinates for n in wn.node_name_list])
    radius_m = np.hypot(xy[:, 0], xy[:, 1])
    assert radius_m.max() < lay.RURAL_RADIUS_M[1] + 2000.0
    assert len({tuple(p) for p in xy}) == len(xy)  # no two nodes on one spot
    z = np.array([wn.get_node(j).elevation for j in wn.junction_name_list])
    assert z.min() >= lay.TERRAIN_MEAN_M - lay.TERRAIN_AMPLITUDE_M
    assert z.max() <= lay.TERRAIN_MEAN_M + lay.TERRAIN_AMPLITUDE_M
    for _, pipe in wn.pipes():
        a, b = (wn.get_node(n).coordinates for n in (pipe.start_node_name, pipe.end_node_name))
        assert pipe.length == pytest.approx(
            max(np.hypot(a[0] - b[0], a[1] - b[1]), lay.MIN_PIPE_LENGTH_M), rel=1e-3
        )
        assert pipe.roughness == lay.HAZEN_WILLIAMS_C
        assert round(pipe.diameter * 1000) in lay.DN_MM
    assert nx.is_connected(net.graph)


def test_a_day_keeps_pressures_in_the_band_and_the_plant_feeds_the_demand(written) -> None:
    _, net = written
    wn = net.wn
    pressure, flow, _, pipes = _run_day(wn)
    assert pressure.shape[0] == 25  # 0 h to 24 h
    assert pressure.min() >= P_BAND_M[0]
    assert pressure.max() <= P_BAND_M[1]
    assert pressure.min() == pytest.approx(P_MIN_AT_PEAK_M, abs=PRESSURE_TOL_M)
    base_m3_per_h = sum(j.base_demand for _, j in wn.junctions()) * 3600.0
    multipliers = np.array(wn.get_pattern(PATTERN).multipliers)
    outflow = flow[:, pipes.index(f"MAIN-{RESERVOIR}")]
    hours = np.arange(25) % 24
    np.testing.assert_allclose(outflow, base_m3_per_h * multipliers[hours], atol=FLOW_TOL_M3_PER_H)


def test_the_base_demand_is_the_stored_mean_customer_use(region, written) -> None:
    engine, summary = region
    _, net = written
    with engine.connect() as conn:
        ids = conn.execute(
            text(
                "SELECT id FROM meters WHERE medium = 'water' AND meter_kind = 'main' "
                "AND premise_id IS NOT NULL"
            )
        ).scalars()
        ids = list(ids)
    daily = read_series(
        engine, ids, summary.period_start_utc, summary.period_end_utc, Resolution.DAY
    )
    hours = (summary.period_end_utc - summary.period_start_utc) / dt.timedelta(hours=1)
    stored_m3_per_h = daily["value"].sum() / hours
    model_m3_per_h = sum(j.base_demand for _, j in net.wn.junctions()) * 3600.0
    assert model_m3_per_h == pytest.approx(stored_m3_per_h, rel=DEMAND_TOL_REL)
    assert all(j.base_demand >= 0.0 for _, j in net.wn.junctions())


def test_the_pattern_is_the_customers_day_with_mean_one(region, written) -> None:
    _, net = written
    multipliers = np.array(net.wn.get_pattern(PATTERN).multipliers)
    assert len(multipliers) == 24
    assert multipliers.mean() == pytest.approx(1.0, abs=PATTERN_TOL)
    assert multipliers[1:5].max() < 0.5 < 1.3 < multipliers[6:10].max()  # night low, morning peak


def test_each_dma_is_fed_through_one_entry_pipe_named_after_its_meter(region, written) -> None:
    engine, summary = region
    _, net = written
    sites = _dma_sites(engine)
    assert len(sites) == summary.districts
    graph = net.graph
    for name, (serial, buildings) in sites.items():
        inside = buildings | {serial}
        crossing = [
            d["link"] for a, b, d in graph.edges(data=True) if (a in inside) != (b in inside)
        ]
        assert crossing == [f"DMA-{serial}"], name
        cut = graph.copy()
        a, b = net.wn.get_link(crossing[0]).start_node_name, serial
        cut.remove_edge(a, b)
        reached = nx.node_connected_component(cut, RESERVOIR)
        assert not (reached & inside), name
        assert inside <= nx.node_connected_component(cut, serial), name


def test_the_layout_follows_the_seed(stored, written, tmp_path: Path) -> None:
    path, net = written
    dmas, pattern = stored
    again = tmp_path / "again.inp"
    wntr.network.io.write_inpfile(
        assemble_region_network(dmas, pattern, seed=0), str(again), units="CMH"
    )
    assert again.read_text() == path.read_text()
    other = assemble_region_network(dmas, pattern, seed=1)
    assert set(other.node_name_list) == set(net.wn.node_name_list)
    assert set(other.pipe_name_list) >= {p for p in net.wn.pipe_name_list if p.startswith("DMA")}
    moved = [
        n
        for n in other.node_name_list
        if np.hypot(*(np.array(other.get_node(n).coordinates) - net.wn.get_node(n).coordinates))
        > 1.0
    ]
    assert len(moved) > 0.9 * len(other.node_name_list)


def test_a_large_region_gets_larger_pipes_within_the_velocity_and_the_band() -> None:
    """200 buildings × 0.5 m³/h in each of 10 DMAs: the trunk needs more than DN 100."""
    pattern = np.array([0.5] * 6 + [1.5] * 12 + [1.0] * 6)
    pattern = list(pattern / pattern.mean())
    dmas = [
        RegionDma(f"d{k}", k >= 8, f"E{k}", tuple(range(1000 * k, 1000 * k + 200)), (0.5,) * 200)
        for k in range(10)
    ]
    wn = assemble_region_network(dmas, pattern, seed=3)
    pressure, flow, _, pipes = _run_day(wn)
    assert P_BAND_M[0] <= pressure.min() <= pressure.max() <= P_BAND_M[1]
    assert wn.get_link(f"MAIN-{RESERVOIR}").diameter * 1000 == lay.size_dn_mm(1000.0 * max(pattern))
    assert wn.get_link(f"MAIN-{RESERVOIR}").diameter > wn.get_link("DMA-E0").diameter > 0.1
    diameters_mm = np.array([wn.get_link(p).diameter * 1000 for p in pipes])
    velocity = np.abs(flow).max(axis=0) / 3600.0 / (np.pi * (diameters_mm / 1000) ** 2 / 4)
    assert velocity.max() <= lay.V_MAX_M_PER_S + VELOCITY_TOL_M_PER_S


def test_sizing_picks_the_smallest_standard_pipe_within_both_limits() -> None:
    for flow in (0.0, 5.0, 50.0, 300.0, 1500.0):
        dn = lay.size_dn_mm(flow)
        assert lay.velocity_m_per_s(flow, dn) <= lay.V_MAX_M_PER_S
        assert lay.hw_gradient_m_per_km(flow, dn) <= lay.GRADIENT_MAX_M_PER_KM
        smaller = [d for d in lay.DN_MM if d < dn]
        if smaller:
            d = smaller[-1]
            assert (
                lay.velocity_m_per_s(flow, d) > lay.V_MAX_M_PER_S
                or lay.hw_gradient_m_per_km(flow, d) > lay.GRADIENT_MAX_M_PER_KM
            )
    # Hazen-Williams head loss grows with the flow to the power 1.852
    assert lay.hw_gradient_m_per_km(20.0, 150) / lay.hw_gradient_m_per_km(10.0, 150) == (
        pytest.approx(2**1.852)
    )


def test_a_building_without_readings_gets_the_per_person_fallback() -> None:
    demand = building_demands_m3_per_h(
        {1: 0.25, 2: 0.05}, {10: [1, 2], 11: [3], 12: [], 13: [4]}, {11: 3, 13: 0}, rural=True
    )
    assert demand[10] == pytest.approx(0.30)
    assert demand[11] == pytest.approx(3 * 79.0 / 1000 / 24)  # 79 L/person/day, rural (GUS)
    assert demand[12] == 0.0  # no customer meter: nothing drawn there
    assert demand[13] == pytest.approx(79.0 / 1000 / 24)  # at least one person


def _kof(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *args: str) -> int:
    """``kof`` in this process (a subprocess would import everything again)."""
    from core.cli_main import main

    for key in [k for k in os.environ if k.startswith("KOF_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return main(list(args))


def test_a_store_without_dmas_is_named_not_modelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    upgrade(engine)
    with pytest.raises(InputError) as info:
        read_region(engine)
    assert info.value.field == "dmas"
    engine.dispose()
    env = {"KOF_DATABASE_URL": str(engine.url), "KOF_VAR_DIR": str(tmp_path)}
    code = _kof(monkeypatch, env, "water", "region-network", "--out", str(tmp_path / "x.inp"))
    assert code == 2
    assert "the store has no DMAs" in capsys.readouterr().err
    assert not (tmp_path / "x.inp").exists()


def test_kof_water_region_network_writes_the_default_file(
    region, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, summary = region
    env = {"KOF_DATABASE_URL": str(engine.url), "KOF_VAR_DIR": str(tmp_path)}
    code = _kof(monkeypatch, env, "water", "region-network", "--seed", "2", "--json")
    out = capsys.readouterr()
    assert code == 0, out.err
    doc = json.loads(out.out)
    path = tmp_path / "water" / "networks" / "kof_region.inp"
    assert doc["file"] == str(path)
    assert doc["dmas"] == summary.districts == len(doc["entry_pipes"])
    net = load_network(path)
    assert net.wn.num_junctions == doc["junctions"]
    assert pd.Series(doc["entry_pipes"]).str.match(r"^DMA-KOF-DMA-\d{3}$").all()
