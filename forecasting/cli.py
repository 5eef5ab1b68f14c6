"""``kof forecast``: predict and backtest on CSV files, the scheduled run on the store."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from core.cli_context import CliContext
from forecasting.config import PipelineConfig
from forecasting.exceptions import ForecastWarning
from forecasting.model import MissingRegressorPolicy
from forecasting.prepare import Aggregation


@contextmanager
def _warnings_to_stderr() -> Iterator[list[str]]:
    """Show each ForecastWarning once as ``kof: warning: ...`` on stderr."""
    seen: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ForecastWarning)
        try:
            yield seen
        finally:
            for item in caught:
                message = str(item.message)
                if issubclass(item.category, ForecastWarning) and message not in seen:
                    seen.append(message)
                    click.echo(f"kof: warning: {message}", err=True)


def _csv_list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()


def _quantiles(interval: float) -> tuple[float, ...]:
    tail = round((1.0 - interval) / 2.0, 6)
    return (tail, 0.5, round(1.0 - tail, 6))


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _file_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--time-col", required=True, help="Timestamp column (ISO 8601)."),
        click.option("--target", required=True, help="Column to forecast."),
        click.option("--regressors", default=None, help="Known-in-advance columns, A,B."),
        click.option(
            "--freq", default=None, help="Grid step, e.g. 15min or 1h (default: inferred)."
        ),
        click.option(
            "--tz",
            default=None,
            help="Zone of naive timestamps and of the calendar (default calendar Europe/Warsaw).",
        ),
        click.option(
            "--country", default="PL", show_default=True, help="Public holidays ('' for none)."
        ),
        click.option(
            "--resample",
            type=click.Choice([a.value for a in Aggregation]),
            default=None,
            help="Aggregate rows finer than --freq (mean for power, sum for energy).",
        ),
        click.option(
            "--cumulative", is_flag=True, help="The target is a meter register: difference it."
        ),
        click.option("--models", default=None, help="Forecasters to use, A,B (default: the zoo)."),
        click.option(
            "--interval",
            type=click.FloatRange(0.05, 0.99),
            default=0.8,
            show_default=True,
            help="Nominal coverage of [yhat_lower, yhat_upper].",
        ),
        click.option(
            "--on-missing-regressor",
            type=click.Choice([p.value for p in MissingRegressorPolicy]),
            default=MissingRegressorPolicy.DROP.value,
            show_default=True,
            help="A regressor without values in the horizon: forecast without it, or fail.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON document."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _spec_and_config(kw: dict[str, Any], folds: int | None = None) -> tuple[Any, PipelineConfig]:
    from forecasting.files import FileSpec

    spec = FileSpec(
        path=kw["file"],
        time_col=kw["time_col"],
        target=kw["target"],
        regressors=_csv_list(kw["regressors"]),
        tz=kw["tz"],
        freq=kw["freq"],
        country=kw["country"],
        resample=Aggregation(kw["resample"]) if kw["resample"] else None,
        cumulative=kw["cumulative"],
    )
    update: dict[str, Any] = {
        "quantiles": _quantiles(kw["interval"]),
        "missing_regressor": MissingRegressorPolicy(kw["on_missing_regressor"]),
    }
    if kw["models"]:
        update["models"] = _csv_list(kw["models"])
    config = PipelineConfig().model_copy(update=update)
    if folds is not None:
        config = config.model_copy(
            update={"backtest": config.backtest.model_copy(update={"folds": folds})}
        )
    return spec, config


@click.group()
def forecast() -> None:
    """Consumption forecasts: backtested model zoo, combination, scheduled runs."""


@forecast.command("models")
def forecast_models() -> None:
    """List the registered forecasters."""
    from forecasting.registry import default_registry

    for name in default_registry().names():
        click.echo(name)


@forecast.command("predict")
@_file_options
@click.option("--train-until", required=True, help="Fit on rows up to this time (inclusive).")
@click.option("--horizon", required=True, help="Steps to forecast (96) or a duration (24h, 1D).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--folds",
    type=click.IntRange(1, 100),
    default=4,
    show_default=True,
    help="Backtest folds the combination is chosen on.",
)
@click.pass_obj
def forecast_predict(obj: CliContext, **kw: Any) -> None:
    """Fit on FILE up to --train-until and write timestamp,yhat,yhat_lower,yhat_upper."""
    from forecasting.files import predict_file

    spec, config = _spec_and_config(kw, folds=kw["folds"])
    with _warnings_to_stderr() as shown:
        result = predict_file(
            spec, train_until=kw["train_until"], horizon=kw["horizon"], out=kw["out"], config=config
        )
    summary = {
        "out": str(result.out),
        "rows": result.rows,
        "first": result.first,
        "model": result.outcome.model,
        "warnings": shown,
    }
    if result.outcome.combination is not None:
        c = result.outcome.combination
        summary |= {
            "backtest_mase": c.cv_mase,
            "seasonal_naive_mase": c.reference_mase,
            "reference": c.reference,
        }
    if kw["as_json"]:
        click.echo(json.dumps(_clean(summary)))
    else:
        click.echo(f"wrote {result.rows} rows to {result.out} (model {result.outcome.model})")


@forecast.command("backtest")
@_file_options
@click.option("--horizon", required=True, help="Steps per forecast (96) or a duration (24h).")
@click.option("--folds", type=click.IntRange(1, 100), default=4, show_default=True)
@click.option("--train-until", default=None, help="Use rows up to this time (default: all).")
@click.pass_obj
def forecast_backtest(obj: CliContext, **kw: Any) -> None:
    """Rolling-origin backtest of every forecaster and of the combination on FILE."""
    from forecasting.files import backtest_file

    spec, config = _spec_and_config(kw, folds=kw["folds"])
    with _warnings_to_stderr():
        report = backtest_file(
            spec, horizon=kw["horizon"], train_until=kw["train_until"], config=config
        )
    document = {"file": str(spec.path), "target": spec.target, **report.as_dict()}
    if kw["as_json"]:
        click.echo(json.dumps(_clean(document)))
        return
    click.echo(
        f"{spec.path.name}: {len(report.result.folds)} folds, horizon {report.result.horizon_steps} steps"
    )
    click.echo(
        f"{'model':<24}{'MASE':>8}{'MAE':>12}{'RMSE':>12}{'sMAPE%':>9}{'pinball':>10}{'cover':>7}"
    )
    rows = [*report.metrics.items(), (f"combined: {report.combination.label}", report.combined)]
    for name, m in rows:
        click.echo(
            f"{name[:23]:<24}{m.mase:>8.3f}{m.mae:>12.4g}{m.rmse:>12.4g}{m.smape_percent:>9.1f}"
            f"{m.pinball:>10.4g}{m.coverage:>7.2f}"
        )


@forecast.command("run")
@click.option(
    "--issue-time",
    default=None,
    help="Issue time (default: local midnight before the newest reading).",
)
@click.option("--horizon-h", type=click.FloatRange(min=0.25), default=24.0, show_default=True)
@click.option("--lookback-days", type=click.IntRange(2, 1095), default=56, show_default=True)
@click.option("--levels", default=None, help="meter,building,district,cluster (default: all).")
@click.option("--step", "step", default=None, help="One step for every series (15min or 1h).")
@click.option("--folds", type=click.IntRange(1, 20), default=2, show_default=True)
@click.option("--models", default=None, help="Forecasters to use, A,B (default: the zoo).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N series.")
@click.option(
    "--scheduler", default=None, help="Dask scheduler tcp://HOST:PORT (default: a local cluster)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local cluster workers (default: cores).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def forecast_run(obj: CliContext, **kw: Any) -> None:
    """Forecast every catalogued series of the store and score past forecasts."""
    import pandas as pd

    from core.db.engine import make_engine
    from forecasting.jobs import RunConfig
    from forecasting.model import SeriesLevel
    from forecasting.prepare import parse_step
    from forecasting.service import run_forecasts

    pipeline = PipelineConfig()
    pipeline = pipeline.model_copy(
        update={
            "backtest": pipeline.backtest.model_copy(update={"folds": kw["folds"]}),
            **({"models": _csv_list(kw["models"])} if kw["models"] else {}),
        }
    )
    update: dict[str, Any] = {
        "horizon_h": kw["horizon_h"],
        "lookback_days": kw["lookback_days"],
        "limit": kw["limit"],
        "pipeline": pipeline,
        "step_s": parse_step(kw["step"], "step") if kw["step"] else None,
    }
    if update["step_s"] not in (None, 900, 3600):
        raise click.BadParameter("the store rolls up to 15min or 1h", param_hint="--step")
    if kw["levels"]:
        try:
            update["levels"] = tuple(SeriesLevel(v) for v in _csv_list(kw["levels"]))
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--levels") from err
    config = RunConfig(**update)
    issued = None
    if kw["issue_time"]:
        from core.timeutil import require_aware

        issued = require_aware(pd.Timestamp(kw["issue_time"]), "issue_time")
    engine = make_engine(obj.settings)
    with _warnings_to_stderr():
        summary = run_forecasts(
            engine,
            issued_at=issued,
            config=config,
            scheduler=kw["scheduler"],
            n_workers=kw["workers"],
            progress=not kw["as_json"],
        )
    if kw["as_json"]:
        click.echo(json.dumps(_clean(summary.as_dict())))
    else:
        click.echo(
            f"run {summary.run_id} issued {summary.issued_at.isoformat()}: {summary.n_series} series, "
            f"{summary.n_ok} ok, {summary.n_fallback} with a fallback, {summary.n_failed} failed; "
            f"{summary.n_scored} past forecasts scored; {summary.n_warm_started} warm-started "
            "from the previous run's fits"
        )
