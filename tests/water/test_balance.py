"""The IWA balance closes on a synthetic DMA; night flows give the leakage back."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.cli_main import main
from core.exceptions import InputError
from water.balance import analyse_period, dma_balance, iwa_balance, month_bounds
from water.nightflow import minimum_night_flow, theil_sen_slope

VOLUME_TOL_M3 = 1e-6
LEAKAGE_TOL_REL = 0.1


def _synthetic_dma(
    days: int, leak_m3_per_h: float, seed: int = 0
) -> tuple[pd.Series, pd.DataFrame]:
    """40 households with a diurnal demand, meters under-registering 2 %, one steady leak."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2026-02-02", periods=24 * days, freq="1h", tz="Europe/Warsaw")
    hour = index.hour.to_numpy()
    shape = 0.2 + np.exp(-((hour - 7.5) ** 2) / 4) + 0.8 * np.exp(-((hour - 20) ** 2) / 6)
    true_use = pd.DataFrame(
        {
            f"m{i}": 0.25 / shape.mean() / 24 * shape * rng.lognormal(0, 0.3, len(index))
            for i in range(40)
        },
        index=index,
    )
    billed = true_use * 0.98
    inflow = true_use.sum(axis=1) + leak_m3_per_h
    return inflow, billed


def test_balance_closes_on_a_synthetic_dma() -> None:
    inflow, billed = _synthetic_dma(days=28, leak_m3_per_h=0.5)
    start, end = inflow.index[0], inflow.index[-1] + pd.Timedelta(hours=1)
    balance = dma_balance(inflow, billed, start, end, unauthorised_share_of_input=0.0)
    # every component adds up
    assert balance.system_input_m3 == pytest.approx(inflow.sum())
    assert balance.authorised_m3 + balance.water_losses_m3 == pytest.approx(
        balance.system_input_m3, abs=VOLUME_TOL_M3
    )
    assert balance.apparent_losses_m3 + balance.real_losses_m3 == pytest.approx(
        balance.water_losses_m3, abs=VOLUME_TOL_M3
    )
    assert balance.non_revenue_water_m3 == pytest.approx(
        balance.system_input_m3 - billed.to_numpy().sum()
    )
    # the meters' 2 % and the leak come back where they belong
    hours = len(inflow)
    assert balance.meter_under_registration_m3 == pytest.approx(
        billed.to_numpy().sum() / 0.98 * 0.02, rel=1e-9
    )
    assert balance.real_losses_m3 == pytest.approx(0.5 * hours, rel=1e-6)
    assert 0 < balance.nrw_percent < 100


def test_balance_refuses_negative_volumes_and_warns_on_negative_losses(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with pytest.raises(InputError, match="billed_metered_m3"):
        iwa_balance(100.0, -1.0)
    balance = iwa_balance(100.0, 120.0)
    assert balance.real_losses_m3 < 0
    assert "negative" in caplog.text


def test_night_flow_floor_trend_and_leakage() -> None:
    inflow, _ = _synthetic_dma(days=28, leak_m3_per_h=0.5)
    growing = inflow + np.linspace(0.0, 0.28, len(inflow))  # a leak growing 0.01 m³/h a day
    steady = minimum_night_flow(inflow.tz_convert("UTC"), properties=40)
    dry, _ = _synthetic_dma(days=28, leak_m3_per_h=0.0)
    without = minimum_night_flow(dry.tz_convert("UTC"), properties=40)
    assert abs(steady.trend_m3_per_h_per_day) < 0.002
    assert steady.floor_m3_per_h > 0.5
    # the leak shows as the difference of night leakage with and without it, 0.5 m³/h x NDF
    extra = steady.leakage_m3_per_day - without.leakage_m3_per_day
    assert extra == pytest.approx(0.5 * 20.0, rel=LEAKAGE_TOL_REL)
    rising = minimum_night_flow(growing.tz_convert("UTC"), properties=40)
    assert rising.trend_m3_per_h_per_day == pytest.approx(0.01, rel=LEAKAGE_TOL_REL * 2)


def test_theil_sen_ignores_an_outlier() -> None:
    y = np.arange(20, dtype=float)
    y[5] = 1000.0
    assert theil_sen_slope(y) == pytest.approx(1.0)


def test_kof_water_balance_reads_two_csvs(tmp_path, capsys) -> None:

    inflow, billed = _synthetic_dma(days=14, leak_m3_per_h=0.5)
    utc = inflow.index.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    pd.DataFrame({"timestamp": utc, "inflow_m3": inflow.to_numpy()}).to_csv(
        tmp_path / "in.csv", index=False
    )
    long = (
        billed.set_axis(utc)
        .rename_axis("timestamp")
        .reset_index()
        .melt(id_vars="timestamp", var_name="meter", value_name="consumption_m3")
    )
    long.to_csv(tmp_path / "cu.csv", index=False)
    args = [
        "water",
        "balance",
        "--inflow",
        str(tmp_path / "in.csv"),
        "--customers",
        str(tmp_path / "cu.csv"),
        "--start",
        utc[0],
        "--end",
        "2026-02-16T00:00:00+01:00",
        "--properties",
        "40",
        "--json",
    ]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["balance"]["system_input_m3"] == pytest.approx(inflow.sum(), rel=1e-6)
    assert doc["night_flow"]["leakage_m3_per_day"] > 0
    (tmp_path / "bad.csv").write_text("timestamp,inflow_m3\n2026-02-02T00:00:00,1.0\n")
    assert main([*args[:2], "--inflow", str(tmp_path / "bad.csv"), *args[4:]]) == 2
    assert "line 2" in capsys.readouterr().err


def test_unbilled_unmetered_use_as_a_share_of_input() -> None:
    balance = iwa_balance(1000.0, 800.0, unbilled_unmetered_share_of_input=0.0125)
    assert balance.unbilled_unmetered_m3 == pytest.approx(12.5)
    assert balance.real_losses_m3 == pytest.approx(
        iwa_balance(1000.0, 800.0, unbilled_unmetered_m3=12.5).real_losses_m3
    )
    with pytest.raises(InputError, match="not both"):
        iwa_balance(
            1000.0, 800.0, unbilled_unmetered_m3=1.0, unbilled_unmetered_share_of_input=0.01
        )
    with pytest.raises(InputError) as info:
        iwa_balance(1000.0, 800.0, unbilled_unmetered_share_of_input=0.7)
    assert info.value.field == "unbilled_unmetered_share_of_input"


@pytest.mark.parametrize(
    ("month", "start", "hours"),
    [("2026-03", "2026-03-01T00:00+01:00", 743), ("2026-10", "2026-10-01T00:00+02:00", 745)],
)
def test_month_bounds_are_local_months_with_their_dst_hours(
    month: str, start: str, hours: int
) -> None:
    lo, hi = month_bounds(month)
    assert lo == pd.Timestamp(start)
    assert (hi - lo) / pd.Timedelta(hours=1) == hours


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "26-01", "2026/01", "", None, 202601])
def test_a_malformed_month_is_refused_by_name(bad: object) -> None:
    with pytest.raises(InputError, match="YYYY-MM") as info:
        month_bounds(bad)
    assert info.value.field == "month"


def test_analyse_period_covers_the_readings_and_names_what_is_missing() -> None:
    inflow, billed = _synthetic_dma(days=14, leak_m3_per_h=0.5)
    start, end = month_bounds("2026-02")
    customers = billed.sum(axis=1)
    full = analyse_period(
        inflow, customers, start, end, properties=40, customer_meters=40,
        customer_readings=40 * len(inflow),
    )  # fmt: skip
    assert full.problem == ""
    assert full.notes == ()
    assert full.hours_in_period == 28 * 24
    assert full.hours_covered == len(inflow)  # the DMA's data start on 2 February
    assert full.covered_from == inflow.index[0]
    assert full.balance.system_input_m3 == pytest.approx(inflow.sum())
    assert full.balance.unbilled_unmetered_m3 == pytest.approx(0.0125 * inflow.sum())
    assert full.night.leakage_m3_per_day > 0
    gappy = analyse_period(
        inflow.drop(inflow.index[30:33]), customers, start, end, properties=40,
        customer_meters=40, customer_readings=40 * len(inflow) - 7,
    )  # fmt: skip
    assert gappy.balance is None
    assert "3 intervals without a reading" in gappy.problem
    assert gappy.night is not None
    assert "miss 7 of" in gappy.notes[0]
    nothing = analyse_period(
        inflow.iloc[0:0], customers, start, end, properties=40, customer_meters=40,
        customer_readings=0,
    )  # fmt: skip
    assert (nothing.balance, nothing.night) == (None, None)
    assert nothing.problem == "no inflow readings in the period"
