"""Plans and KPIs stored for the dashboards: the migration matches the models; round trips."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from core.db.migrate import current_revisions, downgrade, upgrade
from core.db.models import Base
from energy_cluster import models  # noqa: F401 - registers the cluster tables on Base
from energy_cluster.planner import plan_scenario
from energy_cluster.scenario import scenario_from_dict
from energy_cluster.service import store_plan
from energy_cluster.store import read_plan, read_schedules
from tests.energy_cluster.conftest import el_demand, heat_demand, tiny

PLAN_TABLES = {"cluster_plans", "cluster_plan_kpis", "cluster_schedules", "cluster_shortfalls"}
NETWORK_TABLES = {
    "cluster_network_checks",
    "cluster_network_iterations",
    "cluster_network_branches",
    "cluster_network_buses",
}
CLUSTER_TABLES = PLAN_TABLES | NETWORK_TABLES


def _cluster_diffs(engine: Engine) -> list[Any]:
    def only_cluster(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table is None or str(table).startswith("cluster_")

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": only_cluster}
        )
        return compare_metadata(ctx, Base.metadata)


def test_migration_and_models_match(any_engine: Engine) -> None:
    tables = set(inspect(any_engine).get_table_names())
    assert tables >= CLUSTER_TABLES
    for table in CLUSTER_TABLES:
        expected = {c.name for c in Base.metadata.tables[table].columns}
        assert {c["name"] for c in inspect(any_engine).get_columns(table)} == expected
    assert _cluster_diffs(any_engine) == []
    assert "energy_cluster_0002" in current_revisions(any_engine)


def test_the_cluster_branch_goes_down_and_up_alone(engine: Engine) -> None:
    downgrade(engine, "energy_cluster@-1")  # the network-check tables go first
    tables = set(inspect(engine).get_table_names())
    assert tables >= PLAN_TABLES
    assert not NETWORK_TABLES & tables
    downgrade(engine, "energy_cluster@-1")
    assert not CLUSTER_TABLES & set(inspect(engine).get_table_names())
    assert "readings" in inspect(engine).get_table_names()  # the core trunk stays
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= CLUSTER_TABLES


def test_a_plan_and_its_kpis_round_trip(any_engine: Engine) -> None:
    boiler = {
        "name": "gb",
        "type": "boiler",
        "heat_node": "dh",
        "q_th_max_mw": 4,
        "eta_th": 0.9,
        "fuel_price_pln_per_mwh": 200,
    }
    grid = {
        "name": "grid",
        "type": "grid",
        "bus": "b1",
        "import_max_mw": 5,
        "export_max_mw": 5,
        "price_pln_per_mwh": 300,
    }
    scenario = scenario_from_dict(
        tiny(
            units=[grid, boiler],
            series={"d_el": {"values": [1, 2, 3, 4]}, "d_heat": {"values": [3, 5, 4, 3]}},
            demands=[el_demand(), heat_demand()],
        ),
        file="tiny.yaml",
    )
    plan = plan_scenario(scenario)

    plan_id = store_plan(any_engine, scenario, plan)

    header = read_plan(any_engine, plan_id)
    assert header["status"] == "optimal"
    assert header["kind"] == "plan"
    assert header["objective_pln"] == pytest.approx(plan.solve.objective_pln)
    assert header["kpis"]["total_cost_pln"] == pytest.approx(plan.kpis.total_cost_pln)  # type: ignore[union-attr]
    assert header["kpis"]["unserved_heat_mwh"] == pytest.approx(1.0)
    assert header["kpis"]["costs_pln.fuel"] == pytest.approx(plan.kpis.costs_pln["fuel"])  # type: ignore[union-attr]
    stored = read_schedules(any_engine, plan_id)
    assert list(stored.index) == list(plan.index)
    np.testing.assert_allclose(stored["gb-q_th_mw"], plan.schedules["gb-q_th_mw"])
    np.testing.assert_allclose(stored["dh_load-unserved_mw"], [0, 1, 0, 0], atol=1e-9)
    assert set(stored.columns) == set(plan.schedules.columns)
