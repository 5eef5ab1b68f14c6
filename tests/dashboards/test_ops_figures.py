"""Figures of the operators' views on fixture service results (no browser, no store)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import numpy as np
import pandas as pd
import pytest

from dashboards.ops import figures
from dashboards.ops.jobs import JobRunner
from metering import service as metering
from metering.health import DeviceHealth, HealthState

UTC = dt.UTC
INDEX = pd.date_range("2026-01-13T23:00Z", periods=8, freq="15min")


@pytest.fixture
def plan_schedules() -> pd.DataFrame:
    n = len(INDEX)
    return pd.DataFrame(
        {
            "ec_gas_chp-p_el_mw": np.full(n, 5.0),
            "ec_gas_chp-q_th_mw": np.full(n, 9.0),
            "ec_electric_boiler-p_el_mw": np.full(n, 2.0),  # a consumer, not a supplier
            "ec_electric_boiler-q_th_mw": np.full(n, 1.9),
            "wind_kof-p_el_mw": np.linspace(0, 3, n),
            "grid-import_mw": np.full(n, 1.0),
            "city_battery-discharge_mw": np.zeros(n),
            "city_battery-e_mwh": np.linspace(2, 1, n),
            "ec_heat_tank-discharge_mw": np.full(n, 0.5),
            "ec_heat_tank-e_mwh": np.linspace(10, 8, n),
            "members_el-demand_mw": np.full(n, 8.0),
            "kielce_heat-demand_mw": np.full(n, 11.0),
        },
        index=INDEX,
    )


KPIS = {
    "generation_mwh.ec_gas_chp.electricity": 10.0,
    "generation_mwh.ec_gas_chp.heat": 18.0,
    "generation_mwh.ec_electric_boiler.electricity": 0.0,
    "generation_mwh.ec_electric_boiler.heat": 3.8,
    "generation_mwh.wind_kof.electricity": 3.0,
    "generation_mwh.wind_kof.heat": 0.0,
}


def names(fig: object) -> list[str]:
    return [t.name for t in fig.data]  # type: ignore[attr-defined]


def test_electricity_dispatch_stacks_suppliers_and_draws_demand(plan_schedules) -> None:
    fig = figures.dispatch_figure(plan_schedules, KPIS, "electricity")
    stacked = [t for t in fig.data if t.stackgroup == "supply"]
    assert {t.name for t in stacked} == {"ec_gas_chp", "wind_kof", "grid"}  # zero battery left out
    assert "ec_electric_boiler" not in names(fig)  # it consumes electricity
    demand = next(t for t in fig.data if t.name == "demand")
    assert np.allclose(demand.y, 8.0)
    # energy balance of the fixture: supply 5 + wind + 1 against demand 8 at the first step
    assert sum(t.y[0] for t in stacked) == pytest.approx(6.0)
    assert str(fig.data[0].x[0].tz) == "Europe/Warsaw"


def test_heat_dispatch_includes_storage_discharge_and_electric_boiler(plan_schedules) -> None:
    fig = figures.dispatch_figure(plan_schedules, KPIS, "heat")
    assert {"ec_gas_chp", "ec_electric_boiler", "ec_heat_tank"} <= set(names(fig))
    demand = next(t for t in fig.data if t.name == "demand")
    assert np.allclose(demand.y, 11.0)


def test_empty_plan_figures_say_so() -> None:
    for fig in (
        figures.dispatch_figure(pd.DataFrame(), {}, "electricity"),
        figures.storage_figure(pd.DataFrame()),
        figures.price_figure(pd.Series(dtype=float)),
        figures.region_day_figure(pd.DataFrame(columns=["ts", "medium", "kind", "value"])),
        figures.health_figure({"online": 0, "degraded": 0, "offline": 0}),
    ):
        assert fig.data == ()
        assert fig.layout.annotations[0].text.startswith("no ")


def test_storage_and_prices(plan_schedules) -> None:
    fig = figures.storage_figure(plan_schedules)
    assert set(names(fig)) == {"city_battery", "ec_heat_tank"}
    prices = pd.Series(np.arange(8.0) + 300, index=INDEX)
    price = figures.price_figure(prices)
    assert list(price.data[0].y) == list(prices)
    assert price.data[0].line.shape == "hv"


def test_region_day_figure_groups_demand_and_generation() -> None:
    ts = pd.date_range("2026-02-08", periods=3, freq="h", tz="Europe/Warsaw")
    profile = pd.DataFrame(
        {
            "ts": list(ts) * 2 + [ts[0]],
            "medium": ["electricity"] * 6 + ["water"],
            "kind": ["main"] * 3 + ["generation"] * 3 + ["main"],
            "value": [10.0, 12.0, 11.0, 0.0, 1.5, 2.0, 99.0],
        }
    )
    fig = figures.region_day_figure(profile)
    assert names(fig) == ["demand", "local generation"]
    assert list(fig.data[0].y) == [10.0, 12.0, 11.0]


def test_health_counts_and_figure() -> None:
    since = dt.datetime(2026, 2, 1, tzinfo=UTC)
    health = [
        DeviceHealth("a", "127.0.0.1:5020", 1, HealthState.ONLINE, since),
        DeviceHealth("b", "127.0.0.1:5020", 2, HealthState.OFFLINE, since, consecutive_failures=4),
        DeviceHealth("c", "127.0.0.1:5020", 3, HealthState.ONLINE, since),
    ]
    counts = metering.health_counts(health)
    assert counts == {"online": 2, "degraded": 0, "offline": 1}
    fig = figures.health_figure(counts)
    assert list(fig.data[0].x) == ["online", "degraded", "offline"]
    assert list(fig.data[0].y) == [2, 0, 1]


def test_completeness_and_quality_per_district() -> None:
    per_meter = pd.DataFrame(
        [
            # meter, district, medium, expected, readings, measured, estimated, edited, invalid
            (1, "A", "electricity", 96, 96, 90, 4, 2, 0),
            (2, "A", "electricity", 96, 48, 47, 0, 0, 1),
            (3, "B", "water", 24, 0, 0, 0, 0, 0),
        ],
        columns=[
            "meter_id", "district", "medium", "n_expected", "n_readings",
            "n_measured", "n_estimated", "n_edited", "n_invalid",
        ],
    )  # fmt: skip
    by_district = metering.completeness_by_district(per_meter)
    a = by_district[by_district["district"] == "A"].iloc[0]
    assert a["n_meters"] == 2
    assert a["completeness"] == pytest.approx((144 - 1) / 192)
    b = by_district[by_district["district"] == "B"].iloc[0]
    assert b["completeness"] == 0.0
    fig = figures.completeness_figure(by_district)
    assert set(names(fig)) == {"electricity", "water"}
    quality = figures.quality_figure(by_district)
    assert names(quality) == ["estimated", "edited", "invalid"]
    assert list(quality.data[0].y) == [4, 0]  # estimated: A 4, B 0
    assert "measured: 95.14%" in quality.layout.title.text  # 137 of 144 readings


def test_quality_figure_says_when_everything_is_measured() -> None:
    clean = pd.DataFrame(
        [("A", "water", 1, 24, 24, 24, 0, 0, 0)],
        columns=[
            "district", "medium", "n_meters", "n_expected", "n_readings",
            "n_measured", "n_estimated", "n_edited", "n_invalid",
        ],
    )  # fmt: skip
    fig = figures.quality_figure(clean)
    assert fig.data == ()
    assert "every reading is as measured" in fig.layout.annotations[0].text


def _finished(runner: JobRunner, job_id: str) -> object:
    for _ in range(500):
        state = runner.get(job_id)
        if state is not None and state.finished:
            return state
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} did not finish")


def test_job_runner_reports_progress_result_and_errors() -> None:
    runner = JobRunner()
    seen: list[str] = []

    def work(progress):
        progress("half", 0.5)
        seen.append("ran")
        return 42

    state = _finished(runner, runner.start("replan", work).job_id)
    assert state.result == 42
    assert state.done == 1.0
    assert seen == ["ran"]

    def broken(progress):
        raise RuntimeError("solver exploded")

    failed = _finished(runner, runner.start("other", broken).job_id)
    assert failed.error == "RuntimeError: solver exploded"


def test_job_runner_runs_one_job_of_a_kind_at_a_time() -> None:
    runner = JobRunner()
    gate = threading.Event()
    first = runner.start("replan", lambda progress: gate.wait(5))
    again = runner.start("replan", lambda progress: None)
    assert again.job_id == first.job_id  # the running one, not a second solve
    gate.set()
    _finished(runner, first.job_id)


def _forecast_frame() -> pd.DataFrame:
    yhat = np.linspace(100, 120, len(INDEX))
    return pd.DataFrame(
        {"target_ts": INDEX, "yhat": yhat, "yhat_lower": yhat - 5, "yhat_upper": yhat + 5}
    )


def test_forecast_figure_draws_band_median_and_actuals() -> None:
    actuals = pd.Series(np.linspace(98, 125, len(INDEX)), index=INDEX)
    actuals.iloc[-2:] = np.nan  # not in yet
    fig = figures.forecast_figure(_forecast_frame(), actuals, "kWh")
    names = [t.name for t in fig.data]
    assert names == ["interval (upper)", "forecast interval", "forecast (median)", "actual"]
    assert fig.data[1].fill == "tonexty"
    assert list(fig.data[1].y) == list(_forecast_frame()["yhat_lower"])
    assert len(fig.data[3].y) == len(INDEX) - 2
    assert fig.layout.yaxis.title.text == "kWh"


def test_forecast_figure_without_actuals_or_forecast() -> None:
    empty_actuals = pd.Series(dtype=float, index=pd.DatetimeIndex([], tz="UTC"))
    only_forecast = figures.forecast_figure(_forecast_frame(), empty_actuals, "m3")
    assert [t.name for t in only_forecast.data][-1] == "forecast (median)"
    none = figures.forecast_figure(_forecast_frame().iloc[0:0], empty_actuals, "m3")
    assert len(none.data) == 0
    assert none.layout.annotations[0].text == "no forecast yet"


def test_accuracy_figure_has_mae_bars_and_mase_line() -> None:
    accuracy = pd.DataFrame(
        {
            "issued_at": INDEX[:3],
            "model": ["a", "b", "a"],
            "n_points": [96, 96, 96],
            "mae": [10.0, 12.0, None],
            "mase": [0.8, 1.1, None],
            "coverage": [0.8, 0.7, None],
        }
    )
    fig = figures.accuracy_figure(accuracy)
    assert [t.type for t in fig.data] == ["bar", "scatter"]
    assert fig.data[1].yaxis == "y2"
    assert list(fig.data[0].y[:2]) == [10.0, 12.0]
    empty = figures.accuracy_figure(accuracy.iloc[0:0])
    assert empty.layout.annotations[0].text == "no past forecast has been scored yet"


def test_one_scored_forecast_is_a_bar_with_room_around_it() -> None:
    issued = pd.Timestamp("2026-11-25T23:00Z")
    fig = figures.accuracy_figure(
        pd.DataFrame({"issued_at": [issued], "mae": [1.87], "mase": [0.26]})
    )
    lo, hi = fig.layout.xaxis.range
    assert (pd.Timestamp(lo), pd.Timestamp(hi)) == (
        issued - pd.Timedelta(days=1),
        issued + pd.Timedelta(days=1),
    )
    assert fig.data[0].width == 12 * 3600 * 1000  # half a day in ms, not the whole axis
