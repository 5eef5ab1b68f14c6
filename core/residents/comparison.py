"""Fair comparison: a household against its own history, then against similar households.

Similar households share the building type and the heating source; the group is first also
narrowed to a similar floor area (within 25 %) and the same household size, then relaxed
(area within 40 %, household size +-1), then to type and heating only - the first level with
at least ``MIN_GROUP`` households with complete data is used, and which one is reported.
Only quantiles of the group are returned, never a single household's value, and a group under
ten households is never shown. Households whose account holder has not granted the
comparisons consent are left out of every group, and a resident sees the comparison only with
that consent.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from core.accounts.enums import ConsentKind
from core.accounts.privacy import consents, premises_without_comparison_consent
from core.enums import Medium, Resolution
from core.residents import queries
from core.residents.access import premise_of, visible_meters
from core.residents.model import (
    ComparisonReport,
    Distribution,
    MediumComparison,
    MeterScope,
    PremiseInfo,
    Viewer,
)
from core.timeseries import read_series
from core.timeutil import LOCAL_TZ_NAME, local_day_start

MIN_GROUP = 10
WINDOW_DAYS = 28
MIN_COVERAGE = 0.9  # share of the window's expected readings a household needs to count
LEVELS = (
    ("strict", 0.25, 0),
    ("relaxed", 0.40, 1),
    ("type_and_heating", None, None),
)


def _window_end(engine: Engine, viewer: Viewer) -> dt.date | None:
    lasts = [m.last_ts for m in visible_meters(engine, viewer) if m.last_ts is not None]
    if not lasts:
        return None
    return pd.Timestamp(max(lasts)).tz_convert(LOCAL_TZ_NAME).date()


def _totals(
    engine: Engine, meter_ids: list[int], start: pd.Timestamp, end: pd.Timestamp
) -> dict[int, float]:
    """Consumption per meter in [start, end) for meters with enough data."""
    if not meter_ids:
        return {}
    frame = read_series(engine, meter_ids, start, end, Resolution.DAY)
    if frame.empty:
        return {}
    agg = frame.groupby("meter_id").agg(
        value=("value", "sum"), got=("n_readings", "sum"), want=("n_expected", "sum")
    )
    days = (end - start).total_seconds() / 86_400
    full = agg[(agg["got"] >= MIN_COVERAGE * agg["want"]) & (agg["want"] > 0)]
    # n_expected counts only the days with readings: also require most of the window's days.
    counted = frame.groupby("meter_id")["ts"].nunique()
    keep = full.index[counted.reindex(full.index).fillna(0) >= MIN_COVERAGE * round(days)]
    return {int(m): float(agg.loc[m, "value"]) for m in keep}


def _distribution(values: np.ndarray, own: float) -> Distribution:
    q = np.quantile(values, [0.1, 0.25, 0.5, 0.75, 0.9])
    return Distribution(
        n=len(values),
        p10=float(q[0]),
        p25=float(q[1]),
        p50=float(q[2]),
        p75=float(q[3]),
        p90=float(q[4]),
        own=own,
        own_percentile=float(100.0 * np.mean(values < own)),
    )


def _peer_group(
    engine: Engine,
    premise: PremiseInfo,
    medium: Medium,
    start: pd.Timestamp,
    end: pd.Timestamp,
    own: float,
) -> tuple[Distribution | None, str, str]:
    excluded = premises_without_comparison_consent(engine) | {premise.id}
    candidates = queries.similar_premises(
        engine, premise.building_type, premise.heating_source, medium, excluded
    )
    totals = _totals(engine, [m for _, m, _, _ in candidates], start, end)
    for name, area_tol, size_tol in LEVELS:
        chosen = [
            totals[m]
            for _, m, area, size in candidates
            if m in totals
            and (
                area_tol is None
                or abs(area - premise.floor_area_m2) <= area_tol * premise.floor_area_m2
            )
            and (size_tol is None or abs(size - premise.household_size) <= size_tol)
        ]
        if len(chosen) >= MIN_GROUP:
            return _distribution(np.array(chosen), own), name, ""
    return None, "", "group_too_small"


def compare(engine: Engine, viewer: Viewer, window_end: dt.date | None = None) -> ComparisonReport:
    """The household's comparison for each medium it has a meter for.

    Args:
        engine: the store.
        viewer: a resident.
        window_end: the last day of the 28-day window (default: the latest day with readings).

    Raises:
        NotVisibleError: the viewer has no premise.
    """
    premise = premise_of(engine, viewer)
    consent = bool(consents(engine, viewer.user_id)[ConsentKind.COMPARISONS].granted)
    end_day = window_end or _window_end(engine, viewer)
    report = ComparisonReport(
        premise=premise, window_end=end_day or dt.date.today(), consent=consent
    )
    if end_day is None:
        return report
    end = local_day_start(end_day + dt.timedelta(days=1))
    start = local_day_start(end_day - dt.timedelta(days=WINDOW_DAYS - 1))
    prev = (local_day_start(end_day - dt.timedelta(days=2 * WINDOW_DAYS - 1)), start)
    ly = tuple(
        local_day_start((t.tz_localize(None) - pd.DateOffset(years=1)).date()) for t in (start, end)
    )
    for meter in visible_meters(engine, viewer):
        if meter.scope is not MeterScope.PREMISE or meter.meter_kind.value != "main":
            continue

        def total(lo: pd.Timestamp, hi: pd.Timestamp, meter_id: int = meter.id) -> float | None:
            return _totals(engine, [meter_id], lo, hi).get(meter_id)

        own = total(start, end)
        peers, criteria, note = None, "", "consent_required"
        if consent and own is not None:
            peers, criteria, note = _peer_group(engine, premise, meter.medium, start, end, own)
        elif own is None:
            note = "no_data"
        report.media.append(
            MediumComparison(
                medium=meter.medium,
                unit=meter.unit,
                window_days=WINDOW_DAYS,
                own_recent=own,
                own_previous=total(*prev),
                own_last_year=total(*ly),
                peers=peers,
                criteria=criteria,
                peer_note=note,
            )
        )
    return report
