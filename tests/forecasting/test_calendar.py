import numpy as np
import pandas as pd

from forecasting.calendar import (
    SATURDAY,
    SUNDAY_OR_HOLIDAY,
    WORKDAY,
    day_type,
    same_time_days_before,
)


def test_yesterday_is_23_or_25_hours_back_across_dst() -> None:
    # 08:00 local on the day after each change
    after_spring = pd.DatetimeIndex(["2026-03-30T06:00Z"])
    after_autumn = pd.DatetimeIndex(["2026-10-26T07:00Z"])

    spring = same_time_days_before(after_spring, 1, "Europe/Warsaw")
    autumn = same_time_days_before(after_autumn, 1, "Europe/Warsaw")

    assert (after_spring - spring)[0] == pd.Timedelta(hours=24)
    assert spring.tz_convert("Europe/Warsaw")[0].hour == 8
    assert autumn.tz_convert("Europe/Warsaw")[0].hour == 8
    assert (after_autumn - autumn)[0] == pd.Timedelta(hours=24)
    on_change = pd.DatetimeIndex(["2026-03-29T10:00Z"])  # 12:00 CEST on the 23-hour day
    assert (on_change - same_time_days_before(on_change, 1, "Europe/Warsaw"))[0] == pd.Timedelta(
        hours=23
    )
    on_autumn = pd.DatetimeIndex(["2026-10-25T11:00Z"])  # 12:00 CET on the 25-hour day
    assert (on_autumn - same_time_days_before(on_autumn, 1, "Europe/Warsaw"))[0] == pd.Timedelta(
        hours=25
    )


def test_repeated_autumn_hour_keeps_its_dst_flag_and_spring_gap_moves_forward() -> None:
    repeated = pd.DatetimeIndex(["2026-10-25T00:30Z", "2026-10-25T01:30Z"])  # 02:30 CEST, 02:30 CET
    same_day = same_time_days_before(repeated, 0, "Europe/Warsaw")
    assert list(same_day) == list(repeated)
    gap_source = pd.DatetimeIndex(
        ["2026-03-30T00:30Z"]
    )  # 02:30 CEST; 02:30 did not exist on 29 March
    moved = same_time_days_before(gap_source, 1, "Europe/Warsaw").tz_convert("Europe/Warsaw")
    assert moved[0].hour == 3


def test_polish_holidays_count_as_sundays() -> None:
    days = pd.date_range("2026-11-09T12:00Z", periods=4, freq="D")  # Mon, Tue 10, Wed 11 Nov, Thu
    types = day_type(days, "Europe/Warsaw", "PL")
    assert types.tolist() == [WORKDAY, WORKDAY, SUNDAY_OR_HOLIDAY, WORKDAY]
    weekend = day_type(
        pd.date_range("2026-11-14T12:00Z", periods=2, freq="D"), "Europe/Warsaw", "PL"
    )
    assert weekend.tolist() == [SATURDAY, SUNDAY_OR_HOLIDAY]
    assert np.all(day_type(days, "Europe/Warsaw", "") != SUNDAY_OR_HOLIDAY)
