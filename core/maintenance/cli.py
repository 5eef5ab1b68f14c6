"""``kof maintenance``: the shared work-order queue and the anomaly scorer."""

from __future__ import annotations

import json

import click

from core.cli_context import CliContext
from core.db.engine import make_engine


@click.group()
def maintenance() -> None:
    """Maintenance: work orders of every network, anomaly scores of telemetry."""


@maintenance.command("anomalies")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--time-col", required=True, help="The time column.")
@click.option("--train-until", default=None, help="Rows up to this time are normal (ISO time).")
@click.option(
    "--train-file", default=None, type=click.Path(dir_okay=False), help="A CSV of normal behaviour."
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output CSV.")
@click.option(
    "--columns", default=None, help="Comma-separated signals (default: every numeric column)."
)
@click.option("--quantile", default=0.995, show_default=True, type=click.FloatRange(0.5, 0.99999))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def anomalies(
    file: str,
    time_col: str,
    train_until: str | None,
    train_file: str | None,
    out: str,
    columns: str | None,
    quantile: float,
    as_json: bool,
) -> None:
    """Score FILE against normal behaviour learnt from the training rows: timestamp,score,is_anomaly."""
    from core.maintenance.io import score_files

    model, result = score_files(
        file,
        time_col=time_col,
        out=out,
        train_until=train_until,
        train_file=train_file,
        columns=[c.strip() for c in columns.split(",")] if columns else None,
        quantile=quantile,
    )
    summary = {
        "rows": len(result),
        "anomalies": int(result["is_anomaly"].sum()),
        "signals": list(model.columns),
        "cumulative": list(model.cumulative),
        "out": out,
    }
    click.echo(json.dumps(summary) if as_json else " ".join(f"{k}={v}" for k, v in summary.items()))


@maintenance.command("list")
@click.option("--medium", default=None, help="water, heat, electricity or gas.")
@click.option(
    "--status", default=None, help="open, acknowledged, in_progress, closed, false_alarm."
)
@click.option("--active", is_flag=True, help="Only items not yet closed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def list_command(
    obj: CliContext, medium: str | None, status: str | None, active: bool, as_json: bool
) -> None:
    """The work-order queue, newest first."""
    from core.maintenance.service import list_items

    items = list_items(make_engine(obj.settings), medium=medium, status=status, active_only=active)
    if as_json:
        click.echo(json.dumps([i.as_json() for i in items]))
        return
    for item in items:
        click.echo(
            f"#{item.id} {item.status.value} {item.priority.value} {item.medium.value} {item.asset}: {item.title}"
        )


@maintenance.command("update")
@click.argument("item_id", type=int)
@click.option("--status", default=None)
@click.option("--assignee", default=None)
@click.option("--priority", default=None)
@click.option("--note", default=None)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def update_command(
    obj: CliContext,
    item_id: int,
    status: str | None,
    assignee: str | None,
    priority: str | None,
    note: str | None,
    as_json: bool,
) -> None:
    """Change a work order's status, assignee, priority or note."""
    from core.maintenance.service import update_item

    item = update_item(
        make_engine(obj.settings),
        item_id,
        status=status,
        assignee=assignee,
        priority=priority,
        note=note,
    )
    click.echo(json.dumps(item.as_json()) if as_json else f"#{item.id} {item.status.value}")
