"""Energy cluster: the latest stored plan (dispatch, prices, storage, KPIs), its network check on
a single-line diagram, the plan against the measured totals, and re-plan."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import dash
from dash import Input, Output, State, dcc, html
from flask import current_app

from core.exceptions import PlatformError
from core.timeutil import LOCAL_TZ_NAME
from dashboards.context import kof
from dashboards.ops import figures, figures_cluster
from dashboards.ops.jobs import JobRunner
from dashboards.ops.widgets import fmt, graph, kpi_cards, no_data, table
from energy_cluster.dashboard_service import (
    NetworkView,
    PlanView,
    latest_plan_view,
    network_view,
    parse_local_time,
    plan_vs_actual,
    replan_reference,
)

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
            html.H3("Network check"),
            network_section(plan.plan_id),
            html.H3("Plan vs actual"),
            actuals_section(plan),
        ]
    )


def _local(ts: Any) -> str:
    return f"{ts.tz_convert(LOCAL_TZ_NAME):%Y-%m-%d %H:%M}"


def network_section(plan_id: int) -> html.Div:
    """The hour field and the network check at the worst step (or why there is none)."""
    view = network_view(kof().engine, plan_id)
    if view is None:
        return html.Div(
            no_data(
                f"Plan {plan_id} was stored without a network check: re-plan with "
                '"with network check" ticked (or `kof cluster plan --network-check --store`).'
            )
        )
    return html.Div(
        [
            dcc.Store(id="ops-net-plan", data=plan_id),
            html.Div(
                [
                    html.Label(
                        [
                            "Step (YYYY-MM-DD HH:MM, Europe/Warsaw) ",
                            dcc.Input(
                                id="ops-net-hour",
                                value=_local(view.worst_ts),
                                debounce=True,
                                type="text",
                                style={"width": "11rem", "display": "inline-block"},
                            ),
                        ]
                    ),
                    html.Button("Worst step", id="ops-net-worst", n_clicks=0),
                ],
                className="ops-toolbar",
            ),
            html.Div(network_body(view), id="ops-net-body"),
        ]
    )


def network_body(view: NetworkView) -> html.Div:
    """KPIs, the single-line diagram, the per-step chart and the violations of one step."""
    at = view.summary.loc[view.ts]
    iterations = view.iterations
    cards = [
        ("Step shown", _local(view.ts) + (" (worst)" if view.ts == view.worst_ts else "")),
        ("Worst step", _local(view.worst_ts)),
        ("Max line loading", fmt(at["max_line_loading_percent"], 1, "%")),
        ("Max transformer loading", fmt(at["max_trafo_loading_percent"], 1, "%")),
        ("Voltages", f"{at['v_min_pu']:.4f}-{at['v_max_pu']:.4f} pu"),
        ("Violations (step / plan)", f"{int(at['violations'])} / {view.violations_left}"),
        ("Check iterations", str(len(iterations))),
    ]
    over = view.branches[view.branches["violated"].eq(True)]
    low_high = view.buses[view.buses["violated"].eq(True)]
    rows = [
        {"element": r.name, "value": f"{r.loading_percent:.1f} %",
         "limit": f"{view.max_loading_percent:g} %"}
        for r in over.itertuples()
    ] + [
        {"element": f"{r.name} {r.places}".strip(), "value": f"{r.vm_pu:.4f} pu",
         "limit": f"{view.v_min_pu:g}-{view.v_max_pu:g} pu"}
        for r in low_high.itertuples()
    ]  # fmt: skip
    checks = [
        {"iteration": it.iteration, "violations": it.violations,
         "max line loading %": f"{it.max_line_loading_percent:.1f}",
         "voltages pu": f"{it.v_min_pu:.4f}-{it.v_max_pu:.4f}", "cuts added": it.cuts_added}
        for it in iterations
    ]  # fmt: skip
    return html.Div(
        [
            kpi_cards(cards),
            graph(
                "ops-net-diagram",
                figures_cluster.single_line_figure(view),
                f"Single-line diagram of the {view.network} network ({view.layout.value} "
                "layout): lines (solid) and transformers (dashed) coloured by loading, buses by "
                "voltage; red rings mark limits violated at this step.",
            ),
            html.P(
                "No limit is violated at this step."
                if not rows
                else f"{len(rows)} limits violated at this step:"
            ),
            table("ops-net-violations", rows) if rows else None,
            graph(
                "ops-net-steps",
                figures_cluster.network_steps_figure(view),
                "Highest line and transformer loading (left axis, limit in red) and the voltage "
                "range (right axis, band dashed) per step; the vertical line is the step shown.",
            ),
            table("ops-net-iterations", checks),
        ]
    )


def actuals_section(plan: PlanView) -> html.Div:
    """The plan's demand and PV against the measured cluster totals (or why there are none)."""
    result = plan_vs_actual(kof().engine, plan)
    if result is None:
        return html.Div(
            no_data(
                f"Plan vs actual is not available for scenario {plan.header.get('scenario')}: "
                "its demands and units cannot be matched to the store's meters."
            )
        )
    missing = [f"{series.value}: {reason}" for series, reason in result.missing.items()]
    if not result.compared:
        return html.Div(
            no_data(
                "No measured data for this plan's period, so no plan vs actual: "
                + "; ".join(missing)
                + "."
            )
        )
    parts: list[Any] = []
    for c in result.compared:
        slug = c.series.name.lower().replace("_", "-")
        cards = [
            ("Steps compared", f"{c.n_compared} of {c.n_steps}"),
            ("MAE", fmt(c.mae_mw, 3, "MW")),
            ("Planned / measured", f"{fmt(c.planned_mwh, 2)} / {fmt(c.actual_mwh, 2, 'MWh')}"),
            ("Energy deviation", fmt(c.energy_deviation_mwh, 2, "MWh")),
        ]
        if c.imbalance_cost_pln is not None:
            cards.append(("Imbalance cost (day-ahead price)", fmt(c.imbalance_cost_pln, 0, "PLN")))
        parts += [
            html.H4(c.series.value[:1].upper() + c.series.value[1:]),
            kpi_cards(cards),
            graph(
                f"ops-pva-{slug}",
                figures_cluster.plan_vs_actual_figure(c),
                f"Planned and measured {c.series.value} (average MW per "
                f"{c.step_h * 60:g} min); measured is the store's {c.store_key} total of "
                f"{c.n_meters} meters. Deviation = measured - planned; the imbalance cost values "
                "it at the day-ahead price (a proxy: imbalance prices are not in the store).",
            ),
        ]
    if missing:
        parts.append(no_data("Not compared: " + "; ".join(missing) + "."))
    return html.Div(parts)


def render() -> html.Div:
    """The cluster tab: re-plan controls and the plan body."""
    return html.Div(
        [
            html.H2("Energy cluster plan"),
            html.Div(
                [
                    html.Button("Re-plan (reference scenario)", id="ops-replan", n_clicks=0),
                    dcc.Checklist(
                        id="ops-replan-network",
                        options=[{"label": " with network check (slower)", "value": "network"}],
                        value=[],
                        inline=True,
                    ),
                    html.Span(id="ops-replan-status", role="status", className="ops-status"),
                ],
                className="ops-toolbar",
            ),
            dcc.Store(id="ops-replan-job"),
            dcc.Store(id="ops-replan-done"),
            dcc.Interval(id="ops-replan-poll", interval=POLL_MS, disabled=True),
            dcc.Loading(html.Div(body(), id="ops-cluster-body"), type="dot"),
        ]
    )


def register(app: dash.Dash) -> None:
    """Re-plan (start the job, poll it, draw the new plan) and the network step field."""

    @app.callback(
        Output("ops-replan-job", "data"),
        Output("ops-replan-poll", "disabled"),
        Output("ops-replan-status", "children"),
        Output("ops-replan-done", "data"),
        Input("ops-replan", "n_clicks"),
        Input("ops-replan-poll", "n_intervals"),
        State("ops-replan-job", "data"),
        State("ops-replan-network", "value"),
        prevent_initial_call=True,
    )
    def replan(
        _clicks: int, _ticks: int, job_id: str | None, options: list[str] | None
    ) -> tuple[Any, ...]:
        runner = _runner()
        if dash.ctx.triggered_id == "ops-replan":
            engine = kof().engine
            check = "network" in (options or [])
            job = runner.start(
                "replan",
                lambda progress: replan_reference(engine, progress, network_check=check),
            )
            return job.job_id, False, _progress(job.stage, job.done), dash.no_update
        job = runner.get(job_id) if job_id else None
        if job is None:
            return None, True, "", dash.no_update
        if not job.finished:
            return dash.no_update, False, _progress(job.stage, job.done), dash.no_update
        if job.error:
            return None, True, f"Re-plan failed: {job.error}", dash.no_update
        # The new plan is drawn by its own callback: this one stays fast, so the poll is
        # disabled before the next tick (a slow reply would be superseded by the next tick's).
        done = {"plan_id": job.result, "elapsed_s": round(job.elapsed_s)}
        return None, True, _progress("drawing the new plan", 1.0), done

    @app.callback(
        Output("ops-cluster-body", "children"),
        Output("ops-replan-status", "children", allow_duplicate=True),
        Input("ops-replan-done", "data"),
        prevent_initial_call=True,
    )
    def show_new_plan(done: dict[str, Any] | None) -> tuple[Any, str]:
        if not isinstance(done, dict):
            return dash.no_update, ""
        stored = f"New plan {done.get('plan_id')} stored ({done.get('elapsed_s')} s)."
        return body(), stored

    @app.callback(
        Output("ops-net-body", "children"),
        Output("ops-net-hour", "value"),
        Input("ops-net-hour", "value"),
        Input("ops-net-worst", "n_clicks"),
        State("ops-net-plan", "data"),
        prevent_initial_call=True,
    )
    def show_step(text: str | None, _clicks: int, plan_id: int | None) -> tuple[Any, Any]:
        if not isinstance(plan_id, int):
            return no_data("No plan is selected: reload the page."), dash.no_update
        engine = kof().engine
        try:
            if dash.ctx.triggered_id == "ops-net-worst":
                view = network_view(engine, plan_id)
            else:
                view = network_view(engine, plan_id, parse_local_time(text))
        except PlatformError as err:
            return no_data(str(err)), dash.no_update
        if view is None:
            return no_data(f"Plan {plan_id} has no network check."), dash.no_update
        shown = _local(view.ts) if dash.ctx.triggered_id == "ops-net-worst" else dash.no_update
        return network_body(view), shown


def _progress(stage: str, done: float) -> list[Any]:
    return [html.Progress(value=str(round(done * 100)), max="100"), f" {stage}…"]
