"""Energy cluster: the latest stored plan (dispatch, prices, storage, KPIs) and re-plan."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from flask import current_app

from dashboards.context import kof
from dashboards.ops import figures
from dashboards.ops.jobs import JobRunner
from dashboards.ops.widgets import fmt, graph, kpi_cards, no_data
from energy_cluster.dashboard_service import latest_plan_view, replan_reference

logger = logging.getLogger(__name__)
KEY = "cluster"
LABEL = "Energy cluster"
JOBS_KEY = "kof_ops_jobs"
POLL_MS = 1000


def _runner() -> JobRunner:
    return current_app.extensions.setdefault(JOBS_KEY, JobRunner())


def body() -> html.Div:
    """The plan's KPIs and charts (or the "no plan" message)."""
    plan = latest_plan_view(kof().engine)
    if plan is None:
        return html.Div(no_data("No cluster plan is stored yet: press Re-plan."))
    k, h = plan.kpis, plan.header
    created = plan.created_at.isoformat(timespec="minutes") if plan.created_at else "?"
    cards = [
        ("Status", str(h.get("status"))),
        ("Total cost", fmt(k.get("total_cost_pln"), 0, "PLN")),
        ("Self-sufficiency", fmt((k.get("self_sufficiency") or 0) * 100, 1, "%")),
        ("Renewable share", fmt((k.get("renewable_share") or 0) * 100, 1, "%")),
        ("CO2", fmt(k.get("co2_t"), 0, "t")),
        ("Import / export", f"{fmt(k.get('import_mwh'))} / {fmt(k.get('export_mwh'), 1, 'MWh')}"),
        ("Start-ups", fmt(sum(v or 0 for n, v in k.items() if n.startswith("startups.")), 0)),
        (
            "Unserved (el. + heat)",
            fmt((k.get("unserved_el_mwh") or 0) + (k.get("unserved_heat_mwh") or 0), 1, "MWh"),
        ),
    ]
    s = plan.schedules
    end = h.get("end")
    stale = (
        no_data(
            f"This plan is stale: its horizon ended {end.isoformat(timespec='minutes')}. "
            "Re-plan for a fresh one."
        )
        if isinstance(end, datetime) and end < datetime.now(UTC)
        else None
    )
    return html.Div(
        [
            stale,
            html.P(
                f"Plan {plan.plan_id} of scenario {h.get('scenario')}, stored {created} UTC; "
                f"horizon {h.get('start')} to {h.get('end')} (UTC)."
            ),
            kpi_cards(cards),
            graph(
                "ops-dispatch-el",
                figures.dispatch_figure(s, k, "electricity"),
                "Electricity supply per unit, stacked, and the members' demand (dashed); supply "
                "above the demand is exported, charges the battery or feeds the electric boiler.",
            ),
            graph(
                "ops-dispatch-heat",
                figures.dispatch_figure(s, k, "heat"),
                "Heat supply per unit, stacked, and the heat demand (dashed); supply above the "
                "demand charges the heat tank.",
            ),
            graph(
                "ops-prices",
                figures.price_figure(plan.prices_pln_per_mwh),
                "Day-ahead electricity price over the plan's horizon.",
            ),
            graph(
                "ops-storage",
                figures.storage_figure(s),
                "Energy stored in the heat tank and the battery.",
            ),
        ]
    )


def render() -> html.Div:
    """The cluster tab: re-plan controls and the plan body."""
    return html.Div(
        [
            html.H2("Energy cluster plan"),
            html.Div(
                [
                    html.Button("Re-plan (reference scenario)", id="ops-replan", n_clicks=0),
                    html.Span(id="ops-replan-status", role="status", className="ops-status"),
                ],
                className="ops-toolbar",
            ),
            dcc.Store(id="ops-replan-job"),
            dcc.Interval(id="ops-replan-poll", interval=POLL_MS, disabled=True),
            dcc.Loading(html.Div(body(), id="ops-cluster-body"), type="dot"),
        ]
    )


def register(app: dash.Dash) -> None:
    """The re-plan callback: starts the job, then polls it until done."""

    @app.callback(
        Output("ops-replan-job", "data"),
        Output("ops-replan-poll", "disabled"),
        Output("ops-replan-status", "children"),
        Output("ops-cluster-body", "children"),
        Input("ops-replan", "n_clicks"),
        Input("ops-replan-poll", "n_intervals"),
        State("ops-replan-job", "data"),
        prevent_initial_call=True,
    )
    def replan(_clicks: int, _ticks: int, job_id: str | None) -> tuple[Any, ...]:
        runner = _runner()
        if dash.ctx.triggered_id == "ops-replan":
            engine = kof().engine
            job = runner.start("replan", lambda progress: replan_reference(engine, progress))
            return job.job_id, False, _progress(job.stage, job.done), dash.no_update
        job = runner.get(job_id) if job_id else None
        if job is None:
            return None, True, "", dash.no_update
        if not job.finished:
            return dash.no_update, False, _progress(job.stage, job.done), dash.no_update
        if job.error:
            return None, True, f"Re-plan failed: {job.error}", dash.no_update
        return None, True, f"New plan {job.result} stored ({job.elapsed_s:.0f} s).", body()


def _progress(stage: str, done: float) -> list[Any]:
    return [html.Progress(value=str(round(done * 100)), max="100"), f" {stage}…"]
