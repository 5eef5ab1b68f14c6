"""Forecasters chosen by name: a registry of factories, never an if/elif chain.

Built-in forecasters are listed as ``"module:function"`` and imported on first use, so importing
the registry does not import Prophet or LightGBM. ``register`` adds more (plugins, tests).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache

from forecasting.base import Forecaster
from forecasting.config import PipelineConfig
from forecasting.exceptions import UnknownForecasterError

ForecasterFactory = Callable[[PipelineConfig], Forecaster]

BUILTIN_FORECASTERS: dict[str, str] = {
    "seasonal_naive_daily": "forecasting.baselines:seasonal_naive_daily",
    "seasonal_naive_weekly": "forecasting.baselines:seasonal_naive_weekly",
    "climatology": "forecasting.baselines:climatology",
    "climatology_weekday": "forecasting.baselines:climatology_weekday",
    "lightgbm": "forecasting.gbm:build",
    "prophet": "forecasting.prophet_adapter:build",
    "prophet_default": "forecasting.prophet_adapter:build_default",
    "seasonal_profile": "forecasting.seasonal_profile:build",
    "seasonal_ridge": "forecasting.seasonal_ridge:build",
}
# The references every chosen forecast must beat (see forecasting.combiner).
SEASONAL_NAIVE_NAMES: tuple[str, ...] = ("seasonal_naive_daily", "seasonal_naive_weekly")


class ForecasterRegistry:
    """Names to factories ``PipelineConfig -> Forecaster``.

    Example:
        >>> registry = ForecasterRegistry()
        >>> "prophet" in registry.names()
        True
    """

    def __init__(self, builtins: dict[str, str] | None = None):
        self._paths = dict(BUILTIN_FORECASTERS if builtins is None else builtins)
        self._factories: dict[str, ForecasterFactory] = {}

    def register(self, name: str, factory: ForecasterFactory, *, replace: bool = False) -> None:
        """Add a forecaster; an existing name needs ``replace=True``."""
        if not replace and (name in self._factories or name in self._paths):
            raise ValueError(f"forecaster {name!r} is already registered")
        self._paths.pop(name, None)
        self._factories[name] = factory

    def names(self) -> list[str]:
        return sorted(set(self._paths) | set(self._factories))

    def factory(self, name: str) -> ForecasterFactory:
        if name not in self._factories:
            if name not in self._paths:
                raise UnknownForecasterError(name, self.names())
            module, _, attr = self._paths[name].partition(":")
            self._factories[name] = getattr(importlib.import_module(module), attr)
        return self._factories[name]

    def create(self, name: str, config: PipelineConfig | None = None) -> Forecaster:
        """A new, unfitted forecaster."""
        return self.factory(name)(config or PipelineConfig())


@lru_cache(maxsize=1)
def default_registry() -> ForecasterRegistry:
    """The process-wide registry (built on first use)."""
    return ForecasterRegistry()


def create_forecaster(name: str, config: PipelineConfig | None = None) -> Forecaster:
    """A new forecaster from the default registry.

    Example:
        >>> create_forecaster("seasonal_naive_daily").is_fitted
        False
    """
    return default_registry().create(name, config)
