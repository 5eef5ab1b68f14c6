import pandas as pd

from forecasting.catalogue import build_catalogue
from forecasting.model import SeriesLevel, SeriesQuantity


def _meters() -> pd.DataFrame:
    rows = [
        # meter, medium, kind, unit, interval, building, district
        (1, "electricity", "main", "kWh", 900, 10, 1),
        (2, "electricity", "main", "kWh", 900, 10, 1),
        (3, "electricity", "main", "kWh", 900, 11, 2),
        (4, "heat", "main", "kWh", 3600, 10, 1),
        (5, "electricity", "generation", "kWh", 900, 11, 2),
        (6, "electricity", "sub", "kWh", 900, 10, 1),
        (7, "water", "network", "m3", 3600, 11, 2),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "meter_id",
            "medium",
            "meter_kind",
            "unit",
            "interval_s",
            "building_id",
            "district_id",
        ],
    )


def test_series_per_building_district_and_cluster_without_submeters() -> None:
    specs = {s.key: s for s in build_catalogue(_meters())}

    assert specs["building:10:electric_demand"].meter_ids == (1, 2)
    assert specs["district:1:electric_demand"].meter_ids == (1, 2)
    assert specs["cluster:electric_demand"].meter_ids == (1, 2, 3)
    assert specs["cluster:heat_demand"].step_s == 3600
    assert specs["cluster:pv_output"].quantity is SeriesQuantity.PV_OUTPUT
    assert specs["cluster:pv_output"].step_s == 900
    assert specs["meter:7:water_demand"].level is SeriesLevel.METER
    assert not any(6 in s.meter_ids for s in specs.values())
    assert "t_air_degc" in specs["building:10:heat_demand"].regressors


def test_levels_and_step_can_be_chosen() -> None:
    specs = build_catalogue(_meters(), levels=(SeriesLevel.CLUSTER,), step_s=3600)
    assert [s.key for s in specs] == [
        "cluster:electric_demand",
        "cluster:heat_demand",
        "cluster:pv_output",
    ]
    assert {s.step_s for s in specs} == {3600}
