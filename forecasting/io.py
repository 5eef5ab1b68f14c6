"""Files: read a CSV of measurements, write a forecast CSV (``timestamp,yhat,yhat_lower,yhat_upper``)."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

import pandas as pd

from forecasting.exceptions import ForecastInputError
from forecasting.model import quantile_column

FORECAST_COLUMNS = ("timestamp", "yhat", "yhat_lower", "yhat_upper")


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV as strings-and-numbers (timestamps are parsed later, with their zone rules).

    Raises:
        ForecastInputError: the file is missing, empty or not CSV.
    """
    file = Path(path)
    try:
        frame = pd.read_csv(file)
    except FileNotFoundError as err:
        raise ForecastInputError(f"{file}: no such file", field="file", value=str(file)) from err
    except pd.errors.EmptyDataError as err:
        raise ForecastInputError(
            f"{file}: the file is empty", field="file", value=str(file)
        ) from err
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ForecastInputError(
            f"{file}: not a readable CSV ({err})", field="file", value=str(file)
        ) from err
    unnamed = [c for c in frame.columns if str(c).startswith("Unnamed: ")]
    return frame.drop(columns=unnamed)


def format_timestamps(index: pd.DatetimeIndex, display_tz: tzinfo) -> list[str]:
    """ISO 8601 with the offset of ``display_tz`` (seconds precision)."""
    return [ts.isoformat() for ts in index.tz_convert(display_tz).as_unit("s")]


def forecast_table(
    forecast: pd.DataFrame, lower: float, upper: float, display_tz: tzinfo
) -> pd.DataFrame:
    """The forecast as the four published columns."""
    return pd.DataFrame(
        {
            "timestamp": format_timestamps(pd.DatetimeIndex(forecast.index), display_tz),
            "yhat": forecast["yhat"].to_numpy(),
            "yhat_lower": forecast[quantile_column(lower)].to_numpy(),
            "yhat_upper": forecast[quantile_column(upper)].to_numpy(),
        },
        columns=list(FORECAST_COLUMNS),
    )


def write_forecast(
    path: str | Path, forecast: pd.DataFrame, lower: float, upper: float, display_tz: tzinfo
) -> int:
    """Write ``timestamp,yhat,yhat_lower,yhat_upper``; returns the number of rows."""
    table = forecast_table(forecast, lower, upper, display_tz)
    file = Path(path)
    if file.parent and not file.parent.exists():
        raise ForecastInputError(
            f"{file}: the folder {file.parent} does not exist", field="out", value=str(file)
        )
    table.to_csv(file, index=False)
    return len(table)
