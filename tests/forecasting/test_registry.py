import pytest

from forecasting.base import Forecaster
from forecasting.baselines import SeasonalNaive
from forecasting.config import PipelineConfig
from forecasting.exceptions import UnknownForecasterError
from forecasting.registry import ForecasterRegistry, create_forecaster


def test_every_builtin_forecaster_is_created_by_name_and_follows_the_contract() -> None:
    registry = ForecasterRegistry()
    for name in registry.names():
        model = registry.create(name, PipelineConfig())
        assert isinstance(model, Forecaster)
        assert model.name == name
        assert not model.is_fitted


def test_unknown_names_list_the_known_ones_and_new_forecasters_register() -> None:
    registry = ForecasterRegistry()
    with pytest.raises(UnknownForecasterError, match="lightgbm"):
        registry.create("arima")
    registry.register("naive_2d", lambda config: SeasonalNaive(period_days=2))
    assert registry.create("naive_2d").period_days == 2
    with pytest.raises(ValueError, match="already registered"):
        registry.register("prophet", lambda config: SeasonalNaive())
    assert create_forecaster("climatology").name == "climatology"
