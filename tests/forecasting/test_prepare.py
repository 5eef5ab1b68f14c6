import numpy as np
import pandas as pd
import pytest

from forecasting.exceptions import (
    DuplicateTimestampError,
    ForecastInputError,
    IrregularTimestampError,
    NaiveTimestampError,
)
from forecasting.prepare import Aggregation, parse_step, prepare_frame


def _frame(stamps: list[str], values: list[float] | None = None) -> pd.DataFrame:
    values = values if values is not None else list(np.arange(len(stamps), dtype=float))
    return pd.DataFrame({"ts": stamps, "kw": values})


def test_offsets_are_read_and_gaps_become_missing_steps() -> None:
    frame = _frame(["2026-01-01T00:00+01:00", "2026-01-01T01:00+01:00", "2026-01-01T03:00+01:00"])

    prepared = prepare_frame(frame, time_col="ts", target="kw")

    assert prepared.step_s == 3600
    assert prepared.n_gap_steps == 1
    assert prepared.y.index[0] == pd.Timestamp("2025-12-31T23:00Z")
    assert np.isnan(prepared.y.iloc[2])
    assert prepared.display_tz.utcoffset(None) == pd.Timedelta(hours=1)


def test_naive_timestamps_need_a_zone() -> None:
    frame = _frame(["2026-01-01 00:00", "2026-01-01 01:00"])
    with pytest.raises(NaiveTimestampError, match="--tz"):
        prepare_frame(frame, time_col="ts", target="kw")


def test_naive_local_times_across_the_autumn_change_are_resolved_by_order() -> None:
    stamps = ["2026-10-25 01:00", "2026-10-25 02:00", "2026-10-25 02:00", "2026-10-25 03:00"]

    prepared = prepare_frame(_frame(stamps), time_col="ts", target="kw", tz="Europe/Warsaw")

    assert len(prepared.y) == 4
    assert prepared.n_gap_steps == 0
    assert prepared.y.index[2] - prepared.y.index[1] == pd.Timedelta(hours=1)


def test_a_time_in_the_spring_gap_is_an_error_naming_the_row() -> None:
    stamps = ["2026-03-29 01:00", "2026-03-29 02:00", "2026-03-29 03:00"]
    with pytest.raises(ForecastInputError, match="row 1 does not exist"):
        prepare_frame(_frame(stamps), time_col="ts", target="kw", tz="Europe/Warsaw")


def test_duplicate_timestamps_are_a_clear_error() -> None:
    stamps = ["2026-01-01T00:00Z", "2026-01-01T01:00Z", "2026-01-01T02:00+01:00"]
    with pytest.raises(DuplicateTimestampError, match="duplicate") as info:
        prepare_frame(_frame(stamps), time_col="ts", target="kw")
    assert info.value.row == 2
    assert info.value.timestamps == ["2026-01-01T01:00:00+00:00"]


def test_rows_off_the_grid_need_resampling_and_sum_or_mean_aggregate() -> None:
    stamps = [f"2026-01-01T00:{m:02d}Z" for m in (0, 15, 30, 45)] + ["2026-01-01T01:00Z"]
    frame = _frame(stamps, [1.0, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(IrregularTimestampError, match="--resample"):
        prepare_frame(frame, time_col="ts", target="kw", freq="1h")

    summed = prepare_frame(frame, time_col="ts", target="kw", freq="1h", resample=Aggregation.SUM)
    mean = prepare_frame(frame, time_col="ts", target="kw", freq="1h", resample=Aggregation.MEAN)

    assert summed.y.tolist() == [10.0, 5.0]
    assert mean.y.tolist() == [2.5, 5.0]


def test_cumulative_registers_become_consumption_per_step() -> None:
    frame = _frame(
        ["2026-01-01T00:00Z", "2026-01-01T01:00Z", "2026-01-01T02:00Z"], [100.0, 103.0, 104.5]
    )
    prepared = prepare_frame(frame, time_col="ts", target="kw", cumulative=True)
    assert prepared.y.tolist()[:2] == [3.0, 1.5]
    assert np.isnan(prepared.y.iloc[2])


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        (_frame(["2026-01-01T00:00Z"]), {"target": "power"}, "no column 'power'"),
        (_frame(["2026-01-01T00:00Z", "x"]), {"target": "kw"}, "not an ISO 8601 timestamp"),
        (
            pd.DataFrame({"ts": ["2026-01-01T00:00Z", "2026-01-01T01:00Z"], "kw": ["1", "n/a!"]}),
            {"target": "kw"},
            "'n/a!' at row 1 is not a number",
        ),
        (_frame(["2026-01-01T00:00Z", "2026-01-01 01:00"]), {"target": "kw"}, "has no offset"),
    ],
)
def test_bad_input_names_the_column_and_row(
    frame: pd.DataFrame, kwargs: dict, message: str
) -> None:
    with pytest.raises(ForecastInputError, match=message):
        prepare_frame(frame, time_col="ts", **kwargs)


@pytest.mark.parametrize(
    ("freq", "seconds"), [("15min", 900), ("15T", 900), ("H", 3600), ("1D", 86400)]
)
def test_frequencies(freq: str, seconds: int) -> None:
    assert parse_step(freq) == seconds


def test_a_frequency_that_does_not_divide_a_day_is_refused() -> None:
    with pytest.raises(ForecastInputError, match="divide a day"):
        parse_step("7min")


def test_warsaw_offsets_across_a_change_are_shown_in_warsaw_time() -> None:
    index = pd.date_range("2026-10-24T22:00Z", periods=6, freq="h").tz_convert("Europe/Warsaw")
    frame = _frame([t.isoformat() for t in index])

    prepared = prepare_frame(frame, time_col="ts", target="kw")

    assert str(prepared.display_tz) == "Europe/Warsaw"
    assert prepared.n_gap_steps == 0
