import numpy as np
import pandas as pd
import pytest

from forecasting.baselines import SeasonalNaive
from forecasting.calendar import day_type, same_time_days_before
from forecasting.exceptions import InsufficientHistoryError
from forecasting.model import Future, History, future_index
from forecasting.seasonal_profile import (
    ProfileKind,
    SeasonalProfile,
    _day_types_before,
    same_day_type_values,
)
from tests.forecasting.conftest import load_profile

TZ = "Europe/Warsaw"


def _weekly(days: int, outage_day: int | None = None, seed: int = 1) -> History:
    """Hourly load with a weekly profile and small noise; one day can be an outage (zero)."""
    index = pd.date_range("2026-09-07T00:00+02:00", periods=days * 24, freq="h").tz_convert("UTC")
    rng = np.random.default_rng(seed)
    y = pd.Series(10.0 * load_profile(index) + rng.normal(0, 0.1, len(index)), index=index)
    if outage_day is not None:
        y.iloc[outage_day * 24 : (outage_day + 1) * 24] = 0.0
    return History(y=y, regressors=pd.DataFrame(index=index), step_s=3600, tz=TZ, country="PL")


def test_same_day_type_looks_back_to_friday_on_monday_and_a_week_on_saturday() -> None:
    index = pd.date_range("2026-09-01T00:00+02:00", periods=40 * 24, freq="h").tz_convert("UTC")
    day_number = pd.Series((index - index[0]).days.to_numpy(dtype=float), index=index)
    monday = pd.DatetimeIndex([pd.Timestamp("2026-10-05T10:00+02:00").tz_convert("UTC")])
    saturday = pd.DatetimeIndex([pd.Timestamp("2026-10-10T10:00+02:00").tz_convert("UTC")])

    on_monday = same_day_type_values(day_number, monday, TZ, "PL", 1, 2)[0]
    on_saturday = same_day_type_values(day_number, saturday, TZ, "PL", 1, 2)[0]

    # 5 October is day 34: Friday 2 October (31) and Thursday 1 October (30)
    np.testing.assert_array_equal(on_monday, [31.0, 30.0])
    # Saturday 10 October (39): the Saturdays 3 October (32) and 26 September (25)
    np.testing.assert_array_equal(on_saturday, [32.0, 25.0])


def test_day_types_from_date_arithmetic_match_the_calendar_across_dst_and_holidays() -> None:
    index = pd.date_range("2026-10-20", "2027-01-10", freq="1h", tz="UTC")
    for lag in (1, 3, 7):
        fast = _day_types_before(index, TZ, "PL", [lag])[:, 0]
        slow = day_type(same_time_days_before(index, lag, TZ), TZ, "PL")
        np.testing.assert_array_equal(fast, slow)


def test_a_one_off_outage_a_week_ago_is_not_copied_into_the_forecast() -> None:
    history = _weekly(days=42, outage_day=35)  # the outage is on the weekday forecast next
    index = future_index(history.end, 3600, 24)
    future = Future(index=index, regressors=pd.DataFrame(index=index))
    actual = 10.0 * load_profile(index)

    model = SeasonalProfile().fit(history, 24)
    profile_error = np.abs(model.predict(future)["yhat"].to_numpy() - actual).mean()
    naive = SeasonalNaive(period_days=7).fit(history, 24).predict(future)["yhat"].to_numpy()
    naive_error = np.abs(naive - actual).mean()

    assert model.choice is not None
    assert model.choice.kind is not ProfileKind.DAY
    assert (
        profile_error < 0.6 * naive_error
    )  # a median of weeks ignores it, a mean of two halves it


def test_too_short_a_history_is_refused() -> None:
    with pytest.raises(InsufficientHistoryError):
        SeasonalProfile().fit(_weekly(days=10), 24)
