"""Validation of frames handed to the time-series store (pure: no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.db.types import QUALITY_CODES
from core.enums import Quality
from core.exceptions import InputError

READING_COLUMNS = ("meter_id", "ts", "value")
OPTIONAL_READING_COLUMNS = ("quality", "reason")
REASON_MAX_CHARS = 200
# an offset after a time of day: "...T00:00Z", "... 00:00:00+01:00", "...T00:00:00.5-0100"
_OFFSET_RE = r"[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def _first_bad(mask: np.ndarray | pd.Series) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


def utc_timestamps(column: pd.Series, field: str = "ts") -> pd.Series:
    """Return ``column`` as ``datetime64[ns, UTC]``; naive or unparseable values are an error.

    Accepts aware datetime64 columns, aware ``datetime``/``Timestamp`` objects and ISO 8601
    strings with an offset (``2026-01-01T00:00:00+01:00`` or ``...Z``).
    """
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return column.dt.tz_convert("UTC")
    if pd.api.types.is_datetime64_dtype(column.dtype):
        raise InputError(
            f"{field}: timestamps have no time zone (first at row 0: {column.iloc[0]!s}); "
            "give aware timestamps (UTC or with an offset)",
            field=field,
            value=str(column.iloc[0]),
            row=0,
        )
    missing = column.isna() | column.map(lambda v: isinstance(v, str) and not v.strip())
    if missing.any():
        row = _first_bad(missing)
        raise InputError(f"{field}: missing timestamp at row {row}", field=field, row=row)
    is_str = column.map(lambda v: isinstance(v, str))
    aware = pd.Series(True, index=column.index)
    if is_str.any():
        aware[is_str] = column[is_str].str.strip().str.contains(_OFFSET_RE, regex=True)
    if (~is_str).any():
        aware[~is_str] = column[~is_str].map(lambda v: getattr(v, "tzinfo", None) is not None)
    if not aware.all():
        row = _first_bad(~aware)
        item = column.iloc[row]
        try:
            pd.Timestamp(item)
        except (ValueError, TypeError) as err:
            raise InputError(
                f"{field}: {item!r} at row {row} is not a timestamp; expected ISO 8601 with an "
                "offset (e.g. 2026-01-01T00:00+01:00)",
                field=field,
                value=str(item),
                row=row,
            ) from err
        raise InputError(
            f"{field}: timestamp {item!s} at row {row} has no time zone; "
            "give an offset or UTC (e.g. 2026-01-01T00:00+01:00)",
            field=field,
            value=str(item),
            row=row,
        )
    try:
        return pd.Series(pd.to_datetime(column, utc=True, format="ISO8601"), index=column.index)
    except (ValueError, TypeError) as err:
        raise InputError(f"{field}: not a timestamp: {err}", field=field) from err


def validate_readings(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a readings frame and return it normalised.

    Returns a new frame with columns meter_id (int64), ts (UTC), value (float64), quality
    (int8 codes), reason (object), without duplicate (meter_id, ts) pairs (the last one wins).

    Raises:
        InputError: naming the column, the row and the value at fault.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"readings must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in READING_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"readings frame lacks column(s) {', '.join(missing)}; "
            f"expected {', '.join(READING_COLUMNS)} and optionally {', '.join(OPTIONAL_READING_COLUMNS)}",
            field=missing[0],
        )
    unknown = [c for c in frame.columns if c not in READING_COLUMNS + OPTIONAL_READING_COLUMNS]
    if unknown:
        raise InputError(
            f"readings frame has unknown column(s) {', '.join(map(str, unknown))}",
            field=str(unknown[0]),
        )
    frame = frame.reset_index(drop=True)
    n = len(frame)

    meter = frame["meter_id"]
    if not pd.api.types.is_integer_dtype(meter.dtype):
        numeric = pd.to_numeric(meter, errors="coerce")
        bad = numeric.isna() | (numeric != np.floor(numeric))
        if bad.any():
            row = _first_bad(bad)
            raise InputError(
                f"meter_id: {meter.iloc[row]!r} at row {row} is not an integer meter id",
                field="meter_id",
                value=meter.iloc[row],
                row=row,
            )
        meter = numeric
    meter_ids = meter.astype("int64")

    ts = utc_timestamps(frame["ts"])

    raw_values = frame["value"]
    values = pd.to_numeric(raw_values, errors="coerce").astype("float64")
    not_numeric = values.isna() & raw_values.notna()
    if not_numeric.any():
        row = _first_bad(not_numeric)
        raise InputError(
            f"value: {raw_values.iloc[row]!r} at row {row} (meter {meter_ids.iloc[row]}) is not a number",
            field="value",
            value=raw_values.iloc[row],
            row=row,
        )
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        row = _first_bad(infinite)
        raise InputError(
            f"value: infinite value at row {row}", field="value", value=values.iloc[row], row=row
        )

    if "quality" in frame.columns:
        labels = frame["quality"].fillna(Quality.MEASURED.value).astype(str)
        valid = {q.value for q in Quality}
        bad = ~labels.isin(valid)
        if bad.any():
            row = _first_bad(bad)
            raise InputError(
                f"quality: {labels.iloc[row]!r} at row {row} is not one of {', '.join(sorted(valid))}",
                field="quality",
                value=labels.iloc[row],
                row=row,
            )
        codes = labels.map({q.value: code for q, code in QUALITY_CODES.items()}).astype("int8")
    else:
        codes = pd.Series(np.zeros(n, dtype="int8"))

    missing_value = values.isna() & (codes != QUALITY_CODES[Quality.INVALID])
    if missing_value.any():
        row = _first_bad(missing_value)
        raise InputError(
            f"value: missing at row {row} (meter {meter_ids.iloc[row]}); only readings flagged "
            "'invalid' may have no value",
            field="value",
            row=row,
        )

    if "reason" in frame.columns:
        reasons = frame["reason"].astype(object).where(frame["reason"].notna(), None)
        too_long = reasons.map(lambda r: r is not None and len(str(r)) > REASON_MAX_CHARS)
        if too_long.any():
            row = _first_bad(too_long)
            raise InputError(
                f"reason: longer than {REASON_MAX_CHARS} characters at row {row}",
                field="reason",
                row=row,
            )
    else:
        reasons = pd.Series([None] * n, dtype=object)

    out = pd.DataFrame(
        {"meter_id": meter_ids, "ts": ts, "value": values, "quality": codes, "reason": reasons}
    )
    return out.drop_duplicates(["meter_id", "ts"], keep="last", ignore_index=True)
