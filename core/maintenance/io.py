"""Files of ``kof maintenance anomalies``: a wide telemetry CSV in, ``timestamp,score,is_anomaly`` out."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from core.exceptions import InputError
from core.maintenance.anomaly import AnomalyModel, fit_anomaly_model

logger = logging.getLogger(__name__)


def read_table(path: str | Path, time_col: str) -> pd.DataFrame:
    """Read a CSV with a time column into a frame indexed by UTC time, in time order.

    The original time strings are kept in the column ``_time_text`` (the output echoes them).
    Timestamps without an offset are read as UTC, with a warning.

    Raises:
        InputError: a missing file or time column, or a time that cannot be parsed (its line named).
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file} does not exist", field="file", value=str(file))
    try:
        frame = pd.read_csv(file)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise InputError(
            f"{file}: not a readable CSV: {err}", field="file", value=str(file)
        ) from err
    if time_col not in frame.columns:
        raise InputError(
            f"{file}: no column {time_col!r}; columns are {', '.join(map(str, frame.columns))}",
            field="time_col",
            value=time_col,
        )
    text = frame[time_col].astype(str)
    times = pd.to_datetime(text, utc=True, errors="coerce", format="mixed")
    if times.isna().any():
        row = int(times.isna().to_numpy().nonzero()[0][0])
        raise InputError(
            f"{file}: line {row + 2}: {time_col} {text.iloc[row]!r} is not a date and time",
            field=time_col,
            value=text.iloc[row],
            row=row,
        )
    if not text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$").all():
        logger.warning("%s: timestamps without a UTC offset are read as UTC", file)
    frame = frame.drop(columns=[time_col]).assign(_time_text=text.to_numpy())
    frame.index = pd.DatetimeIndex(times, name="timestamp")
    if not frame.index.is_monotonic_increasing:
        logger.warning("%s: rows are not in time order; sorted", file)
        frame = frame.sort_index(kind="stable")
    return frame


def score_files(
    file: str | Path,
    *,
    time_col: str,
    out: str | Path,
    train_until: str | None = None,
    train_file: str | Path | None = None,
    columns: list[str] | None = None,
    quantile: float = 0.995,
) -> tuple[AnomalyModel, pd.DataFrame]:
    """Fit on the training rows (up to ``train_until``, or the rows of ``train_file``), score
    every row of ``file`` and write ``timestamp,score,is_anomaly`` to ``out``.

    Raises:
        InputError: neither or both of ``train_until`` and ``train_file``, a bad time, too few
            training rows, a requested column that is missing.
    """
    if (train_until is None) == (train_file is None):
        raise InputError("give exactly one of --train-until and --train-file", field="train_until")
    data = read_table(file, time_col)
    usable = [c for c in (columns or data.columns) if c != "_time_text"]
    if train_file is not None:
        train = read_table(train_file, time_col)
    else:
        try:
            limit = pd.Timestamp(train_until)
        except ValueError as err:
            raise InputError(
                f"--train-until {train_until!r} is not a time",
                field="train_until",
                value=train_until,
            ) from err
        limit = limit.tz_localize("UTC") if limit.tzinfo is None else limit.tz_convert("UTC")
        train = data[data.index <= limit]
    model = fit_anomaly_model(
        train[[c for c in usable if c in train.columns]]
        if columns
        else train.drop(columns="_time_text"),
        columns=columns,
        quantile=quantile,
    )
    scores = model.score(data)
    result = pd.DataFrame(
        {
            "timestamp": data["_time_text"].to_numpy(),
            "score": scores["score"].round(4).to_numpy(),
            "is_anomaly": scores["is_anomaly"].to_numpy(),
        }
    )
    result.to_csv(out, index=False)
    logger.info("%d rows scored, %d anomalous", len(result), int(result["is_anomaly"].sum()))
    return model, result
