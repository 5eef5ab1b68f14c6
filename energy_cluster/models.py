"""Tables of the energy cluster: plans, their KPIs, schedules, shortfalls and network checks.

Schedules are stored long (one row per unit, attribute and step) so a dashboard reads one unit's
series with an index range scan, whatever units a scenario has. A plan made with the network
check also keeps the AC power flow of its final iteration: a summary per step, the loading of
every line and transformer and the voltage of every bus per step (pandapower element indices
of the benchmark network), and what each iteration of the check found.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base
from core.db.types import UtcDateTime, enum_column
from energy_cluster.enums import SolveStatus


class PlanKind(StrEnum):
    """How a stored plan was made."""

    PLAN = "plan"  # one solve of a scenario's horizon
    ROLLING = "rolling"  # the kept parts of a rolling horizon


class ClusterPlan(Base):
    """One plan of the cluster with its solve outcome."""

    __tablename__ = "cluster_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[PlanKind] = mapped_column(enum_column(PlanKind, "cluster_plan_kind"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    start: Mapped[datetime] = mapped_column(UtcDateTime())
    end: Mapped[datetime] = mapped_column(UtcDateTime())
    step_min: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[SolveStatus] = mapped_column(enum_column(SolveStatus, "cluster_solve_status"))
    flagged: Mapped[bool] = mapped_column(Boolean)
    objective_pln: Mapped[float | None] = mapped_column(Float)
    best_bound_pln: Mapped[float | None] = mapped_column(Float)
    gap: Mapped[float | None] = mapped_column(Float)
    build_time_s: Mapped[float] = mapped_column(Float)
    solve_time_s: Mapped[float] = mapped_column(Float)
    message: Mapped[str] = mapped_column(String(300))
    scenario_sha256: Mapped[str] = mapped_column(String(64))


class ClusterPlanKpi(Base):
    """One key figure of a plan; nested figures are named ``group.key`` (e.g. ``startups.ec_gas_chp``)."""

    __tablename__ = "cluster_plan_kpis"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_plans.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)


class ClusterSchedule(Base):
    """One value of one unit attribute in one step of a plan (attr carries its unit, e.g. p_el_mw)."""

    __tablename__ = "cluster_schedules"
    __table_args__ = ({"sqlite_with_rowid": False},)

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_plans.id", ondelete="CASCADE"), primary_key=True
    )
    unit: Mapped[str] = mapped_column(String(40), primary_key=True)
    attr: Mapped[str] = mapped_column(String(40), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class ClusterShortfall(Base):
    """A period of unserved demand or dumped energy, with the reason."""

    __tablename__ = "cluster_shortfalls"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_plans.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    carrier: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(40))
    start: Mapped[datetime] = mapped_column(UtcDateTime())
    end: Mapped[datetime] = mapped_column(UtcDateTime())
    energy_mwh: Mapped[float] = mapped_column(Float)
    max_mw: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)


class ClusterNetworkCheck(Base):
    """The network check of a plan: network, limits, iterations and what is left violated."""

    __tablename__ = "cluster_network_checks"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_plans.id", ondelete="CASCADE"), primary_key=True
    )
    network: Mapped[str] = mapped_column(String(40))
    slack_bus: Mapped[int] = mapped_column(Integer)  # the external grid's bus (set, not checked)
    v_min_pu: Mapped[float] = mapped_column(Float)
    v_max_pu: Mapped[float] = mapped_column(Float)
    max_loading_percent: Mapped[float] = mapped_column(Float)
    violations_left: Mapped[int] = mapped_column(Integer)
    # {"<pandapower bus index>": ["place", ...]}: the scenario's places at each bus.
    places_json: Mapped[str] = mapped_column(Text)


class ClusterNetworkIteration(Base):
    """What one iteration of the network check found and did."""

    __tablename__ = "cluster_network_iterations"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_plans.id", ondelete="CASCADE"), primary_key=True
    )
    iteration: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    violations: Mapped[int] = mapped_column(Integer)
    max_line_loading_percent: Mapped[float] = mapped_column(Float)
    max_trafo_loading_percent: Mapped[float] = mapped_column(Float)
    v_min_pu: Mapped[float] = mapped_column(Float)
    v_max_pu: Mapped[float] = mapped_column(Float)
    cuts_added: Mapped[int] = mapped_column(Integer)
    objective_pln: Mapped[float | None] = mapped_column(Float)


class ClusterNetworkBranch(Base):
    """Loading and active power of one line or transformer in one step of a checked plan."""

    __tablename__ = "cluster_network_branches"
    __table_args__ = ({"sqlite_with_rowid": False},)

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_plans.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # "line" or "trafo"
    element: Mapped[int] = mapped_column(Integer, primary_key=True)  # pandapower index
    ts: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    loading_percent: Mapped[float] = mapped_column(Float)
    p_mw: Mapped[float] = mapped_column(Float)  # from side (line) or HV side (trafo)


class ClusterNetworkBus(Base):
    """The voltage of one bus in one step of a checked plan."""

    __tablename__ = "cluster_network_buses"
    __table_args__ = ({"sqlite_with_rowid": False},)

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_plans.id", ondelete="CASCADE"), primary_key=True
    )
    bus: Mapped[int] = mapped_column(Integer, primary_key=True)  # pandapower index
    ts: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    vm_pu: Mapped[float] = mapped_column(Float)


Index("ix_cluster_plans_scenario_created", ClusterPlan.scenario, ClusterPlan.created_at)
