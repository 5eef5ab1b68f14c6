"""Errors of the forecasting package: subclasses of the platform's root error.

Each carries the offending field (column, option, series) and value, so the CLI can print one
line that tells the user what to fix.
"""

from __future__ import annotations

from typing import Any

from core.exceptions import InputError, PlatformError


class ForecastError(PlatformError):
    """Root of the forecasting errors that are not about the input (a model failed to fit).

    Attributes:
        series: the series key or file the error is about ("" when not known).
        model: the forecaster's registry name ("" when not model-specific).
    """

    def __init__(self, message: str, *, series: str = "", model: str = ""):
        self.series = series
        self.model = model
        super().__init__(message)


class ForecastInputError(InputError):
    """A series, a CSV or an option handed to forecasting is unusable as given."""


class NaiveTimestampError(ForecastInputError):
    """Timestamps without a time zone and no ``tz`` to read them in."""


class DuplicateTimestampError(ForecastInputError):
    """The same instant appears twice in a series.

    Attributes:
        timestamps: the first few duplicated instants (UTC, ISO 8601).
    """

    def __init__(self, message: str, *, field: str, timestamps: list[str], row: int | None):
        self.timestamps = timestamps
        super().__init__(message, field=field, value=timestamps[0] if timestamps else None, row=row)


class IrregularTimestampError(ForecastInputError):
    """Timestamps that are not on the series' regular grid (the frequency)."""


class InsufficientHistoryError(ForecastInputError):
    """Too little history for what was asked (a model, a seasonality, a number of folds).

    Attributes:
        needed_steps: the history length needed, in steps of the series.
        available_steps: the history length given.
    """

    def __init__(self, message: str, *, field: str, needed_steps: int, available_steps: int):
        self.needed_steps = needed_steps
        self.available_steps = available_steps
        super().__init__(message, field=field, value=available_steps)


class EmptySeriesError(ForecastInputError):
    """The target has no numeric value at all in the training window."""


class MissingRegressorError(ForecastInputError):
    """A regressor has no values for some steps of the forecast horizon (policy ``error``).

    Attributes:
        missing_steps: how many horizon steps lack the regressor.
    """

    def __init__(self, message: str, *, field: str, missing_steps: int, value: Any = None):
        self.missing_steps = missing_steps
        super().__init__(message, field=field, value=value)


class UnknownForecasterError(ForecastInputError):
    """A forecaster name the registry does not know.

    Attributes:
        known: the registered names.
    """

    def __init__(self, name: str, known: list[str]):
        self.known = sorted(known)
        super().__init__(
            f"forecaster {name!r} is not registered; choose one of {', '.join(self.known)}",
            field="model",
            value=name,
        )


class NotFittedError(ForecastError):
    """``predict`` was called on a forecaster that has not been fitted."""


class ForecastWarning(UserWarning):
    """A documented fallback happened (a regressor dropped, a baseline used): the forecast is
    still valid, but not what was asked for."""


class ModelStateError(ForecastError):
    """A stored warm-start state cannot be read (corrupt JSON, a non-numeric parameter, a
    layout that does not match its fingerprint); ``series`` and ``model`` name the row."""
